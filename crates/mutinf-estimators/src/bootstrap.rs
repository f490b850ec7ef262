//! Bootstrap confidence intervals for any estimator, and the shuffle (permutation) baseline.
//!
//! **Resampling and k-NN estimators.** A classical bootstrap resample (n rows drawn with
//! replacement) repeats about a third of the rows. For k-NN estimators (KSG, Kozachenko-
//! Leonenko) a repeated row is its own nearest neighbour at distance 0, which inflates the
//! estimate by up to ψ(k) − ψ(k−1) per affected point — a bias of the order of the MI
//! itself, which jitter does not remove (the twin stays the nearest neighbour). So the
//! default here is **subsampling without replacement** (m-out-of-n, m = ⌊fraction·n⌋, default
//! fraction 0.5, "half-sampling"): subsamples contain no duplicate rows. The spread of a
//! statistic over m-subsamples is √((n−m)/m) times its spread at n, so replicate deviations
//! from their mean are rescaled by √(m/(n−m)) (= 1 for half-samples) and re-centred on the
//! full-data estimate; the percentile interval and the standard error come from those. The
//! re-centring also removes the difference between the estimator's bias at m and at n.
//! `Resampling::WithReplacement` gives the classical percentile bootstrap, for estimators that
//! tolerate repeated rows (histogram, KDE, GMM).
//!
//! Resamples run in parallel (rayon); each draws from its own RNG seeded from (seed, index),
//! so results are reproducible for a seed whatever the thread count.
//!
//! ```
//! use mutinf_core::PairedSamples;
//! use mutinf_estimators::{bootstrap::BootstrapParams, ksg::KsgParams};
//! # fn main() -> mutinf_core::Result<()> {
//! let x: Vec<f64> = (0..400).map(|i| ((i * 7919) % 400) as f64).collect();
//! let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + ((i * 31) % 50) as f64).collect();
//! let data = PairedSamples::from_columns(&x, &y)?;
//! let ksg = KsgParams::new().check()?;
//! let boot = BootstrapParams::new().resamples(50).seed(7).check()?;
//! let est = boot.run(&ksg, &data)?;
//! let ci = est.ci.unwrap();
//! assert!(ci.lower <= est.mi && est.mi <= ci.upper);
//! assert_eq!(boot.run(&ksg, &data)?.ci, est.ci); // reproducible for a seed
//! # Ok(())
//! # }
//! ```

use mutinf_core::{ConfidenceInterval, Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand::seq::index::sample;
use rand::Rng;
use rayon::prelude::*;

/// How resamples are drawn (see the [module docs](self)).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Resampling {
    /// m = ⌊fraction·n⌋ rows without replacement, 0 < fraction < 1 (default 0.5).
    Subsample {
        /// Fraction of rows per subsample.
        fraction: f64,
    },
    /// n rows with replacement (classical bootstrap; biased for k-NN estimators).
    WithReplacement,
}

impl Default for Resampling {
    fn default() -> Self {
        Resampling::Subsample { fraction: 0.5 }
    }
}

/// Unchecked bootstrap parameters. Defaults: 200 resamples, 95 % level, seed 0,
/// half-sampling without replacement.
///
/// ```
/// use mutinf_estimators::bootstrap::BootstrapParams;
/// assert!(BootstrapParams::new().level(1.5).check().unwrap_err().to_string().contains("level"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct BootstrapParams {
    resamples: usize,
    level: f64,
    seed: u64,
    resampling: Resampling,
}

impl Default for BootstrapParams {
    fn default() -> Self {
        Self { resamples: 200, level: 0.95, seed: 0, resampling: Resampling::default() }
    }
}

impl BootstrapParams {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }
    /// Number of resamples B (≥ 2; 200+ for a 95 % interval).
    pub fn resamples(mut self, b: usize) -> Self {
        self.resamples = b;
        self
    }
    /// Coverage of the interval, in (0, 1).
    pub fn level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }
    /// RNG seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }
    /// Subsampling or with-replacement resampling.
    pub fn resampling(mut self, resampling: Resampling) -> Self {
        self.resampling = resampling;
        self
    }
    /// Validates every field.
    pub fn check(self) -> Result<Bootstrap> {
        if self.resamples < 2 {
            return Err(MutinfError::invalid("resamples", self.resamples, "need at least 2 bootstrap resamples; 200 or more for a 95% interval"));
        }
        if !(self.level > 0.0 && self.level < 1.0) {
            return Err(MutinfError::invalid("level", self.level, "the confidence level must be strictly between 0 and 1, e.g. 0.95"));
        }
        if let Resampling::Subsample { fraction } = self.resampling
            && !(fraction > 0.0 && fraction < 1.0)
        {
            return Err(MutinfError::invalid("fraction", fraction, "the subsample fraction must be strictly between 0 and 1, e.g. 0.5"));
        }
        Ok(Bootstrap { resamples: self.resamples, level: self.level, seed: self.seed, resampling: self.resampling })
    }
}

/// A validated bootstrap; [`Bootstrap::run`] wraps any estimator.
#[derive(Debug, Clone, PartialEq)]
pub struct Bootstrap {
    resamples: usize,
    level: f64,
    seed: u64,
    resampling: Resampling,
}

/// A per-task seed (the workspace's one mixer, [`mutinf_core::seed::mix`]).
pub(crate) use mutinf_core::seed::mix as derive_seed;

/// Quantile with linear interpolation between order statistics (numpy's default).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let pos = q * (sorted.len() - 1) as f64;
    let (i, frac) = (pos.floor() as usize, pos - pos.floor());
    if i + 1 < sorted.len() { sorted[i] + frac * (sorted[i + 1] - sorted[i]) } else { sorted[i] }
}

fn mean_sd(v: &[f64]) -> (f64, f64) {
    let n = v.len() as f64;
    let mean = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0).max(1.0);
    (mean, var.sqrt())
}

impl Bootstrap {
    /// Runs `estimator` on the full data (the point estimate) and on B resamples, and returns
    /// the point estimate with `std_error` and a percentile `ci` (see the module docs).
    /// Parameters `bootstrap_*` are added to the estimate's params; `seconds` covers all.
    pub fn run(&self, estimator: &dyn Estimator, data: &PairedSamples) -> Result<MiEstimate> {
        let start = std::time::Instant::now();
        let full = estimator.estimate(data)?;
        let n = data.n();
        let m = match self.resampling {
            Resampling::Subsample { fraction } => (fraction * n as f64).floor() as usize,
            Resampling::WithReplacement => n,
        };
        if m < 2 || (matches!(self.resampling, Resampling::Subsample { .. }) && m >= n) {
            return Err(MutinfError::too_few(n, 4, "bootstrap subsampling"));
        }
        let replicates: Vec<f64> = (0..self.resamples)
            .into_par_iter()
            .map(|b| {
                let mut rng = StdRng::seed_from_u64(derive_seed(self.seed, b as u64));
                let rows: Vec<usize> = match self.resampling {
                    Resampling::Subsample { .. } => {
                        let mut rows = sample(&mut rng, n, m).into_vec();
                        rows.sort_unstable(); // keep the data's row order
                        rows
                    }
                    Resampling::WithReplacement => (0..n).map(|_| rng.random_range(0..n)).collect(),
                };
                estimator.estimate(&data.select_rows(&rows)).map(|e| e.mi)
            })
            .collect::<Result<_>>()?;
        let (mean, sd) = mean_sd(&replicates);
        let mut sorted = replicates.clone();
        sorted.sort_unstable_by(f64::total_cmp);
        let alpha = 1.0 - self.level;
        let (q_lo, q_hi) = (quantile(&sorted, alpha / 2.0), quantile(&sorted, 1.0 - alpha / 2.0));
        let (lower, upper, se, kind) = match self.resampling {
            Resampling::Subsample { fraction } => {
                let s = (m as f64 / (n - m) as f64).sqrt();
                (full.mi + s * (q_lo - mean), full.mi + s * (q_hi - mean), s * sd, format!("subsample:{fraction}"))
            }
            Resampling::WithReplacement => (q_lo, q_hi, sd, "with-replacement".to_string()),
        };
        Ok(full
            .with_std_error(se)
            .with_ci(ConfidenceInterval { lower, upper, level: self.level })
            .with_seconds(start.elapsed().as_secs_f64())
            .with_param("bootstrap_resamples", self.resamples)
            .with_param("bootstrap_level", self.level)
            .with_param("bootstrap_seed", self.seed)
            .with_param("bootstrap_resampling", kind))
    }
}

/// The estimate on `repeats` copies of the data with Y randomly permuted (true MI = 0):
/// `mi` is the mean over repeats and `std_error` their standard deviation (the spread of a
/// single permuted estimate, to compare the real estimate against). Method name:
/// `"<method>-shuffled"`. Repeats run in parallel, each seeded from (seed, repeat).
///
/// ```
/// use mutinf_core::PairedSamples;
/// use mutinf_estimators::{bootstrap::shuffle_baseline, ksg::KsgParams};
/// # fn main() -> mutinf_core::Result<()> {
/// let x: Vec<f64> = (0..500).map(|i| ((i * 7919) % 500) as f64).collect();
/// let data = PairedSamples::from_columns(&x, &x.iter().map(|v| v.sqrt()).collect::<Vec<_>>())?;
/// let base = shuffle_baseline(&KsgParams::new().check()?, &data, 5, 1)?;
/// assert!(base.mi.abs() < 0.05);
/// # Ok(())
/// # }
/// ```
pub fn shuffle_baseline(estimator: &dyn Estimator, data: &PairedSamples, repeats: usize, seed: u64) -> Result<MiEstimate> {
    if repeats == 0 {
        return Err(MutinfError::invalid("repeats", 0, "need at least 1 shuffle repeat (5-20 is typical)"));
    }
    let start = std::time::Instant::now();
    let values: Vec<f64> = (0..repeats)
        .into_par_iter()
        .map(|r| {
            let mut rng = StdRng::seed_from_u64(derive_seed(seed, r as u64));
            estimator.estimate(&data.with_shuffled_y(&mut rng)).map(|e| e.mi)
        })
        .collect::<Result<_>>()?;
    let (mean, sd) = mean_sd(&values);
    let mut est = MiEstimate::new(format!("{}-shuffled", estimator.method()), mean, data.n())
        .with_seconds(start.elapsed().as_secs_f64())
        .with_param("repeats", repeats)
        .with_param("seed", seed);
    if repeats > 1 {
        est = est.with_std_error(sd);
    }
    Ok(est)
}
