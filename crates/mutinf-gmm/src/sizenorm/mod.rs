//! The size-norm model of `shared/seeds/002_72a77a9e144ad061.txt` (section 3 with section 1's
//! choices): a latent pose mixture shared by all animals, seen through per-animal affine maps,
//! fitted by exact EM.
//!
//! # Model
//! For animal `i` and frame `t`: `z ~ Cat(π^i)`, `x ~ N(m_z, Q_z)` in `R^M` (components shared),
//! `y = F^i x + d^i + ξ` in `R^KD`, `ξ ~ N(0, R)`, with `F^i = A + ΔA^i`, `d^i = b + Δb^i`,
//! `R = σ² I` fixed, `σ² I` learned or diagonal learned ([`NoiseModel`]), and `M <= KD`.
//! Each row `k` of the perturbation `[ΔA^i Δb^i]` has the prior `N(0, (r_k / λ) I)`
//! (`map_prior` = λ, pseudo-frames; the seed's matrix-normal prior), so the maps stay as similar
//! as the data allow. Optional MAP strengths: a symmetric Dirichlet(α) on every π^i and a
//! Normal-Inverse-Wishart prior on `(m_z, Q_z)`; both are off by default.
//!
//! # Gauge
//! `x → G x + h` with the maps adjusted leaves the likelihood unchanged. The fit is kept in the
//! canonical gauge — the pooled latent mixture (animals weighted by frames) has mean 0 and
//! covariance I — which is where the map prior and the NIW prior are defined; a rotation of the
//! latent space remains free. Compare fits through gauge-free quantities: each animal's observed
//! components `F^i m_z + d^i`, `F^i Q_z F^iᵀ + R` ([`SizeNormModel::observed_component`],
//! [`SizeNormModel::observed_mixture`]), the weights, likelihoods and posteriors.
//!
//! # EM
//! E-step (exact): `P(y_t | z) = N(y_t | F m_z + d, F Q_z Fᵀ + R)`, responsibilities normalised
//! by `P(y_t)` in log space, and `x | y_t, z ~ N(μ_tz, Σ_z)` with `Σ_z = (Q_z⁻¹ + Fᵀ R⁻¹ F)⁻¹`,
//! `μ_tz = Σ_z (Fᵀ R⁻¹ (y_t - d) + Q_z⁻¹ m_z)`.
//!
//! M-step (closed form throughout, with `N_iz = Σ_t r_tz`, `E[x̃]`, `E[x̃ x̃ᵀ]` for `x̃ = (x, 1)`):
//! `π^i_z = (N_iz + α - 1) / (T_i + C(α - 1))`; `m_z`, `Q_z` pooled over animals (NIW MAP when set);
//! the augmented maps `G^i = [F^i d^i]` as ridge-weighted least squares
//! `G^i_k = (S_i + λ I)⁻¹ (Y_ik + λ W_k)` with the common map `W = [A b]` solving
//! `Σ_i (I - λ (S_i + λ I)⁻¹) W_k = Σ_i (S_i + λ I)⁻¹ Y_ik`, where `S_i = Σ_t E[x̃ x̃ᵀ]` and
//! `Y_ik = Σ_t y_tk E[x̃_t]`; then R given the maps. The map update does not depend on R, so
//! the blocks together are the exact maximiser and the penalised objective never decreases
//! (tested); a canonical-gauge step follows each M-step. Restarts (PCA + seeded k-means++ starts)
//! keep the best final objective.
//!
//! # Read-outs
//! [`SizeNormModel::posteriors`] (component posteriors and posterior mean latent poses per frame),
//! [`SizeNormModel::log_likelihood`], and [`mi_animal_component`]: `I(animal; component)` of
//! `p(i, z) ∝ n_i π^i_z`, with [`bootstrap_mi_interval`] over frames.
//!
//! ```
//! use mutinf_gmm::sizenorm::{RandomModelSpec, SizeNormConfig, SizeNormModel, fit_sizenorm};
//! use rand::SeedableRng;
//! # fn main() -> Result<(), mutinf_gmm::GmmError> {
//! let truth = SizeNormModel::random(&RandomModelSpec::new(2, 8, 2, 3), 3)?;
//! let draws = truth.sample(&[1000, 1000], &mut rand::rngs::StdRng::seed_from_u64(4))?;
//! let data: Vec<_> = draws.iter().map(|d| d.observations.view()).collect();
//! let fit = fit_sizenorm(&data, &SizeNormConfig { n_init: 2, ..SizeNormConfig::new(2, 3) })?;
//! let mi = fit.mi_animal_component();
//! let true_mi = mutinf_gmm::sizenorm::mi_animal_component(&truth.weights, &[1000, 1000])?;
//! assert!((mi - true_mi).abs() < 0.05);
//! # Ok(())
//! # }
//! ```

// Dense small-matrix kernels index several arrays with the same row/column counters.
#![allow(clippy::needless_range_loop)]

mod config;
mod estep;
mod fit;
mod generate;
mod mi;
mod model;
mod mstep;

pub use config::{NiwPrior, NoiseModel, SizeNormConfig};
pub use fit::{AnimalPosteriors, SizeNormFit, fit_sizenorm};
pub use generate::{AnimalSample, RandomModelSpec};
pub use mi::{AnimalComponentMi, MiBootstrapOptions, bootstrap_mi_interval, mi_animal_component};
pub use model::SizeNormModel;
