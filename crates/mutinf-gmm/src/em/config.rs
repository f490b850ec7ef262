//! EM settings and their validation.

use serde::{Deserialize, Serialize};

use crate::error::{GmmError, Result};

/// Settings of [`fit_em`](crate::em::fit_em).
///
/// ```
/// use mutinf_gmm::em::EmConfig;
/// let cfg = EmConfig { components: 3, seed: 1, ..Default::default() };
/// assert!(cfg.check().is_ok());
/// let bad = EmConfig { tol: 0.0, ..cfg };
/// assert!(bad.check().unwrap_err().to_string().contains("EmConfig.tol"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmConfig {
    /// Number of mixture components K (default 1).
    pub components: usize,
    /// Maximum number of EM iterations (default 200).
    pub max_iter: usize,
    /// Stop when the mean log-likelihood per sample changes by less than this (default 1e-6).
    pub tol: f64,
    /// Added to every covariance diagonal at each M-step to keep it invertible (default 1e-6).
    pub reg_covar: f64,
    /// Seed of the k-means++ initialisation.
    pub seed: u64,
    /// Fixed variance ε of isotropic observation noise `y = x + N(0, εI)`; `None` fits the data directly.
    pub observation_noise: Option<f64>,
    /// Independent initialisations; the fit with the highest final log-likelihood wins (default 1).
    pub n_init: usize,
}

impl Default for EmConfig {
    fn default() -> Self {
        Self {
            components: 1,
            max_iter: 200,
            tol: 1e-6,
            reg_covar: 1e-6,
            seed: 0,
            observation_noise: None,
            n_init: 1,
        }
    }
}

impl EmConfig {
    /// Default settings with `components` components.
    pub fn new(components: usize) -> Self {
        Self {
            components,
            ..Default::default()
        }
    }

    /// Checks every field; errors name the field and the fix.
    pub fn check(&self) -> Result<()> {
        if self.components == 0 {
            return Err(GmmError::invalid(
                "EmConfig.components",
                0,
                "fit at least one component",
            ));
        }
        if self.max_iter == 0 {
            return Err(GmmError::invalid(
                "EmConfig.max_iter",
                0,
                "allow at least one iteration (default 200)",
            ));
        }
        if !(self.tol > 0.0 && self.tol.is_finite()) {
            return Err(GmmError::invalid(
                "EmConfig.tol",
                self.tol,
                "must be a positive finite change in mean log-likelihood (default 1e-6)",
            ));
        }
        if !(self.reg_covar >= 0.0 && self.reg_covar.is_finite()) {
            return Err(GmmError::invalid(
                "EmConfig.reg_covar",
                self.reg_covar,
                "must be finite and >= 0 (default 1e-6)",
            ));
        }
        if let Some(eps) = self.observation_noise
            && !(eps > 0.0 && eps.is_finite())
        {
            return Err(GmmError::invalid(
                "EmConfig.observation_noise",
                eps,
                "the noise variance must be positive and finite; use None for no observation noise",
            ));
        }
        if self.n_init == 0 {
            return Err(GmmError::invalid(
                "EmConfig.n_init",
                0,
                "run at least one initialisation (default 1)",
            ));
        }
        Ok(())
    }
}
