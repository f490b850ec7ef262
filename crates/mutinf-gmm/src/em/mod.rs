//! Expectation-maximisation fitting of full-covariance Gaussian mixtures, with optional fixed
//! isotropic observation noise (the pared-down model of `shared/seeds/002_72a77a9e144ad061.txt`).
//!
//! # Model
//! `z ~ Cat(π)`, `x ~ N(m_z, Q_z)`, `y = x + N(0, εI)` with ε fixed (`observation_noise`);
//! without noise, `y = x`. The observed `y` is the mixture with covariances `Q_z + εI`, and its
//! log-likelihood is what EM increases and what the trace records.
//!
//! # Updates
//! E-step: responsibilities `r_tz = P(z | y_t)` under `N(m_z, Q_z + εI)`, and the Gaussian
//! posterior of the latent `x_t` given `(y_t, z)`:
//! `Σ_z = (Q_z⁻¹ + I/ε)⁻¹ = ε G_z`, `μ_tz = m_z + G_z (y_t - m_z)`, with `G_z = Q_z (Q_z + εI)⁻¹`.
//!
//! M-step (closed form; the seed maximises the same objective by gradient ascent):
//! `π_z = N_z / N`, `m_z = Σ_t r_tz μ_tz / N_z`,
//! `Q_z = Σ_t r_tz (μ_tz - m_z)(μ_tz - m_z)ᵀ / N_z + Σ_z + reg_covar · I`, where `N_z = Σ_t r_tz`.
//! With ε = 0, `G = I` and `Σ = 0`: the textbook GMM updates.
//!
//! `reg_covar` makes each update the maximiser of the expected complete log-likelihood with a
//! small ridge penalty on `Q_z⁻¹`, which keeps covariances invertible; the unpenalised
//! log-likelihood still never decreases beyond rounding in our tests (1e-9 relative).

mod config;
mod fit;
pub(crate) mod init;

pub use config::EmConfig;
pub use fit::{EmFit, fit_best_bic, fit_em};
