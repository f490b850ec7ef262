//! GMM-MI: fit a Gaussian mixture to the joint sample by EM (number of components chosen by
//! BIC up to a maximum, `mutinf-gmm`), then compute the MI *of the fitted mixture* by
//! Monte-Carlo, which comes with a standard error.
//!
//! The standard error is the Monte-Carlo error of the fitted model's MI only; it does not
//! include the error of the fit itself (wrap in [`crate::bootstrap`] for that). Columns are
//! z-scored before fitting (MI is invariant to per-column affine maps; EM is better
//! conditioned). A single fitted component gives the closed-form Gaussian MI
//! (std_error 0).
//!
//! ```
//! use mutinf_core::{Estimator, PairedSamples};
//! use mutinf_estimators::gmm_mi::GmmMiParams;
//! # fn main() -> mutinf_core::Result<()> {
//! let x: Vec<f64> = (0..500).map(|i| ((i * 7919) % 500) as f64 / 100.0).collect();
//! let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + ((i * 31) % 17) as f64 / 10.0).collect();
//! let gmm = GmmMiParams::new().max_components(3).samples(20_000).check()?;
//! let est = gmm.estimate(&PairedSamples::from_columns(&x, &y)?)?;
//! assert!(est.mi > 0.5 && est.std_error.is_some());
//! # Ok(())
//! # }
//! ```

mod algorithm;
mod hyperparams;

pub use hyperparams::{GmmMi, GmmMiParams};
