//! Size-norm EM settings and their validation.

use serde::{Deserialize, Serialize};

use crate::error::{GmmError, Result};

/// The observation noise `ξ ~ N(0, R)` of the size-norm model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum NoiseModel {
    /// `R = σ² I` with σ² fixed (the seed's hyperparameter ε).
    Fixed {
        /// The noise variance σ² (> 0).
        variance: f64,
    },
    /// `R = σ² I` with σ² learned.
    Isotropic,
    /// `R = diag(r_1..r_KD)` learned, one variance per keypoint coordinate.
    Diagonal,
}

/// Normal-Inverse-Wishart prior on every shared component `(m_z, Q_z)`, used as a MAP penalty:
/// `m_z | Q_z ~ N(0, Q_z / kappa)`, `Q_z ~ IW(psi · I, nu)`, in the canonical latent gauge
/// (pooled latent mean 0, covariance I; see the [module docs](crate::sizenorm)).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NiwPrior {
    /// Pseudo-count of the mean prior (>= 0; 0 leaves the means unpenalised).
    pub kappa: f64,
    /// Inverse-Wishart degrees of freedom (>= 0 here: only the MAP is used).
    pub nu: f64,
    /// Inverse-Wishart scale `psi · I` (>= 0).
    pub psi: f64,
}

/// Settings of [`fit_sizenorm`](crate::sizenorm::fit_sizenorm).
///
/// ```
/// use mutinf_gmm::sizenorm::SizeNormConfig;
/// let cfg = SizeNormConfig::new(4, 6);
/// assert!(cfg.check().is_ok());
/// let bad = SizeNormConfig { components: 0, ..cfg };
/// assert!(bad.check().unwrap_err().to_string().contains("components"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SizeNormConfig {
    /// Latent pose dimension M (1 <= M <= KD; default 2).
    pub latent_dim: usize,
    /// Number of shared mixture components C (default 1).
    pub components: usize,
    /// Maximum EM iterations per restart (default 500).
    pub max_iter: usize,
    /// Stop when the penalised objective per frame changes by less than this (default 1e-6).
    pub tol: f64,
    /// Added to every latent covariance diagonal at each M-step (default 1e-6, canonical units).
    pub reg_covar: f64,
    /// Floor on learned noise variances (default 1e-6, data units squared).
    pub min_noise_variance: f64,
    /// Observation noise model (default: diagonal, learned).
    pub noise: NoiseModel,
    /// Strength λ of the Gaussian prior on the per-animal map perturbations `[ΔA^i, Δb^i]`:
    /// each row `k` is `N(0, (r_k / λ) I)` in the canonical latent gauge, so λ counts pseudo-frames
    /// of evidence that the animal's map equals the common one (default 1; 0 = independent maps). The prior is
    /// on the canonical-gauge perturbations, which are large against the noise when the animals differ
    /// clearly: raising λ then trades likelihood for more similar maps (MAP), e.g. about 0.013 nats per
    /// frame at λ = 10 in the 3-animal recovery test.
    pub map_prior: f64,
    /// Symmetric Dirichlet concentration α >= 1 on every animal's weights π^i as a MAP penalty
    /// (None = maximum likelihood; α = 1 is the same).
    pub dirichlet_alpha: Option<f64>,
    /// Normal-Inverse-Wishart MAP prior on the shared components (None = off).
    pub niw: Option<NiwPrior>,
    /// Seed of the restarts' initialisations.
    pub seed: u64,
    /// Accelerate EM with SQUAREM, safeguarded so the objective still never decreases (default
    /// true). Plain EM converges slowly when the noise is small against the pose signal (the
    /// per-animal maps are then pinned mostly by the data, and the alignment between animals
    /// moves at a rate of about noise / signal per step).
    pub accelerate: bool,
    /// Independent restarts (default 4): each runs `init_iter` iterations, and the one with the
    /// highest penalised objective then runs to convergence.
    pub n_init: usize,
    /// Iterations of every restart's short run (default 20).
    pub init_iter: usize,
}

impl Default for SizeNormConfig {
    fn default() -> Self {
        Self {
            latent_dim: 2,
            components: 1,
            max_iter: 500,
            tol: 1e-6,
            reg_covar: 1e-6,
            min_noise_variance: 1e-6,
            noise: NoiseModel::Diagonal,
            map_prior: 1.0,
            dirichlet_alpha: None,
            niw: None,
            seed: 0,
            accelerate: true,
            n_init: 4,
            init_iter: 20,
        }
    }
}

fn positive_finite(x: f64) -> bool {
    x > 0.0 && x.is_finite()
}

fn non_negative_finite(x: f64) -> bool {
    x >= 0.0 && x.is_finite()
}

impl SizeNormConfig {
    /// Default settings with latent dimension `latent_dim` and `components` components.
    pub fn new(latent_dim: usize, components: usize) -> Self {
        Self {
            latent_dim,
            components,
            ..Default::default()
        }
    }

    /// Checks every field; errors name the field and the fix.
    pub fn check(&self) -> Result<()> {
        if self.latent_dim == 0 {
            return Err(GmmError::invalid(
                "SizeNormConfig.latent_dim",
                0,
                "the latent pose needs at least one dimension (1 <= M <= KD)",
            ));
        }
        if self.components == 0 {
            return Err(GmmError::invalid(
                "SizeNormConfig.components",
                0,
                "fit at least one shared component (C >= 1)",
            ));
        }
        if self.max_iter == 0 {
            return Err(GmmError::invalid(
                "SizeNormConfig.max_iter",
                0,
                "allow at least one iteration (default 500)",
            ));
        }
        if !positive_finite(self.tol) {
            return Err(GmmError::invalid(
                "SizeNormConfig.tol",
                self.tol,
                "must be a positive finite change in the objective per frame (default 1e-6)",
            ));
        }
        if !non_negative_finite(self.reg_covar) {
            return Err(GmmError::invalid(
                "SizeNormConfig.reg_covar",
                self.reg_covar,
                "must be finite and >= 0 (default 1e-6)",
            ));
        }
        if !positive_finite(self.min_noise_variance) {
            return Err(GmmError::invalid(
                "SizeNormConfig.min_noise_variance",
                self.min_noise_variance,
                "must be positive and finite (default 1e-6)",
            ));
        }
        if let NoiseModel::Fixed { variance } = self.noise
            && !positive_finite(variance)
        {
            return Err(GmmError::invalid(
                "SizeNormConfig.noise.variance",
                variance,
                "a fixed noise variance must be positive and finite; or learn it (Isotropic / Diagonal)",
            ));
        }
        if !non_negative_finite(self.map_prior) {
            return Err(GmmError::invalid(
                "SizeNormConfig.map_prior",
                self.map_prior,
                "the map-perturbation prior strength must be finite and >= 0 (0 = independent maps, default 1)",
            ));
        }
        if let Some(a) = self.dirichlet_alpha
            && !(a >= 1.0 && a.is_finite())
        {
            return Err(GmmError::invalid(
                "SizeNormConfig.dirichlet_alpha",
                a,
                "the Dirichlet concentration must be finite and >= 1 for a MAP estimate (1 = no prior); use None to switch it off",
            ));
        }
        if let Some(p) = self.niw {
            for (name, v) in [("kappa", p.kappa), ("nu", p.nu), ("psi", p.psi)] {
                if !non_negative_finite(v) {
                    return Err(GmmError::invalid(
                        format!("SizeNormConfig.niw.{name}"),
                        v,
                        "Normal-Inverse-Wishart strengths must be finite and >= 0; use None to switch the prior off",
                    ));
                }
            }
        }
        if self.n_init == 0 {
            return Err(GmmError::invalid(
                "SizeNormConfig.n_init",
                0,
                "run at least one restart (default 4)",
            ));
        }
        Ok(())
    }
}
