//! Writes a demo line chart and heatmaps to a folder, to look at:
//! `cargo run --release -p mutinf-plot --example demo -- /tmp/plots`

use mutinf_plot::{Heatmap, LineChart, Series, SeriesStyle, heatmap_png, line_chart_png};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::path::PathBuf::from(std::env::args().nth(1).unwrap_or_else(|| "plots".into()));
    std::fs::create_dir_all(&dir)?;
    let chart = LineChart {
        title: "InfoNet loss (−DV bound)".into(),
        x_label: "step".into(),
        y_label: "loss (nats)".into(),
        series: vec![
            Series { name: "train".into(), points: (1..=300).map(|s| (s as f64, 0.5 / (s as f64).sqrt())).collect(), style: SeriesStyle::Line },
            Series { name: "validation".into(), points: (1..=10).map(|s| (30.0 * s as f64, 0.6 / (30.0 * s as f64).sqrt())).collect(), style: SeriesStyle::LineAndPoints },
            Series { name: "ρ = 0.5".into(), points: vec![(100.0, 0.2), (200.0, 0.1)], style: SeriesStyle::Points },
        ],
        log_x: false,
        log_y: true,
    };
    line_chart_png(&chart, &dir.join("line.png"))?;
    for d in [4usize, 60] {
        let map = Heatmap {
            title: format!("pairwise MI ({d} columns)"),
            labels: (0..d).map(|i| format!("column{i}")).collect(),
            values: (0..d * d).map(|k| if k / d == k % d { f64::NAN } else { ((k * 7919) % 101) as f64 / 100.0 }).collect(),
            value_label: "MI (nats)".into(),
        };
        heatmap_png(&map, &dir.join(format!("heatmap{d}.png")))?;
    }
    println!("wrote {}", dir.display());
    Ok(())
}
