//! MI as a function of lag.

use mutinf_core::{Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use ndarray::{ArrayView2, s};
use rayon::prelude::*;

/// The estimate at one lag.
#[derive(Debug, Clone, PartialEq)]
pub struct LagEstimate {
    /// The lag: the estimate is of I(X_t ; Y_{t+lag}).
    pub lag: i64,
    /// The estimate on the N − |lag| overlapping pairs.
    pub estimate: MiEstimate,
}

/// I(X_t ; Y_{t+lag}) in nats for every lag in `lags`, with any estimator, lags in parallel
/// (rayon), results in the order of `lags`.
///
/// X (N x dx) and Y (N x dy) are series sampled at the same N time points, rows in time
/// order. A positive lag pairs X with *later* Y (X leads), a negative lag with earlier Y. Each
/// lag uses all N − |lag| overlapping pairs, so an estimate at lag L equals
/// `estimator.estimate` on rows (x[t], y[t + L]) exactly.
///
/// Errors when X and Y differ in length, a value is not finite, a series is constant,
/// `lags` is empty, or a lag leaves fewer than 2 pairs (|lag| > N − 2); errors of the
/// estimator at one lag (e.g. N − |lag| ≤ k) name the lag.
///
/// ```
/// use mutinf_estimators::{ksg::KsgParams, time_series::{lagged_mi, peak}};
/// use ndarray::Array2;
/// # fn main() -> mutinf_core::Result<()> {
/// // y[t] = x[t − 3]: the dependence sits at lag +3.
/// let x = Array2::from_shape_fn((400, 1), |(t, _)| ((t * 7919) % 401) as f64);
/// let y = Array2::from_shape_fn((400, 1), |(t, _)| if t >= 3 { x[[t - 3, 0]] } else { 0.5 });
/// let lags: Vec<i64> = (-5..=5).collect();
/// let curve = lagged_mi(x.view(), y.view(), &lags, &KsgParams::new().check()?)?;
/// assert_eq!(peak(&curve).unwrap().lag, 3);
/// # Ok(())
/// # }
/// ```
pub fn lagged_mi(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, lags: &[i64], estimator: &dyn Estimator) -> Result<Vec<LagEstimate>> {
    // Validates lengths, values and constancy once on the whole series.
    let whole = PairedSamples::new(x.to_owned(), y.to_owned())?;
    let sets = lagged_samples(&whole, lags, estimator)?;
    lags.par_iter()
        .zip(sets.par_iter())
        .map(|(&lag, data)| {
            let estimate = estimator.estimate(data).map_err(|e| at_lag(estimator, lag, e))?;
            Ok(LagEstimate { lag, estimate: estimate.with_param("lag", lag) })
        })
        .collect()
}

/// [`lagged_mi`] for estimators that batch (InfoNet: one forward pass per memory-bounded
/// chunk): every lag's rows go to one [`Estimator::estimate_many`] call. Each value equals
/// `estimator.estimate` on that lag's rows, as in [`lagged_mi`]; the names are `data`'s.
///
/// ```
/// use mutinf_core::PairedSamples;
/// use mutinf_estimators::{ksg::KsgParams, time_series::{lagged_mi, lagged_mi_batched}};
/// # fn main() -> mutinf_core::Result<()> {
/// let x: Vec<f64> = (0..300).map(|t| ((t * 7919) % 301) as f64).collect();
/// let y: Vec<f64> = (0..300).map(|t| if t >= 2 { x[t - 2] } else { 0.5 }).collect();
/// let data = PairedSamples::from_columns(&x, &y)?;
/// let ksg = KsgParams::new().check()?;
/// let batched = lagged_mi_batched(&data, &[0, 2], &ksg)?;
/// let parallel = lagged_mi(data.x(), data.y(), &[0, 2], &ksg)?;
/// assert_eq!(batched[1].estimate.mi, parallel[1].estimate.mi);
/// # Ok(())
/// # }
/// ```
pub fn lagged_mi_batched(data: &PairedSamples, lags: &[i64], estimator: &dyn Estimator) -> Result<Vec<LagEstimate>> {
    let sets = lagged_samples(data, lags, estimator)?;
    let estimates = estimator.estimate_many(&sets)?;
    Ok(lags.iter().zip(estimates).map(|(&lag, e)| LagEstimate { lag, estimate: e.with_param("lag", lag) }).collect())
}

/// The rows (x[t], y[t + lag]) of every lag, in the order of `lags`, named as `whole`: the one
/// place the lags are checked (non-empty, |lag| ≤ N − 2) and the series sliced.
fn lagged_samples(whole: &PairedSamples, lags: &[i64], estimator: &dyn Estimator) -> Result<Vec<PairedSamples>> {
    let n = whole.n();
    if lags.is_empty() {
        return Err(MutinfError::invalid("lags", "[]", "give at least one lag, e.g. -50..50"));
    }
    if let Some(&bad) = lags.iter().find(|l| l.unsigned_abs() as usize + 2 > n) {
        return Err(MutinfError::invalid(
            "lag",
            bad,
            format!("with N = {n} time points a lag leaves N − |lag| pairs; keep |lag| ≤ {} (smaller is better)", n.saturating_sub(2)),
        ));
    }
    lags.iter()
        .map(|&lag| {
            let m = n - lag.unsigned_abs() as usize;
            let (x0, y0) = if lag >= 0 { (0, lag as usize) } else { (lag.unsigned_abs() as usize, 0) };
            PairedSamples::with_names(
                whole.x().slice(s![x0..x0 + m, ..]).to_owned(),
                whole.y().slice(s![y0..y0 + m, ..]).to_owned(),
                whole.x_names().to_vec(),
                whole.y_names().to_vec(),
            )
            .map_err(|e| at_lag(estimator, lag, e))
        })
        .collect()
}

/// An error at one lag, naming it.
fn at_lag(estimator: &dyn Estimator, lag: i64, e: MutinfError) -> MutinfError {
    MutinfError::EstimationFailed { method: estimator.method().into(), reason: format!("at lag {lag}: {e}") }
}

/// The lag with the largest estimate (NaN estimates ignored; the first of equal maxima), or
/// `None` for an empty curve.
///
/// ```
/// use mutinf_core::MiEstimate;
/// use mutinf_estimators::time_series::{LagEstimate, peak};
/// let curve: Vec<LagEstimate> = [(-1, 0.1), (0, 0.5), (1, 0.2)]
///     .into_iter()
///     .map(|(lag, mi)| LagEstimate { lag, estimate: MiEstimate::new("ksg", mi, 100) })
///     .collect();
/// assert_eq!(peak(&curve).unwrap().lag, 0);
/// ```
pub fn peak(curve: &[LagEstimate]) -> Option<&LagEstimate> {
    curve.iter().filter(|e| !e.estimate.mi.is_nan()).fold(None, |best: Option<&LagEstimate>, e| match best {
        Some(b) if b.estimate.mi >= e.estimate.mi => Some(b),
        _ => Some(e),
    })
}
