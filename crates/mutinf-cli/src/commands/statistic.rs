//! Any statistic of a table's rows seen as an [`Estimator`], so that the library's bootstrap
//! (half-sampling, rescaled and re-centred; see `mutinf_estimators::bootstrap`) and its
//! per-resample seeding serve conditional MI, entropy and proficiency exactly as they serve MI.

use mutinf_core::{Estimator, MiEstimate, PairedSamples};

use super::methods::bootstrap;

/// A statistic of the rows of a [`PairedSamples`] (how X and Y are used is the closure's
/// business: e.g. X = X and Y = [Y | Z] for conditional MI).
pub struct Statistic<F> {
    name: String,
    f: F,
}

impl<F> Statistic<F>
where
    F: Fn(&PairedSamples) -> mutinf_core::Result<MiEstimate> + Send + Sync,
{
    pub fn new(name: impl Into<String>, f: F) -> Self {
        Self { name: name.into(), f }
    }

    /// The statistic on all rows, with a bootstrap interval when `resamples` > 0.
    pub fn run(&self, data: &PairedSamples, resamples: usize, level: f64, seed: u64) -> anyhow::Result<MiEstimate> {
        Ok(if resamples > 0 { bootstrap(resamples, level, seed)?.run(self, data)? } else { (self.f)(data)? })
    }
}

impl<F> Estimator for Statistic<F>
where
    F: Fn(&PairedSamples) -> mutinf_core::Result<MiEstimate> + Send + Sync,
{
    fn method(&self) -> &str {
        &self.name
    }

    fn estimate(&self, data: &PairedSamples) -> mutinf_core::Result<MiEstimate> {
        (self.f)(data)
    }
}
