//! Gaussian (log-determinant) conditional MI: the exact value for jointly Gaussian data,
//! a reference for the k-NN estimator, and a fast linear baseline on real data.
//!
//! For jointly Gaussian (X, Y, Z) with covariance Σ,
//! I(X; Y | Z) = ½ [ln det Σ_XZ + ln det Σ_YZ − ln det Σ_Z − ln det Σ_XYZ];
//! for 1-D X and Y this is −½ ln(1 − ρ²_{XY·Z}) with the partial correlation ρ_{XY·Z}.

use mutinf_core::{MiEstimate, MutinfError, Result};
use ndarray::{Array2, ArrayView2, Axis, concatenate};

use super::{ConditionalEstimator, ConditionalSamples};

/// The Gaussian conditional MI of the sample covariance (maximum likelihood; no bias
/// correction). Implements [`ConditionalEstimator`]; it reads only second moments, so it is
/// exact for Gaussian data up to sampling noise and blind to non-linear dependence.
///
/// ```
/// use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, GaussianCmi};
/// # fn main() -> mutinf_core::Result<()> {
/// let z: Vec<f64> = (0..300).map(|i| ((i * 7919) % 300) as f64).collect();
/// let x: Vec<f64> = z.iter().enumerate().map(|(i, v)| v + ((i * 31) % 17) as f64).collect();
/// let y: Vec<f64> = z.iter().enumerate().map(|(i, v)| v + ((i * 53) % 19) as f64).collect();
/// let est = GaussianCmi.estimate(&ConditionalSamples::from_columns(&x, &y, &z)?)?;
/// assert!(est.mi >= 0.0 && est.mi < 0.1, "{}", est.mi);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GaussianCmi;

impl ConditionalEstimator for GaussianCmi {
    fn method(&self) -> &str {
        "gaussian-cmi"
    }

    fn estimate(&self, data: &ConditionalSamples) -> Result<MiEstimate> {
        let (cmi, seconds) = mutinf_core::timed(|| {
            let all = concatenate(Axis(1), &[data.x(), data.y(), data.z()]).expect("same row count");
            // The Gaussian CMI depends only on correlations: scaling each column first keeps the
            // covariance finite for values near f64's range.
            let all = crate::preprocess::scale_columns(all.view());
            let cov = sample_covariance(all.view());
            let (dx, dy, dz) = (data.dx(), data.dy(), data.dz());
            let xs: Vec<usize> = (0..dx).collect();
            let ys: Vec<usize> = (dx..dx + dy).collect();
            let zs: Vec<usize> = (dx + dy..dx + dy + dz).collect();
            gaussian_cmi_from_covariance(cov.view(), &xs, &ys, &zs)
        });
        Ok(MiEstimate::new(self.method(), cmi?, data.n()).with_seconds(seconds).with_param("dz", data.dz()))
    }
}

/// I(X; Y | Z) in nats of a Gaussian vector with covariance `cov`, where X, Y and Z are the
/// coordinates at indices `x`, `y`, `z` (Z may be empty: then it is I(X; Y)). Exact, up to
/// rounding.
///
/// Errors when an index is out of range, X or Y is empty, the index sets overlap, or a
/// covariance block is not positive definite (a column that is constant or a linear
/// combination of others).
///
/// ```
/// use mutinf_estimators::conditional::gaussian_cmi_from_covariance;
/// use ndarray::array;
/// # fn main() -> mutinf_core::Result<()> {
/// // Unit variances, ρ_XY = 0.5, ρ_XZ = 0.5, ρ_YZ = 0.5: ρ_XY·Z = (0.5 − 0.25) / 0.75 = 1/3.
/// let cov = array![[1.0, 0.5, 0.5], [0.5, 1.0, 0.5], [0.5, 0.5, 1.0]];
/// let cmi = gaussian_cmi_from_covariance(cov.view(), &[0], &[1], &[2])?;
/// assert!((cmi - (-0.5 * (1.0 - 1.0f64 / 9.0).ln())).abs() < 1e-14);
/// # Ok(())
/// # }
/// ```
pub fn gaussian_cmi_from_covariance(cov: ArrayView2<'_, f64>, x: &[usize], y: &[usize], z: &[usize]) -> Result<f64> {
    let d = cov.nrows();
    if cov.ncols() != d {
        return Err(MutinfError::invalid("covariance", format!("{} x {}", cov.nrows(), cov.ncols()), "must be square"));
    }
    if x.is_empty() || y.is_empty() {
        return Err(MutinfError::EmptyBlock { block: if x.is_empty() { "X" } else { "Y" }.into() });
    }
    let mut seen = vec![false; d];
    for &i in x.iter().chain(y).chain(z) {
        if i >= d {
            return Err(MutinfError::ColumnOutOfRange { index: i, count: d });
        }
        if std::mem::replace(&mut seen[i], true) {
            return Err(MutinfError::invalid("column", i, "X, Y and Z must be disjoint sets of columns"));
        }
    }
    let cat = |parts: &[&[usize]]| parts.concat();
    let ld = |idx: &[usize], label: &str| ln_det(cov, idx, label);
    let xz = ld(&cat(&[x, z]), "(X, Z)")?;
    let yz = ld(&cat(&[y, z]), "(Y, Z)")?;
    let zz = if z.is_empty() { 0.0 } else { ld(z, "Z")? };
    let xyz = ld(&cat(&[x, y, z]), "(X, Y, Z)")?;
    Ok(0.5 * (xz + yz - zz - xyz))
}

/// Sample covariance (divided by N; the normalisation cancels in the log-det combination).
fn sample_covariance(a: ArrayView2<'_, f64>) -> Array2<f64> {
    let n = a.nrows() as f64;
    let mean = a.mean_axis(Axis(0)).expect("at least one row");
    let c = &a - &mean;
    c.t().dot(&c) / n
}

/// ln det of the sub-matrix of `cov` at `idx`, by Cholesky.
fn ln_det(cov: ArrayView2<'_, f64>, idx: &[usize], label: &str) -> Result<f64> {
    let m = idx.len();
    let mut l = vec![0.0; m * m];
    let mut ld = 0.0;
    for i in 0..m {
        for j in 0..=i {
            let mut s = cov[[idx[i], idx[j]]];
            for p in 0..j {
                s -= l[i * m + p] * l[j * m + p];
            }
            if i == j {
                // Relative to the diagonal entry: a column that is (numerically) a linear
                // combination of others leaves only rounding noise here.
                if s.is_nan() || s <= 1e-12 * cov[[idx[i], idx[i]]].abs() || !s.is_finite() {
                    return Err(MutinfError::EstimationFailed {
                        method: "gaussian-cmi".into(),
                        reason: format!(
                            "the covariance of {label} is singular (a column is constant or a linear combination of \
                             others); drop the redundant columns"
                        ),
                    });
                }
                l[i * m + i] = s.sqrt();
                ld += s.ln();
            } else {
                l[i * m + j] = s / l[j * m + j];
            }
        }
    }
    Ok(ld)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn matches_partial_correlation_formula() {
        // A 4-variable covariance: X, Y, and a 2-D Z. The partial correlation of X and Y
        // given Z from the inverse of the (X, Y, Z) covariance: ρ = −P_xy / √(P_xx P_yy).
        let a = array![[1.0, 0.3, 0.2, -0.4], [0.0, 1.0, 0.5, 0.1], [0.0, 0.0, 1.0, 0.7], [0.0, 0.0, 0.0, 1.0]];
        let cov = a.t().dot(&a) + Array2::<f64>::eye(4) * 0.5;
        let cmi = gaussian_cmi_from_covariance(cov.view(), &[0], &[1], &[2, 3]).unwrap();
        let p = invert(&cov);
        let rho = -p[[0, 1]] / (p[[0, 0]] * p[[1, 1]]).sqrt();
        assert!((cmi - (-0.5 * (1.0 - rho * rho).ln())).abs() < 1e-12, "{cmi} vs rho {rho}");
        // Empty Z: plain Gaussian MI.
        let mi = gaussian_cmi_from_covariance(cov.view(), &[0], &[1], &[]).unwrap();
        let r = cov[[0, 1]] / (cov[[0, 0]] * cov[[1, 1]]).sqrt();
        assert!((mi - (-0.5 * (1.0 - r * r).ln())).abs() < 1e-12);
    }

    #[test]
    fn rejects_singular_and_bad_indices() {
        let cov = array![[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
        let err = gaussian_cmi_from_covariance(cov.view(), &[0], &[1], &[2]).unwrap_err();
        assert!(err.to_string().contains("singular"), "{err}");
        assert!(gaussian_cmi_from_covariance(cov.view(), &[0], &[5], &[2]).is_err());
        assert!(gaussian_cmi_from_covariance(cov.view(), &[0], &[0], &[2]).is_err());
        assert!(gaussian_cmi_from_covariance(cov.view(), &[], &[1], &[2]).is_err());
    }

    /// Gauss-Jordan inverse (the test's independent route to the partial correlation).
    fn invert(m: &Array2<f64>) -> Array2<f64> {
        let n = m.nrows();
        let mut a = concatenate(Axis(1), &[m.view(), Array2::<f64>::eye(n).view()]).unwrap();
        for c in 0..n {
            let p = a[[c, c]];
            for j in 0..2 * n {
                a[[c, j]] /= p;
            }
            for r in 0..n {
                if r != c {
                    let f = a[[r, c]];
                    for j in 0..2 * n {
                        a[[r, j]] -= f * a[[c, j]];
                    }
                }
            }
        }
        a.slice(ndarray::s![.., n..]).to_owned()
    }
}
