//! # mutinf-estimators
//!
//! Classical mutual-information estimators, each with checked parameters (an unchecked
//! `…Params` builder whose `check()` returns the runnable estimator) implementing the shared
//! [`mutinf_core::Estimator`] trait:
//!
//! - [`ksg`]: Kraskov-Stögbauer-Grassberger algorithms 1 and 2, multivariate, exact (agrees
//!   with an O(N²) brute force, ties included) and fast (kd-tree / sorted marginals, rayon);
//! - [`conditional`]: conditional MI I(X; Y | Z) — the Frenzel-Pompe k-NN estimator on KSG's
//!   exact neighbour search (agrees with an O(N²) brute force), and the Gaussian log-det CMI;
//! - [`time_series`]: transfer entropy with surrogate p-values, lagged MI, sliding-window and
//!   streaming MI;
//! - [`entropy`]: Kozachenko-Leonenko k-NN differential entropy and plug-in discrete entropy;
//! - [`histogram`]: binned MI (equal-width or equal-frequency, optional Miller-Madow);
//! - [`gmm_mi`]: MI of a Gaussian mixture fitted by EM (BIC), Monte-Carlo with a std error;
//! - [`kde`]: Gaussian-kernel density MI (Scott / Silverman bandwidth, resubstitution);
//! - [`bootstrap`]: confidence intervals for any estimator, and the shuffle baseline;
//! - [`proficiency`]: information coverage I(F; A) / H(F);
//! - [`matrix`]: MI of every pair of columns of a table.
//!
//! All values are in nats.
//!
//! ```
//! use mutinf_core::{Estimator, PairedSamples};
//! use mutinf_estimators::ksg::KsgParams;
//! # fn main() -> mutinf_core::Result<()> {
//! let x: Vec<f64> = (0..200).map(|i| (i as f64 * 0.37).sin()).collect();
//! let y: Vec<f64> = x.iter().map(|v| v * v).collect();
//! let est = KsgParams::new().k(3).check()?.estimate(&PairedSamples::from_columns(&x, &y)?)?;
//! assert!(est.mi > 0.5);
//! # Ok(())
//! # }
//! ```

pub mod bootstrap;
pub mod conditional;
pub mod entropy;
pub mod gmm_mi;
pub mod histogram;
pub mod kde;
pub mod ksg;
pub mod matrix;
pub mod neighbours;
pub mod preprocess;
pub mod proficiency;
pub mod sliced;
pub mod special;
pub mod time_series;
