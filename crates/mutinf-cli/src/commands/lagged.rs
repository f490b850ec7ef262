//! `mutinf lagged`: I(X_t ; Y_{t+lag}) for a range of lags, as CSV, JSON and a PNG plot.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use mutinf_core::columns::resolve_columns;
use mutinf_estimators::time_series::{LagEstimate, lagged_mi, lagged_mi_batched, peak};
use serde_json::json;

use super::estimate::{human_seconds, text_line_for};
use super::methods::{Method, MethodArgs, build_estimator};
use super::te::TextOrJson;
use crate::output::{print_json, print_text};

/// Arguments of `mutinf lagged`.
#[derive(Debug, Args)]
pub struct LaggedArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D); rows are time steps, in order.
    pub file: PathBuf,
    /// Columns of X (names or 0-based indices, lists and ranges as in `estimate`). Default: the first.
    #[arg(long)]
    pub x: Option<String>,
    /// Columns of Y, same syntax. Default: the second column.
    #[arg(long)]
    pub y: Option<String>,
    /// Lags: an inclusive range `A..B` (e.g. -50..50; write `--lags=-50..50` or `--lags -50..50`),
    /// a comma list (`-7,0,7`), or both (`-10..-5,0,5..10`). A positive lag pairs X_t with the
    /// later Y_{t+lag} (X leads); each lag uses the N - |lag| overlapping rows.
    #[arg(long, allow_hyphen_values = true, default_value = "-10..10")]
    pub lags: String,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Seed for stochastic methods.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write the curve as CSV (columns lag,mi,n) here; without it (and with --format text) the
    /// CSV goes to stdout, followed by a `# peak …` comment line.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Also draw the curve (MI against lag) as a PNG.
    #[arg(long)]
    pub plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// Parses `A..B` (inclusive, ascending), comma lists, or both; negative lags allowed.
pub fn parse_lags(text: &str) -> anyhow::Result<Vec<i64>> {
    let mut lags = Vec::new();
    for item in text.split(',').map(str::trim) {
        let number = |s: &str| -> anyhow::Result<i64> {
            s.trim().parse::<i64>().map_err(|_| anyhow::anyhow!("--lags {text}: '{s}' is not an integer; write e.g. -50..50 or -7,0,7"))
        };
        if item.is_empty() {
            bail!("--lags {text}: empty item; write e.g. -50..50 or -7,0,7");
        }
        // Find the `..` separator after a possible leading minus sign.
        match item.get(1..).and_then(|rest| rest.find("..")).map(|i| i + 1) {
            Some(i) => {
                let (a, b) = (number(&item[..i])?, number(&item[i + 2..])?);
                if a > b {
                    bail!("--lags {text}: the range {item} runs backwards; ranges are inclusive and ascending, e.g. -50..50");
                }
                if (b - a) > 1_000_000 {
                    bail!("--lags {text}: the range {item} has more than a million lags");
                }
                lags.extend(a..=b);
            }
            None => lags.push(number(item)?),
        }
    }
    Ok(lags)
}

/// Runs `mutinf lagged`.
pub fn run(args: LaggedArgs) -> anyhow::Result<()> {
    let lags = parse_lags(&args.lags)?;
    let table = crate::input::open_table(&args.file)?;
    if (args.x.is_none() || args.y.is_none()) && table.ncols() < 2 {
        bail!("{} has {} column(s); lagged MI needs an X and a Y column (choose them with --x/--y)", args.file.display(), table.ncols());
    }
    let x = match &args.x { Some(spec) => resolve_columns(spec, table.names())?, None => vec![0] };
    let y = match &args.y { Some(spec) => resolve_columns(spec, table.names())?, None => vec![1] };
    // Validated once on the whole series, so errors name the file's columns.
    let data = table.paired_indices(&x, &y).with_context(|| format!("in {}", args.file.display()))?;
    let estimator = build_estimator(&args.method, args.seed, false)?;
    let start = std::time::Instant::now();
    let curve = if args.method.method == Method::Infonet {
        // InfoNet batches: all lags in one estimate_many call (memory-bounded chunks inside);
        // each value equals `estimate` on that lag's rows.
        lagged_mi_batched(&data, &lags, estimator.as_ref())?
    } else {
        lagged_mi(data.x(), data.y(), &lags, estimator.as_ref())?
    };
    let seconds = start.elapsed().as_secs_f64();
    let best = peak(&curve).context("every lag's estimate is NaN; nothing to report")?;

    let mut csv = String::from("lag,mi,n\n");
    for e in &curve {
        writeln!(csv, "{},{},{}", e.lag, e.estimate.mi, e.estimate.n)?;
    }
    if let Some(path) = &args.out {
        std::fs::write(path, &csv).with_context(|| format!("writing {}", path.display()))?;
    }
    if let Some(path) = &args.plot {
        plot(&curve, best, &args, path)?;
    }
    let peak_text = format!("peak at lag {}: {}", best.lag, text_line_for(&format!("I(X_t;Y_t{:+})", best.lag), &best.estimate));
    match args.format {
        TextOrJson::Text => {
            let mut text = if args.out.is_none() { csv } else { String::new() };
            writeln!(text, "# {peak_text}  ({} lags in {})", curve.len(), human_seconds(seconds))?;
            if let Some(path) = &args.out {
                writeln!(text, "# wrote {}", path.display())?;
            }
            print_text(&text)
        }
        TextOrJson::Json => print_json(&json!({
            "method": best.estimate.method,
            "x": data.x_names(),
            "y": data.y_names(),
            "peak": { "lag": best.lag, "mi": best.estimate.mi, "n": best.estimate.n },
            "lags": curve.iter().map(|e| json!({ "lag": e.lag, "mi": e.estimate.mi, "n": e.estimate.n })).collect::<Vec<_>>(),
            "params": best.estimate.params,
            "seconds": seconds,
        })),
    }
}

fn plot(curve: &[LagEstimate], best: &LagEstimate, args: &LaggedArgs, path: &std::path::Path) -> anyhow::Result<()> {
    let chart = mutinf_plot::LineChart {
        title: format!("lagged MI, {} (peak at lag {})", args.file.display(), best.lag),
        x_label: "lag (Y_{t+lag} against X_t)".into(),
        y_label: format!("MI (nats), {}", best.estimate.method),
        series: vec![
            mutinf_plot::Series {
                name: "I(X_t; Y_t+lag)".into(),
                points: curve.iter().map(|e| (e.lag as f64, e.estimate.mi)).collect(),
                style: mutinf_plot::SeriesStyle::LineAndPoints,
            },
            mutinf_plot::Series {
                name: format!("peak: lag {}", best.lag),
                points: vec![(best.lag as f64, best.estimate.mi)],
                style: mutinf_plot::SeriesStyle::Points,
            },
        ],
        log_x: false,
        log_y: false,
    };
    mutinf_plot::line_chart_png(&chart, path).with_context(|| format!("--plot {}", path.display()))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_lags;

    #[test]
    fn lag_syntax() {
        assert_eq!(parse_lags("-2..2").unwrap(), vec![-2, -1, 0, 1, 2]);
        assert_eq!(parse_lags("-5..-3").unwrap(), vec![-5, -4, -3]);
        assert_eq!(parse_lags("-7, 0,7").unwrap(), vec![-7, 0, 7]);
        assert_eq!(parse_lags("-3..-2,4..5").unwrap(), vec![-3, -2, 4, 5]);
        assert!(parse_lags("3..1").is_err());
        assert!(parse_lags("a..3").is_err());
        assert!(parse_lags("1,,2").is_err());
    }
}
