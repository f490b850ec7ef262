//! Checked parameters for GMM-MI.

use mutinf_core::{MutinfError, Result};

/// Unchecked GMM-MI parameters. Defaults: up to 5 components (BIC), 100 000 Monte-Carlo
/// samples, seed 0.
///
/// ```
/// use mutinf_estimators::gmm_mi::GmmMiParams;
/// assert!(GmmMiParams::new().max_components(0).check().unwrap_err().to_string().contains("max_components"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GmmMiParams {
    max_components: usize,
    samples: usize,
    seed: u64,
}

impl Default for GmmMiParams {
    fn default() -> Self {
        Self { max_components: 5, samples: 100_000, seed: 0 }
    }
}

impl GmmMiParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Largest number of mixture components tried (the BIC picks among 1..=max).
    pub fn max_components(mut self, k: usize) -> Self {
        self.max_components = k;
        self
    }
    /// Monte-Carlo samples for the MI of the fit.
    pub fn samples(mut self, samples: usize) -> Self {
        self.samples = samples;
        self
    }
    /// Seed of the EM initialisation and of the Monte-Carlo stream.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Validates every field.
    pub fn check(self) -> Result<GmmMi> {
        if self.max_components == 0 {
            return Err(MutinfError::invalid("max_components", 0, "try at least 1 mixture component (5 is a good default)"));
        }
        if self.samples < 2 {
            return Err(MutinfError::invalid("samples", self.samples, "need at least 2 Monte-Carlo samples for a standard error; 100000 is typical"));
        }
        Ok(GmmMi { max_components: self.max_components, samples: self.samples, seed: self.seed })
    }
}

/// A validated GMM-MI estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct GmmMi {
    pub(crate) max_components: usize,
    pub(crate) samples: usize,
    pub(crate) seed: u64,
}
