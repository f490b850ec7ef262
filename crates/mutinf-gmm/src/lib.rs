//! # mutinf-gmm
//!
//! Gaussian mixtures in any dimension, the ground truth behind mutinf's tests and benchmarks:
//!
//! - [`GaussianMixture`]: validated parameters, exact [`log_density`](GaussianMixture::log_density),
//!   fast seeded [`sample`](GaussianMixture::sample), [`marginal`](GaussianMixture::marginal) mixtures,
//!   serde as `{"weights", "means", "covariances"}`;
//! - ground-truth MI between coordinate blocks: [`analytic_gaussian_mi`] for one Gaussian,
//!   seeded parallel Monte-Carlo ([`GaussianMixture::mutual_information`]) otherwise;
//! - [`families`]: the InfoNet paper's training and evaluation families, MI-level buckets and
//!   order triplets;
//! - [`em`]: EM fitting (k-means++ start, full covariances, optional observation noise, BIC);
//! - [`sizenorm`]: the size-norm model of seed 002 — a latent pose mixture shared by several
//!   animals, per-animal affine maps into keypoint space, exact EM, and `I(animal; component)`.
//!
//! ```
//! use mutinf_gmm::{GaussianMixture, MonteCarloOptions};
//! use rand::SeedableRng;
//! # fn main() -> Result<(), mutinf_gmm::GmmError> {
//! let gmm = GaussianMixture::bivariate_gaussian(0.9)?;
//! let x = gmm.sample(1000, &mut rand::rngs::StdRng::seed_from_u64(0));
//! let truth = gmm.mutual_information(&[0], &[1], &MonteCarloOptions::default())?;
//! assert!(truth.analytic && (truth.value + 0.5 * (1.0f64 - 0.81).ln()).abs() < 1e-12);
//! assert_eq!(x.ncols(), 2);
//! # Ok(())
//! # }
//! ```

mod density;
pub mod em;
mod error;
pub mod families;
mod linalg;
mod mixture;
mod sampling;
pub mod sizenorm;
mod truth;

pub use em::{EmConfig, EmFit, fit_best_bic, fit_em};
pub use error::{GmmError, Result};
pub use families::{LevelledGmm, OrderTriplet, PaperEvalFamily, PaperTrainFamily};
pub use mixture::{GaussianMixture, GmmParams};
pub use sizenorm::{SizeNormConfig, SizeNormFit, SizeNormModel, fit_sizenorm};
pub use truth::{MonteCarloOptions, TrueMi, analytic_gaussian_mi};
