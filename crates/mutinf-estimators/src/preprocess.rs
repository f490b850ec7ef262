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

/// Population standard deviation (ddof = 0), two-pass, without overflow: the values are first
/// scaled by a power of two near their largest magnitude. Scaling by a power of two is exact, so
/// wherever the plain two-pass formula does not overflow or underflow the result is bit-for-bit
/// the same; values near ±1e300 (whose squares overflow) still give a finite, correct value.
///
/// ```
/// use mutinf_estimators::preprocess::population_std;
/// assert_eq!(population_std([1.0, 3.0].into_iter()), 1.0);
/// let huge = population_std([1e300, 3e300].into_iter());
/// assert!((huge / 1e300 - 1.0).abs() < 1e-12);
/// ```
pub fn population_std(values: impl Iterator<Item = f64> + Clone) -> f64 {
    let max_abs = values.clone().fold(0.0f64, |m, v| m.max(v.abs()));
    if max_abs == 0.0 || !max_abs.is_finite() {
        return plain_population_std(values);
    }
    // 2^e ≤ max_abs < 2^(e+1); the clamp keeps both factors normal, finite powers of two.
    let e = (max_abs.log2().floor() as i32).clamp(-1000, 1000);
    let (down, up) = (2f64.powi(-e), 2f64.powi(e));
    plain_population_std(values.map(move |v| v * down)) * up
}

fn plain_population_std(values: impl Iterator<Item = f64> + Clone) -> f64 {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_standard_deviation_is_exact_for_ordinary_values_and_finite_for_huge_ones() {
        let values: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1013) as f64 * 0.37 - 150.0).collect();
        assert_eq!(population_std(values.iter().copied()), plain_population_std(values.iter().copied()));
        for scale in [1e-300, 1e154, 1e300] {
            let scaled = population_std(values.iter().map(|v| v * scale));
            let want = plain_population_std(values.iter().copied()) * scale;
            assert!(scaled.is_finite() && (scaled / want - 1.0).abs() < 1e-12, "scale {scale}: {scaled} vs {want}");
        }
    }
}
