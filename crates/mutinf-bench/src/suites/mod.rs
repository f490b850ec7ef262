//! The suites. Each `run` builds its data (seeded), runs every method on the same samples and
//! returns a [`SuiteReport`](crate::SuiteReport).

pub mod gaussian;
pub mod independence;
pub mod levels;
pub mod order;
pub mod timing;
pub mod transforms;

use mutinf_core::PairedSamples;

use crate::engine::{Estimated, estimate_many};
use crate::{Bench, Method, Result};

/// Runs every method on `data` (one progress bar for all), returning `[method][item]`.
pub(crate) fn run_methods(
    bench: &Bench,
    label: &str,
    methods: &[Method],
    data: &[PairedSamples],
    slices: usize,
    seed: u64,
) -> Result<Vec<Vec<Estimated>>> {
    let bar = crate::progress::bar(bench.progress, (methods.len() * data.len()) as u64, label);
    let mut out = Vec::with_capacity(methods.len());
    for &m in methods {
        bar.set_message(m.name());
        out.push(estimate_many(bench, m, data, slices, seed, &bar)?);
    }
    bar.finish_and_clear();
    Ok(out)
}

/// `0.1`-style float label.
pub(crate) fn fmt_level(v: f64) -> String {
    format!("{v:.1}")
}

/// The share of a method's intervals that contain the truth, as a table cell ("—" for a method
/// without intervals).
pub(crate) fn coverage_cell(estimates: &[Estimated], truths: &[f64]) -> crate::table::Cell {
    let intervals: Vec<Option<(f64, f64)>> = estimates.iter().map(|e| e.ci).collect();
    match crate::metrics::coverage(&intervals, truths) {
        Some(c) => crate::table::Cell::Text(format!("{:.1} %", 100.0 * c)),
        None => crate::table::Cell::Text("—".into()),
    }
}
