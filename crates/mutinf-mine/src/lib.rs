//! # mutinf-mine
//!
//! The MINE family of neural mutual-information estimators on [burn](https://burn.dev):
//! a statistics network ("critic") T(x, y) is optimised on the data at hand to maximise a
//! variational lower bound on I(X;Y), and the bound's value is the estimate.
//!
//! - [`bounds`]: DV (MINE), MINE's moving-average corrected gradient, NWJ, InfoNCE, SMILE,
//!   each a small function of critic scores;
//! - [`critic`]: MLP, separable and conv1d sequence critics, each holding B independent
//!   networks (weights with a leading B dimension) so one graph serves B estimations;
//! - [`runner::fit`]: the seeded test-time optimisation loop (Adam, permutation marginals,
//!   early stopping on a smoothed estimate, final full-data estimate over snapshots);
//! - [`MineEstimator`]: all of it behind mutinf's [`Estimator`](mutinf_core::Estimator)
//!   trait, plus [`MineEstimator::estimate_batch`] for many data sets at once.
//!
//! Library code never names a backend: pass any `burn::tensor::Device` (`Device::flex()` on
//! CPU); autodiff is enabled internally.

pub mod bounds;
pub mod critic;
mod estimator;
mod params;
pub mod runner;

pub use estimator::MineEstimator;
pub use params::{Bound, CriticKind, MineParams};
pub use runner::{Fit, StepReport, evaluate, fit};
