//! Kernel-density MI (the InfoNet paper's KDE baseline): Gaussian kernels with the data's
//! covariance scaled by a bandwidth factor (as `scipy.stats.gaussian_kde`), and the
//! resubstitution estimate
//!
//! I = (1/N) Σ_i [ln p̂(x_i, y_i) − ln p̂(x_i) − ln p̂(y_i)],
//!
//! where each density is a separate KDE on its own columns (joint, X, Y) with its own
//! factor: Scott N^{−1/(d+4)} or Silverman (N(d+2)/4)^{−1/(d+4)}. The sum over i includes
//! the point's own kernel (resubstitution), which keeps every log-density finite.
//!
//! Cost O(N²(dx+dy)) time, O(N) memory, parallel over points with rayon: fine up to ~10⁴-10⁵
//! points.
//!
//! ```
//! use mutinf_core::{Estimator, PairedSamples};
//! use mutinf_estimators::kde::{Bandwidth, KdeParams};
//! # fn main() -> mutinf_core::Result<()> {
//! let x: Vec<f64> = (0..300).map(|i| ((i * 37) % 300) as f64 / 300.0).collect();
//! let y: Vec<f64> = x.iter().map(|v| v * v).collect();
//! let kde = KdeParams::new().bandwidth(Bandwidth::Silverman).check()?;
//! assert!(kde.estimate(&PairedSamples::from_columns(&x, &y)?)?.mi > 0.5);
//! # Ok(())
//! # }
//! ```

mod algorithm;
mod hyperparams;

pub use hyperparams::{Bandwidth, Kde, KdeParams};
