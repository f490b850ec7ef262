//! PNG plots of the suites (mutinf-plot).

use std::path::Path;

use mutinf_plot::{LineChart, Series, SeriesStyle, line_chart_png};

use crate::Result;

/// A line series.
pub fn line(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
    Series { name: name.into(), points, style: SeriesStyle::LineAndPoints }
}

/// A scatter series.
pub fn points(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
    Series { name: name.into(), points, style: SeriesStyle::Points }
}

/// A plain line (e.g. the analytic truth).
pub fn curve(name: impl Into<String>, points: Vec<(f64, f64)>) -> Series {
    Series { name: name.into(), points, style: SeriesStyle::Line }
}

/// Writes a chart to `dir/file` and returns `file`.
// Every argument is one property of the chart, and each call site reads as one chart.
#[allow(clippy::too_many_arguments)]
pub fn write(dir: &Path, file: &str, title: &str, x: &str, y: &str, series: Vec<Series>, log_x: bool, log_y: bool) -> Result<String> {
    std::fs::create_dir_all(dir).map_err(crate::io_err(dir))?;
    let chart = LineChart { title: title.into(), x_label: x.into(), y_label: y.into(), series, log_x, log_y };
    line_chart_png(&chart, &dir.join(file))?;
    Ok(file.to_string())
}
