//! MI of every pair of columns of a table (`mutinf matrix`).

use mutinf_core::{Estimator, PairedSamples, Result};
use ndarray::{Array2, ArrayView2, s};
use rayon::prelude::*;

/// The symmetric d x d matrix of I(column i; column j) in nats for an N x d table, with the
/// given estimator (pairs in parallel with rayon).
///
/// The diagonal is NaN: I(X; X) of a continuous variable is infinite, and the estimators'
/// values there would only reflect their bias. Each pair is estimated once (i < j) and
/// mirrored. Errors (a constant column, N ≤ k, ...) name the columns as `column i`.
///
/// ```
/// use mutinf_estimators::{ksg::KsgParams, matrix::pairwise_mi};
/// use ndarray::Array2;
/// # fn main() -> mutinf_core::Result<()> {
/// let t = Array2::from_shape_fn((300, 3), |(i, j)| ((i * (j + 3) * 7919) % 301) as f64 + if j == 2 { i as f64 } else { 0.0 });
/// let m = pairwise_mi(t.view(), &KsgParams::new().check()?)?;
/// assert!(m[[0, 0]].is_nan());
/// assert_eq!(m[[0, 1]], m[[1, 0]]);
/// # Ok(())
/// # }
/// ```
pub fn pairwise_mi(columns: ArrayView2<'_, f64>, estimator: &dyn Estimator) -> Result<Array2<f64>> {
    let d = columns.ncols();
    let pairs: Vec<(usize, usize)> = (0..d).flat_map(|i| (i + 1..d).map(move |j| (i, j))).collect();
    let values: Vec<f64> = pairs
        .par_iter()
        .map(|&(i, j)| {
            let data = PairedSamples::with_names(
                columns.slice(s![.., i..i + 1]).to_owned(),
                columns.slice(s![.., j..j + 1]).to_owned(),
                vec![format!("column {i}")],
                vec![format!("column {j}")],
            )?;
            estimator.estimate(&data).map(|e| e.mi)
        })
        .collect::<Result<_>>()?;
    let mut m = Array2::from_elem((d, d), f64::NAN);
    for (&(i, j), &v) in pairs.iter().zip(&values) {
        m[[i, j]] = v;
        m[[j, i]] = v;
    }
    Ok(m)
}
