//! Delay embedding of a (source, target) pair for transfer entropy.

use mutinf_core::{MutinfError, Result};
use ndarray::Array2;

use crate::conditional::ConditionalSamples;

/// Checks a pair of series: equal lengths, finite values, neither constant. Errors name the
/// series (`source`, `target`) and the time index.
pub(crate) fn check_series(source: &[f64], target: &[f64]) -> Result<()> {
    if source.len() != target.len() {
        return Err(MutinfError::invalid(
            "series lengths",
            format!("{} vs {}", source.len(), target.len()),
            "source and target must be sampled at the same time points (equal lengths)",
        ));
    }
    for (series, name) in [(source, "source"), (target, "target")] {
        if let Some((t, &value)) = series.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(MutinfError::NonFinite { row: t, column: name.into(), value });
        }
        if let Some(&first) = series.first()
            && series.iter().all(|&v| v == first)
        {
            return Err(MutinfError::ConstantColumn { column: name.into(), value: first });
        }
    }
    Ok(())
}

/// The samples of TE(source → target) = I(Y_t ; X_{t−d−l+1..t−d} | Y_{t−1..t−k}) with target
/// history `k`, source history `l` and delay `d`: one row per time t from
/// t₀ = max(k, d + l − 1) to N − 1, so N − t₀ rows, with
/// X = (source[t−d], …, source[t−d−l+1]), Y = target[t] and Z = (target[t−1], …, target[t−k]).
///
/// Columns are named after what they hold (`source(t-1)`, `target(t)`, ...), so a data error
/// says which lag it concerns. Errors when k, l or d is 0, the series differ in length, hold a
/// non-finite value, are constant, or are too short for the histories (fewer than 2 rows left).
///
/// ```
/// use mutinf_estimators::time_series::te_embedding;
/// # fn main() -> mutinf_core::Result<()> {
/// let source = [1.0, 2.0, 3.0, 4.0, 5.0];
/// let target = [0.0, 1.0, 0.0, 2.0, 1.0];
/// let e = te_embedding(&source, &target, 2, 1, 1)?;
/// // t = 2, 3, 4: X = source[t−1], Y = target[t], Z = (target[t−1], target[t−2]).
/// assert_eq!(e.n(), 3);
/// assert_eq!(e.x().column(0).to_vec(), vec![2.0, 3.0, 4.0]);
/// assert_eq!(e.z().row(0).to_vec(), vec![1.0, 0.0]);
/// assert_eq!(e.names()[2], vec!["target(t-1)".to_string(), "target(t-2)".to_string()]);
/// # Ok(())
/// # }
/// ```
pub fn te_embedding(source: &[f64], target: &[f64], k: usize, l: usize, d: usize) -> Result<ConditionalSamples> {
    for (v, name, what) in [(k, "history", "target history k"), (l, "source_history", "source history l"), (d, "delay", "delay d")] {
        if v == 0 {
            return Err(MutinfError::invalid(name, 0, format!("the {what} must be at least 1")));
        }
    }
    check_series(source, target)?;
    let n = source.len();
    let t0 = k.max(d + l - 1);
    if n < t0 + 2 {
        return Err(MutinfError::TooFewSamples {
            n,
            min: t0 + 2,
            what: format!("transfer entropy with target history k = {k}, source history l = {l} and delay d = {d} (which use the first {t0} time points as history only)"),
            hint: " or shorten the histories".into(),
        });
    }
    let rows = n - t0;
    let x = Array2::from_shape_fn((rows, l), |(i, j)| source[t0 + i - d - j]);
    let y = Array2::from_shape_fn((rows, 1), |(i, _)| target[t0 + i]);
    let z = Array2::from_shape_fn((rows, k), |(i, j)| target[t0 + i - 1 - j]);
    let names = [
        (0..l).map(|j| format!("source(t-{})", d + j)).collect(),
        vec!["target(t)".to_string()],
        (1..=k).map(|j| format!("target(t-{j})")).collect(),
    ];
    ConditionalSamples::with_names(x, y, z, names)
}
