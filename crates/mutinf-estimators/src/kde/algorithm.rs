//! Gaussian KDE log-densities at the sample points.

use crate::preprocess::scale_columns;
use mutinf_core::{Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use ndarray::{Array2, ArrayView2, Axis};
use rayon::prelude::*;

use super::{Bandwidth, Kde};

impl Estimator for Kde {
    fn method(&self) -> &str {
        "kde"
    }

    fn estimate(&self, data: &PairedSamples) -> Result<MiEstimate> {
        let start = std::time::Instant::now();
        let n = data.n();
        // The kernel follows the data's covariance, so rescaling a column changes the joint and
        // marginal log densities by the same constant and the MI not at all; scaling first keeps
        // that covariance finite for values near f64's range (1e300 squared overflows).
        let (x, y) = (scale_columns(data.x()), scale_columns(data.y()));
        let joint = ndarray::concatenate(ndarray::Axis(1), &[x.view(), y.view()]).expect("same row count");
        let lj = self.log_density(joint.view())?;
        let lx = self.log_density(x.view())?;
        let ly = self.log_density(y.view())?;
        let sum: f64 = (0..n).map(|i| lj[i] - lx[i] - ly[i]).sum();
        let rule = match self.bandwidth {
            Bandwidth::Scott => "scott".to_string(),
            Bandwidth::Silverman => "silverman".to_string(),
            Bandwidth::Factor(f) => f.to_string(),
        };
        Ok(MiEstimate::new(self.method(), sum / n as f64, n)
            .with_seconds(start.elapsed().as_secs_f64())
            .with_param("bandwidth", rule)
            .with_param("factor_joint", self.factor(n, data.dx() + data.dy())))
    }
}

impl Kde {
    /// ln p̂(z_i) at every row of `z` (N x d), resubstitution (own kernel included).
    pub fn log_density(&self, z: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        let (n, d) = z.dim();
        if n < d + 2 {
            return Err(MutinfError::too_few(n, d + 2, format!("KDE in {d} dimensions")));
        }
        let h = self.factor(n, d);
        let chol = cholesky(&covariance(z)).ok_or_else(|| MutinfError::EstimationFailed {
            method: "kde".into(),
            reason: "the columns are linearly dependent (singular covariance); drop redundant columns".into(),
        })?;
        // Whitened, bandwidth-scaled points: w = L⁻¹ z / h, so the kernel is N(0, I).
        let mut w = vec![0.0; n * d];
        for i in 0..n {
            let row = z.row(i);
            for a in 0..d {
                let mut s = row[a];
                for c in 0..a {
                    s -= chol[[a, c]] * w[i * d + c] * h;
                }
                w[i * d + a] = s / chol[[a, a]] / h;
            }
        }
        let ln_det_l: f64 = (0..d).map(|a| chol[[a, a]].ln()).sum();
        let norm = -(n as f64).ln() - 0.5 * d as f64 * (2.0 * std::f64::consts::PI).ln() - d as f64 * h.ln() - ln_det_l;
        let w = &w;
        Ok((0..n)
            .into_par_iter()
            .with_min_len(64)
            .map(|i| {
                let wi = &w[i * d..(i + 1) * d];
                let mut s = 0.0;
                for j in 0..n {
                    let wj = &w[j * d..(j + 1) * d];
                    let mut r2 = 0.0;
                    for a in 0..d {
                        let t = wi[a] - wj[a];
                        r2 += t * t;
                    }
                    s += (-0.5 * r2).exp();
                }
                // s ≥ 1 (the own kernel), so the log is finite.
                s.ln() + norm
            })
            .collect())
    }
}

/// Sample covariance (ddof = 1, as scipy's gaussian_kde).
fn covariance(z: ArrayView2<'_, f64>) -> Array2<f64> {
    let n = z.nrows() as f64;
    let mean = z.mean_axis(Axis(0)).expect("n > 0");
    let c = &z - &mean;
    c.t().dot(&c) / (n - 1.0)
}

/// Lower Cholesky factor, None if not positive definite.
fn cholesky(a: &Array2<f64>) -> Option<Array2<f64>> {
    let d = a.nrows();
    let mut l = Array2::<f64>::zeros((d, d));
    for i in 0..d {
        for j in 0..=i {
            let s: f64 = (0..j).map(|c| l[[i, c]] * l[[j, c]]).sum();
            if i == j {
                let v = a[[i, i]] - s;
                // Negated so that NaN also counts as "not positive definite".
                #[allow(clippy::neg_cmp_op_on_partial_ord)]
                if !(v > 1e-12 * a[[i, i]].abs()) {
                    return None;
                }
                l[[i, j]] = v.sqrt();
            } else {
                l[[i, j]] = (a[[i, j]] - s) / l[[j, j]];
            }
        }
    }
    Some(l)
}
