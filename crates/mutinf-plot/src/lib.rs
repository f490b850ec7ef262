//! # mutinf-plot
//!
//! PNG line charts and heatmaps for mutinf, drawn with [plotters]' bitmap backend. The font
//! (DejaVu Sans, see `assets/LICENSE`) is embedded, so nothing is needed from the system: no
//! fontconfig, no FreeType. Files are written to a temporary file next to the target and
//! renamed into place, so a reader never sees half a PNG.
//!
//! ```
//! use mutinf_plot::{LineChart, Series, SeriesStyle, line_chart_png};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let dir = tempfile::tempdir()?;
//! let chart = LineChart {
//!     title: "training loss".into(),
//!     x_label: "step".into(),
//!     y_label: "loss (nats)".into(),
//!     series: vec![Series {
//!         name: "train".into(),
//!         points: (1..=100).map(|s| (s as f64, 1.0 / s as f64)).collect(),
//!         style: SeriesStyle::Line,
//!     }],
//!     log_x: false,
//!     log_y: true,
//! };
//! line_chart_png(&chart, &dir.path().join("loss.png"))?;
//! # Ok(())
//! # }
//! ```

use std::error::Error;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// DejaVu Sans (Bitstream Vera license, see `assets/LICENSE`).
const FONT: &[u8] = include_bytes!("../assets/DejaVuSans.ttf");
/// The family name every text in this crate uses (the embedded font is registered under it).
const FAMILY: &str = "sans-serif";
/// Size in pixels of [`line_chart_png`] and [`heatmap_png`].
pub const DEFAULT_SIZE: (u32, u32) = (800, 600);
/// A heatmap labels every cell up to this many columns, and thins its tick labels beyond.
pub const MAX_TICK_LABELS: usize = 40;
/// Colours of successive series (matplotlib's tab10).
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Why a chart could not be written. Every message names the file.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// Nothing finite to draw.
    #[error("nothing to plot in {}: {what} has no finite values (NaN and ±inf are skipped); check the data that feeds it", path.display())]
    NoData { path: PathBuf, what: String },
    /// A value ≤ 0 on a logarithmic axis.
    #[error("cannot draw {}: series '{series}' has the value {value} on the logarithmic {axis} axis; use a linear {axis} axis (log_{axis} = false) or drop the values <= 0", path.display())]
    NonPositiveOnLogAxis { path: PathBuf, series: String, axis: &'static str, value: f64 },
    /// `values` is not `labels.len()²` long.
    #[error("cannot draw {}: the heatmap has {labels} labels, so it needs {labels} x {labels} = {expected} values (row-major), but it has {actual}", path.display())]
    HeatmapShape { path: PathBuf, labels: usize, expected: usize, actual: usize },
    /// The file (or its temporary sibling) could not be written or renamed.
    #[error("cannot write {}: {message}; check that the folder exists and is writable", path.display())]
    Write { path: PathBuf, message: String },
    /// plotters failed while drawing.
    #[error("cannot draw {}: {message}", path.display())]
    Draw { path: PathBuf, message: String },
}

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SeriesStyle {
    /// A polyline through the points, in the given order.
    #[default]
    Line,
    /// A marker per point.
    Points,
    /// Both.
    LineAndPoints,
}

/// One named set of (x, y) points. Non-finite points are skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Series {
    /// Legend entry (an empty name gives no entry).
    pub name: String,
    /// The points, drawn in this order.
    pub points: Vec<(f64, f64)>,
    /// Line, markers or both.
    pub style: SeriesStyle,
}

/// A chart of several series on shared axes, with a legend.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineChart {
    /// Caption above the chart.
    pub title: String,
    /// Axis descriptions.
    pub x_label: String,
    pub y_label: String,
    /// The series; empty ones are skipped, but at least one finite point must remain.
    pub series: Vec<Series>,
    /// Logarithmic axes (every finite value on them must be > 0).
    pub log_x: bool,
    pub log_y: bool,
}

/// A d x d matrix of values drawn as coloured cells (viridis), with a colour bar.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Heatmap {
    /// Caption above the map.
    pub title: String,
    /// The d row and column labels (row i is drawn at the top for i = 0).
    pub labels: Vec<String>,
    /// d x d values, row-major; NaN (and ±inf) cells are drawn grey.
    pub values: Vec<f64>,
    /// Caption of the colour bar (e.g. "MI (nats)").
    pub value_label: String,
}

/// Writes `chart` as an 800 x 600 PNG to `path`.
pub fn line_chart_png(chart: &LineChart, path: &Path) -> Result<(), PlotError> {
    line_chart_png_sized(chart, path, DEFAULT_SIZE)
}

/// Writes `chart` as a PNG of `size` = (width, height) pixels to `path`.
pub fn line_chart_png_sized(chart: &LineChart, path: &Path, size: (u32, u32)) -> Result<(), PlotError> {
    let (log_x, log_y) = (chart.log_x, chart.log_y);
    let mut drawn = Vec::new();
    for (i, s) in chart.series.iter().enumerate() {
        let mut points = Vec::with_capacity(s.points.len());
        for &(x, y) in s.points.iter().filter(|(x, y)| x.is_finite() && y.is_finite()) {
            for (log, axis, v) in [(log_x, "x", x), (log_y, "y", y)] {
                if log && v <= 0.0 {
                    return Err(PlotError::NonPositiveOnLogAxis { path: path.into(), series: s.name.clone(), axis, value: v });
                }
            }
            points.push((if log_x { x.log10() } else { x }, if log_y { y.log10() } else { y }));
        }
        if !points.is_empty() {
            drawn.push((PALETTE[i % PALETTE.len()], s, points));
        }
    }
    if drawn.is_empty() {
        return Err(PlotError::NoData { path: path.into(), what: format!("the chart '{}'", chart.title) });
    }
    let all = || drawn.iter().flat_map(|d| d.2.iter());
    let x_range = padded(all().map(|p| p.0), 0.0, log_x);
    let y_range = padded(all().map(|p| p.1), 0.05, log_y);
    render(path, size, |root| {
        root.fill(&WHITE)?;
        let mut c = ChartBuilder::on(root)
            .caption(&chart.title, (FAMILY, 22))
            .margin(15)
            .x_label_area_size(45)
            .y_label_area_size(70)
            .build_cartesian_2d(x_range, y_range)?;
        c.configure_mesh()
            .x_desc(&chart.x_label)
            .y_desc(&chart.y_label)
            .label_style((FAMILY, 13))
            .axis_desc_style((FAMILY, 15))
            .light_line_style(RGBColor(235, 235, 235))
            .x_label_formatter(&|v| tick(*v, log_x))
            .y_label_formatter(&|v| tick(*v, log_y))
            .draw()?;
        for (color, s, points) in &drawn {
            let color = *color;
            let labelled = match s.style {
                SeriesStyle::Line | SeriesStyle::LineAndPoints => {
                    if s.style == SeriesStyle::LineAndPoints {
                        c.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?;
                    }
                    c.draw_series(LineSeries::new(points.iter().copied(), color.stroke_width(2)))?
                }
                SeriesStyle::Points => c.draw_series(points.iter().map(|&p| Circle::new(p, 3, color.filled())))?,
            };
            if !s.name.is_empty() {
                let style = s.style;
                labelled.label(s.name.as_str()).legend(move |(x, y)| {
                    let line = if style == SeriesStyle::Points { color.mix(0.0) } else { color.to_rgba() };
                    let marker = if style == SeriesStyle::Line { color.mix(0.0) } else { color.to_rgba() };
                    EmptyElement::at((x, y))
                        + PathElement::new(vec![(0, 0), (20, 0)], line.stroke_width(2))
                        + Circle::new((10, 0), 3, marker.filled())
                });
            }
        }
        if drawn.iter().any(|d| !d.1.name.is_empty()) {
            c.configure_series_labels()
                .position(SeriesLabelPosition::UpperRight)
                .label_font((FAMILY, 14))
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK.mix(0.4))
                .draw()?;
        }
        Ok(())
    })
}

/// Writes `map` as an 800 x 600 PNG to `path`.
pub fn heatmap_png(map: &Heatmap, path: &Path) -> Result<(), PlotError> {
    heatmap_png_sized(map, path, DEFAULT_SIZE)
}

/// Writes `map` as a PNG of `size` = (width, height) pixels to `path`.
pub fn heatmap_png_sized(map: &Heatmap, path: &Path, size: (u32, u32)) -> Result<(), PlotError> {
    let d = map.labels.len();
    if map.values.len() != d * d {
        return Err(PlotError::HeatmapShape { path: path.into(), labels: d, expected: d * d, actual: map.values.len() });
    }
    let finite = || map.values.iter().copied().filter(|v| v.is_finite());
    if d == 0 || finite().next().is_none() {
        return Err(PlotError::NoData { path: path.into(), what: format!("the heatmap '{}'", map.title) });
    }
    let Range { start: lo, end: hi } = padded(finite(), 0.0, false);
    let n = d as i32;
    // Plotters picks at most this many integer ticks (1, 2, 5, 10, ... apart): thinning past 40.
    let ticks = d.min(MAX_TICK_LABELS) + 1;
    let longest = map.labels.iter().map(|l| l.chars().count()).max().unwrap_or(1) as u32;
    let label_font = if d <= 20 { 13 } else { 10 };
    let label_area = (longest * label_font * 6 / 10 + 12).clamp(24, 160);
    let name = |v: &i32| if (0..n).contains(v) { map.labels[*v as usize].clone() } else { String::new() };
    render(path, size, |full| {
        full.fill(&WHITE)?;
        let root = full.titled(&map.title, (FAMILY, 22))?;
        let (w, h) = root.dim_in_pixel();
        let (main, bar) = root.split_horizontally(w.saturating_sub(110));
        let mut c = ChartBuilder::on(&main)
            .margin(10)
            .x_label_area_size(label_area)
            .y_label_area_size(label_area)
            .build_cartesian_2d(0..n, n..0)?;
        let (pw, ph) = c.plotting_area().dim_in_pixel();
        let (cell_w, cell_h) = (pw as f64 / d as f64, ph as f64 / d as f64);
        c.configure_mesh()
            .disable_mesh()
            .x_labels(ticks)
            .y_labels(ticks)
            .y_label_offset((cell_h / 2.0) as i32)
            .y_label_style((FAMILY, label_font))
            .x_label_formatter(&|_| String::new())
            .y_label_formatter(&name)
            .draw()?;
        // Column labels, rotated to read downwards from the axis (plotters centres rotated
        // axis labels on the tick, which pushes half of each label into the map).
        let every = d.div_ceil(MAX_TICK_LABELS);
        let rotated = TextStyle::from((FAMILY, label_font))
            .transform(FontTransform::Rotate90)
            .pos(Pos::new(HPos::Left, VPos::Center));
        for col in (0..d).step_by(every) {
            let (x, y) = c.backend_coord(&(col as i32, n));
            full.draw(&Text::new(map.labels[col].as_str(), (x + (cell_w / 2.0) as i32, y + 8), &rotated))?;
        }
        c.draw_series((0..d * d).map(|k| {
            let (row, col) = ((k / d) as i32, (k % d) as i32);
            let v = map.values[k];
            let color = if v.is_finite() { viridis((v - lo) / (hi - lo)) } else { RGBColor(190, 190, 190) };
            Rectangle::new([(col, row), (col + 1, row + 1)], color.filled())
        }))?;
        if d <= 12 {
            // Small maps: the value in each cell.
            let style = TextStyle::from((FAMILY, 13)).pos(Pos::new(HPos::Center, VPos::Center));
            c.draw_series((0..d * d).filter(|&k| map.values[k].is_finite()).map(|k| {
                let (row, col) = ((k / d) as i32, (k % d) as i32);
                let v = map.values[k];
                let dark = (v - lo) / (hi - lo) < 0.6;
                let style = style.clone().color(if dark { &WHITE } else { &BLACK });
                EmptyElement::at((col, row))
                    + Text::new(short(v), ((cell_w / 2.0) as i32, (cell_h / 2.0) as i32), style)
            }))?;
        }
        // The colour bar, aligned with the plotting area.
        let mut cb = ChartBuilder::on(&bar)
            .margin_top(10)
            .margin_bottom(10 + label_area)
            .margin_right(10)
            .margin_left(10)
            .right_y_label_area_size(60)
            .caption(&map.value_label, (FAMILY, 14))
            .build_cartesian_2d(0.0..1.0, lo..hi)?;
        cb.configure_mesh()
            .disable_mesh()
            .disable_x_axis()
            .y_labels(6)
            .label_style((FAMILY, 12))
            .y_label_formatter(&|v| short(*v))
            .draw()?;
        let steps = h.max(2) as usize;
        cb.draw_series((0..steps).map(|i| {
            let (a, b) = (i as f64 / steps as f64, (i + 1) as f64 / steps as f64);
            Rectangle::new([(0.0, lo + a * (hi - lo)), (1.0, lo + b * (hi - lo))], viridis((a + b) / 2.0).filled())
        }))?;
        Ok(())
    })
}

/// Registers the embedded font once.
fn ensure_font(path: &Path) -> Result<(), PlotError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    if *REGISTERED.get_or_init(|| plotters::style::register_font(FAMILY, FontStyle::Normal, FONT).is_ok()) {
        Ok(())
    } else {
        Err(PlotError::Draw { path: path.into(), message: "the embedded font did not load (a bug in mutinf-plot)".into() })
    }
}

type Area<'a> = DrawingArea<BitMapBackend<'a>, Shift>;

/// Draws into a temporary `.png` next to `path` and renames it into place.
fn render(path: &Path, size: (u32, u32), draw: impl FnOnce(&Area<'_>) -> Result<(), Box<dyn Error>>) -> Result<(), PlotError> {
    ensure_font(path)?;
    let write_err = |message: String| PlotError::Write { path: path.into(), message };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(write_err(format!("the folder {} does not exist", dir.display())));
    }
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let stem = path.file_name().map_or_else(|| "plot".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{stem}.{}-{}.tmp.png", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed)));
    let result = (|| {
        let root = BitMapBackend::new(&tmp, size).into_drawing_area();
        draw(&root).map_err(|e| PlotError::Draw { path: path.into(), message: e.to_string() })?;
        root.present().map_err(|e| write_err(e.to_string()))
    })()
    .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| write_err(e.to_string())));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// The range of `values` widened by `frac` of its span on each side; a single value gets a
/// fixed margin (half a decade on a log axis).
fn padded(values: impl Iterator<Item = f64>, frac: f64, log: bool) -> Range<f64> {
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| (a.min(v), b.max(v)));
    if hi - lo <= 1e-9 * lo.abs().max(hi.abs()) {
        let pad = if log { 0.5 } else if lo == 0.0 { 1.0 } else { 0.1 * lo.abs() };
        return lo - pad..hi + pad;
    }
    let pad = (hi - lo) * frac;
    lo - pad..hi + pad
}

/// A tick label: `v`, or 10^v on a log axis (where ticks fall on round exponents, not round
/// values, so two significant digits).
fn tick(v: f64, log: bool) -> String {
    if log { digits(10f64.powf(v), 2) } else { short(v) }
}

/// About four significant digits, without trailing zeros.
fn short(v: f64) -> String {
    digits(v, 4)
}

/// `significant` digits (more for large integers), without trailing zeros.
fn digits(v: f64, significant: i32) -> String {
    let a = v.abs();
    if a == 0.0 || !a.is_finite() {
        return if a == 0.0 { "0".into() } else { format!("{v}") };
    }
    if !(1e-3..1e5).contains(&a) {
        return format!("{v:.*e}", (significant - 2).max(0) as usize);
    }
    let decimals = (significant - 1 - a.log10().floor() as i32).clamp(0, 6) as usize;
    let s = format!("{v:.decimals$}");
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s }
}

/// The viridis colour map at t in [0, 1] (piecewise linear through five anchors).
fn viridis(t: f64) -> RGBColor {
    const ANCHORS: [(f64, f64, f64); 5] =
        [(68.0, 1.0, 84.0), (59.0, 82.0, 139.0), (33.0, 145.0, 140.0), (94.0, 201.0, 98.0), (253.0, 231.0, 37.0)];
    let t = if t.is_finite() { t.clamp(0.0, 1.0) } else { 0.0 } * 4.0;
    let i = (t.floor() as usize).min(3);
    let f = t - i as f64;
    let (a, b) = (ANCHORS[i], ANCHORS[i + 1]);
    let mix = |x: f64, y: f64| (x + f * (y - x)).round() as u8;
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers() {
        assert_eq!(short(0.30000000000000004), "0.3");
        assert_eq!(short(1234.0), "1234");
        assert_eq!(short(0.0123), "0.0123");
        assert_eq!(short(0.0), "0");
        assert_eq!(short(2e-5), "2.00e-5");
        assert_eq!(tick(2.0, true), "100");
        assert_eq!(tick(-0.4, true), "0.4");
        assert_eq!(tick(-1.6, true), "0.025");
    }

    #[test]
    fn padding() {
        assert_eq!(padded([3.0].into_iter(), 0.05, false), 2.7..3.3);
        assert_eq!(padded([0.0, 0.0].into_iter(), 0.05, false), -1.0..1.0);
        assert_eq!(padded([1.0].into_iter(), 0.0, true), 0.5..1.5);
        assert_eq!(padded([0.0, 10.0].into_iter(), 0.1, false), -1.0..11.0);
    }

    #[test]
    fn colour_map_ends() {
        assert_eq!(viridis(0.0), RGBColor(68, 1, 84));
        assert_eq!(viridis(1.0), RGBColor(253, 231, 37));
        assert_eq!(viridis(f64::NAN), RGBColor(68, 1, 84));
    }
}
