//! Writes real PNGs into a temporary folder, decodes them, and checks the error cases.

use std::path::Path;

use mutinf_plot::{
    Heatmap, LineChart, PlotError, Series, SeriesStyle, heatmap_png, line_chart_png, line_chart_png_sized,
};

const PNG_SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];

/// The file is a PNG of `size`, has no temporary sibling left, and is not one flat colour.
fn assert_png(path: &Path, size: (u32, u32)) {
    let bytes = std::fs::read(path).unwrap();
    assert_eq!(bytes[..8], PNG_SIGNATURE, "{} is not a PNG", path.display());
    let img = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), size);
    let first = img.get_pixel(0, 0);
    assert!(img.pixels().any(|p| p != first), "{} is blank", path.display());
    let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
}

fn series(name: &str, points: Vec<(f64, f64)>, style: SeriesStyle) -> Series {
    Series { name: name.into(), points, style }
}

fn chart(series: Vec<Series>) -> LineChart {
    LineChart {
        title: "loss".into(),
        x_label: "step".into(),
        y_label: "nats".into(),
        series,
        log_x: false,
        log_y: false,
    }
}

#[test]
fn line_chart_with_all_styles_and_a_legend() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("curves.png");
    let c = chart(vec![
        series("train", (0..200).map(|i| (i as f64, (-(i as f64) / 50.0).exp())).collect(), SeriesStyle::Line),
        series("validation", (0..20).map(|i| (10.0 * i as f64, 0.1 + (-(i as f64) / 5.0).exp())).collect(), SeriesStyle::LineAndPoints),
        series("ρ = 0", vec![(50.0, 0.5), (150.0, 0.2)], SeriesStyle::Points),
        series("empty", vec![], SeriesStyle::Line),
    ]);
    line_chart_png(&c, &path).unwrap();
    assert_png(&path, (800, 600));
    // Overwriting an existing file works, in another size.
    line_chart_png_sized(&c, &path, (400, 300)).unwrap();
    assert_png(&path, (400, 300));
}

#[test]
fn log_axes_single_points_constants_and_nan() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = chart(vec![series("lr", (1..=1000).map(|i| (i as f64, 1e-3 / i as f64)).collect(), SeriesStyle::Line)]);
    (c.log_x, c.log_y) = (true, true);
    line_chart_png(&c, &dir.path().join("log.png")).unwrap();
    assert_png(&dir.path().join("log.png"), (800, 600));

    let single = chart(vec![series("one", vec![(3.0, 7.0)], SeriesStyle::Points)]);
    line_chart_png(&single, &dir.path().join("single.png")).unwrap();
    assert_png(&dir.path().join("single.png"), (800, 600));

    let mut constant = chart(vec![series("flat", (0..10).map(|i| (i as f64, 0.0)).collect(), SeriesStyle::Line)]);
    line_chart_png(&constant, &dir.path().join("flat.png")).unwrap();
    constant.log_y = true;
    constant.series[0].points.iter_mut().for_each(|p| p.1 = 2.0);
    line_chart_png(&constant, &dir.path().join("flat-log.png")).unwrap();

    let nan = chart(vec![series("gaps", vec![(0.0, 1.0), (1.0, f64::NAN), (f64::INFINITY, 2.0), (3.0, 0.5)], SeriesStyle::Line)]);
    line_chart_png(&nan, &dir.path().join("nan.png")).unwrap();
    assert_png(&dir.path().join("nan.png"), (800, 600));
}

#[test]
fn line_chart_errors_name_the_file_and_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.png");

    let err = line_chart_png(&chart(vec![]), &path).unwrap_err();
    assert!(matches!(err, PlotError::NoData { .. }), "{err}");
    let all_nan = chart(vec![series("a", vec![(f64::NAN, 1.0), (1.0, f64::NEG_INFINITY)], SeriesStyle::Line)]);
    let err = line_chart_png(&all_nan, &path).unwrap_err();
    assert!(err.to_string().contains("bad.png") && err.to_string().contains("no finite values"), "{err}");

    let mut log = chart(vec![series("val loss", vec![(1.0, 0.5), (2.0, -0.1)], SeriesStyle::Line)]);
    log.log_y = true;
    let err = line_chart_png(&log, &path).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("'val loss'") && msg.contains("log_y = false") && msg.contains("-0.1"), "{msg}");
    log.log_y = false;
    log.log_x = true;
    log.series[0].points[0].0 = 0.0;
    assert!(matches!(line_chart_png(&log, &path), Err(PlotError::NonPositiveOnLogAxis { axis: "x", .. })));

    let missing = dir.path().join("no/such/folder/x.png");
    let ok = chart(vec![series("a", vec![(0.0, 1.0), (1.0, 2.0)], SeriesStyle::Line)]);
    let err = line_chart_png(&ok, &missing).unwrap_err();
    assert!(matches!(err, PlotError::Write { .. }) && err.to_string().contains("does not exist"), "{err}");
    assert!(!path.exists());
}

fn heatmap(d: usize) -> Heatmap {
    Heatmap {
        title: format!("pairwise MI, {d} columns"),
        labels: (0..d).map(|i| format!("X{i}")).collect(),
        values: (0..d * d).map(|k| if k / d == k % d { f64::NAN } else { ((k * 7919) % 101) as f64 / 100.0 }).collect(),
        value_label: "MI (nats)".into(),
    }
}

#[test]
fn heatmaps_small_large_and_constant() {
    let dir = tempfile::tempdir().unwrap();
    for d in [1, 2, 5, 60] {
        let path = dir.path().join(format!("map{d}.png"));
        let mut map = heatmap(d);
        if d == 1 {
            map.values = vec![0.25];
        }
        heatmap_png(&map, &path).unwrap();
        assert_png(&path, (800, 600));
    }
    let mut constant = heatmap(3);
    constant.values = vec![1.0; 9];
    heatmap_png(&constant, &dir.path().join("constant.png")).unwrap();
    assert_png(&dir.path().join("constant.png"), (800, 600));
}

#[test]
fn heatmap_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("map.png");
    let mut map = heatmap(3);
    map.values.pop();
    let err = heatmap_png(&map, &path).unwrap_err();
    assert!(matches!(err, PlotError::HeatmapShape { expected: 9, actual: 8, .. }), "{err}");
    assert!(err.to_string().contains("map.png"), "{err}");
    map.values = vec![f64::NAN; 9];
    assert!(matches!(heatmap_png(&map, &path), Err(PlotError::NoData { .. })));
    assert!(matches!(heatmap_png(&Heatmap::default(), &path), Err(PlotError::NoData { .. })));
    assert!(!path.exists());
}
