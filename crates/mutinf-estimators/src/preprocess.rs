//! Column scaling shared by the k-NN estimators.

use ndarray::{Array2, ArrayView2, Axis};

/// Divides every column by its population standard deviation (ddof = 0) *without* centering,
/// exactly like scikit-learn's `scale(X, with_mean=False)` in `mutual_info_regression`.
///
/// Why no centering: distances do not depend on a shift, and skipping it keeps our scaled
/// values bit-for-bit closer to scikit-learn's. Why scale at all: KSG uses the max-norm over
/// all coordinates, so a column measured in larger units dominates the neighbour search —
/// KSG is not scale-invariant. Constant columns are rejected by `PairedSamples`; a zero
/// standard deviation is left unscaled here, as scikit-learn does.
///
/// ```
/// use mutinf_estimators::preprocess::scale_columns;
/// use ndarray::array;
/// let s = scale_columns(array![[1.0], [3.0]].view());
/// assert_eq!(s, array![[1.0], [3.0]]); // std = 1 already
/// ```
pub fn scale_columns(block: ArrayView2<'_, f64>) -> Array2<f64> {
    let mut out = block.to_owned();
    for mut col in out.axis_iter_mut(Axis(1)) {
        let sd = population_std(col.iter().copied());
        if sd > 0.0 {
            col.mapv_inplace(|v| v / sd);
        }
    }
    out
}

/// Population standard deviation (ddof = 0), two-pass.
pub fn population_std(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let (mut n, mut sum) = (0usize, 0.0);
    for v in values.clone() {
        n += 1;
        sum += v;
    }
    if n == 0 {
        return 0.0;
    }
    let mean = sum / n as f64;
    let ss: f64 = values.map(|v| (v - mean) * (v - mean)).sum();
    (ss / n as f64).sqrt()
}

/// An N x d view as a contiguous row-major vector (what the neighbour indices take).
pub(crate) fn row_major(block: ArrayView2<'_, f64>) -> Vec<f64> {
    block.iter().copied().collect()
}
