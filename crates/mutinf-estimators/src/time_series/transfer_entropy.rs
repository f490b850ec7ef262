//! Transfer entropy with surrogate significance tests.

use std::time::Instant;

use mutinf_core::{MiEstimate, MutinfError, Result};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;

use super::embedding::te_embedding;
use crate::bootstrap::derive_seed;
use crate::conditional::ConditionalEstimator;

/// How surrogate sources are made: each keeps the source's values (and most of its own
/// temporal structure) but breaks its timing relative to the target, so the surrogate TE
/// values sample the null hypothesis "no transfer" under the same autocorrelation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Surrogate {
    /// Circular shift of the source by a random offset drawn uniformly from
    /// [exclusion, N − exclusion]; shifts near 0 (or N) would keep the coupling. `None`
    /// uses max(N / 10, the embedding's history length + 1).
    TimeShift {
        /// Smallest shift allowed, in time steps.
        exclusion: Option<usize>,
    },
    /// The source cut into consecutive blocks of `block` steps (the last may be shorter),
    /// put back in random order: keeps structure within a block. `None` uses ⌈√N⌉.
    BlockShuffle {
        /// Block length in time steps.
        block: Option<usize>,
    },
}

impl Default for Surrogate {
    fn default() -> Self {
        Surrogate::TimeShift { exclusion: None }
    }
}

/// Unchecked transfer-entropy parameters; [`TeParams::check`] turns them into a runnable
/// [`TransferEntropy`].
///
/// Defaults: target history k = 1, source history l = 1, delay d = 1, no surrogates, time-shift
/// surrogates when asked for, seed 0.
///
/// ```
/// use mutinf_estimators::time_series::TeParams;
/// let te = TeParams::new().history(2).source_history(1).delay(3).surrogates(99).check().unwrap();
/// assert_eq!((te.history(), te.source_history(), te.delay()), (2, 1, 3));
/// assert!(TeParams::new().delay(0).check().unwrap_err().to_string().contains("delay"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct TeParams {
    history: usize,
    source_history: usize,
    delay: usize,
    surrogates: usize,
    surrogate: Surrogate,
    seed: u64,
}

impl Default for TeParams {
    fn default() -> Self {
        Self { history: 1, source_history: 1, delay: 1, surrogates: 0, surrogate: Surrogate::default(), seed: 0 }
    }
}

impl TeParams {
    /// The defaults (k = l = d = 1, no surrogates).
    pub fn new() -> Self {
        Self::default()
    }
    /// Target history k ≥ 1: the past target values conditioned on.
    pub fn history(mut self, k: usize) -> Self {
        self.history = k;
        self
    }
    /// Source history l ≥ 1: how many past source values carry the transfer.
    pub fn source_history(mut self, l: usize) -> Self {
        self.source_history = l;
        self
    }
    /// Delay d ≥ 1: the most recent source value used is source[t − d].
    pub fn delay(mut self, d: usize) -> Self {
        self.delay = d;
        self
    }
    /// Number of surrogates S for the p-value (0: no test; 99 or more for p < 0.01).
    pub fn surrogates(mut self, s: usize) -> Self {
        self.surrogates = s;
        self
    }
    /// How surrogates are made.
    pub fn surrogate(mut self, kind: Surrogate) -> Self {
        self.surrogate = kind;
        self
    }
    /// RNG seed of the surrogates (results are reproducible for a seed, whatever the thread
    /// count).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Validates: k, l, d ≥ 1, and a surrogate exclusion or block length, when given, ≥ 1.
    /// (Whether the series are long enough is checked per data set.)
    pub fn check(self) -> Result<TransferEntropy> {
        for (v, name, what) in [
            (self.history, "history", "target history k"),
            (self.source_history, "source_history", "source history l"),
            (self.delay, "delay", "delay d (d = 1: the previous source value)"),
        ] {
            if v == 0 {
                return Err(MutinfError::invalid(name, 0, format!("the {what} must be at least 1")));
            }
        }
        match self.surrogate {
            Surrogate::TimeShift { exclusion: Some(0) } => {
                return Err(MutinfError::invalid("exclusion", 0, "a shift of 0 is the original data; use at least 1 (default N / 10)"));
            }
            Surrogate::BlockShuffle { block: Some(0) } => {
                return Err(MutinfError::invalid("block", 0, "blocks need at least 1 time step (default √N)"));
            }
            _ => {}
        }
        Ok(TransferEntropy {
            history: self.history,
            source_history: self.source_history,
            delay: self.delay,
            surrogates: self.surrogates,
            surrogate: self.surrogate,
            seed: self.seed,
        })
    }
}

/// Validated transfer-entropy parameters: [`TransferEntropy::run`] estimates
/// TE(source → target) = I(Y_t ; X_{t−d−l+1..t−d} | Y_{t−1..t−k}) with any
/// [`ConditionalEstimator`] (see [`te_embedding`] for the exact rows).
#[derive(Debug, Clone, PartialEq)]
pub struct TransferEntropy {
    history: usize,
    source_history: usize,
    delay: usize,
    surrogates: usize,
    surrogate: Surrogate,
    seed: u64,
}

/// The outcome of a surrogate test.
#[derive(Debug, Clone, PartialEq)]
pub struct Significance {
    /// (1 + #{surrogate TE ≥ observed TE}) / (S + 1): never 0, exact for exchangeable
    /// surrogates (Phipson & Smyth 2010).
    pub p_value: f64,
    /// The S surrogate TE values, in surrogate order.
    pub surrogate_values: Vec<f64>,
}

/// A transfer-entropy estimate and, when surrogates were asked for, its significance.
#[derive(Debug, Clone, PartialEq)]
pub struct TeResult {
    /// TE in nats (`mi`), with the parameters, N = rows of the embedding, and `p_value`,
    /// `surrogates`, `surrogate_mean` among the params when tested.
    pub estimate: MiEstimate,
    /// The surrogate test, if S > 0.
    pub significance: Option<Significance>,
}

impl TransferEntropy {
    /// Target history k.
    pub fn history(&self) -> usize {
        self.history
    }
    /// Source history l.
    pub fn source_history(&self) -> usize {
        self.source_history
    }
    /// Delay d.
    pub fn delay(&self) -> usize {
        self.delay
    }
    /// Number of surrogates.
    pub fn surrogates(&self) -> usize {
        self.surrogates
    }

    /// TE(source → target) in nats with `estimator`, and a surrogate test when S > 0
    /// (surrogates in parallel, each seeded from (seed, index)).
    ///
    /// Errors on series of different lengths, non-finite or constant series, series too short
    /// for the histories, or surrogate settings that do not fit the length (an exclusion of
    /// N / 2 or more, a block of more than N / 2 steps).
    ///
    /// ```
    /// use mutinf_estimators::conditional::KsgCmiParams;
    /// use mutinf_estimators::time_series::TeParams;
    /// # fn main() -> mutinf_core::Result<()> {
    /// // target[t] copies source[t−1] plus a little of its own past: strong transfer.
    /// let noise = |i: usize| ((i as f64 * 12.9898).sin() * 43_758.5453).rem_euclid(1.0);
    /// let source: Vec<f64> = (0..600).map(noise).collect();
    /// let mut target = vec![0.0; 600];
    /// for t in 1..600 {
    ///     target[t] = source[t - 1] + 0.1 * target[t - 1];
    /// }
    /// let te = TeParams::new().surrogates(19).seed(1).check()?;
    /// let out = te.run(&KsgCmiParams::new().check()?, &source, &target)?;
    /// assert!(out.estimate.mi > 1.0);
    /// assert_eq!(out.significance.unwrap().p_value, 1.0 / 20.0);
    /// # Ok(())
    /// # }
    /// ```
    pub fn run(&self, estimator: &dyn ConditionalEstimator, source: &[f64], target: &[f64]) -> Result<TeResult> {
        let start = Instant::now();
        let (k, l, d) = (self.history, self.source_history, self.delay);
        let data = te_embedding(source, target, k, l, d)?;
        let observed = estimator.estimate(&data)?;
        let mut estimate = MiEstimate::new(format!("te-{}", estimator.method()), observed.mi, data.n())
            .with_param("history", k)
            .with_param("source_history", l)
            .with_param("delay", d)
            .with_param("estimator", estimator.method());
        for (name, value) in &observed.params {
            estimate = estimate.with_param(name, value.clone());
        }
        let significance = if self.surrogates > 0 {
            let n = source.len();
            let make = self.surrogate_maker(n)?;
            let values: Vec<f64> = (0..self.surrogates)
                .into_par_iter()
                .map(|s| {
                    let mut rng = StdRng::seed_from_u64(derive_seed(self.seed, s as u64));
                    let shuffled = make(source, &mut rng);
                    estimator.estimate(&te_embedding(&shuffled, target, k, l, d)?).map(|e| e.mi)
                })
                .collect::<Result<_>>()?;
            let exceed = values.iter().filter(|&&v| v >= observed.mi).count();
            let p_value = (exceed + 1) as f64 / (self.surrogates + 1) as f64;
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            estimate = estimate
                .with_param("p_value", p_value)
                .with_param("surrogates", self.surrogates)
                .with_param("surrogate_mean", mean)
                .with_param("surrogate_kind", self.surrogate_label(n))
                .with_param("seed", self.seed);
            Some(Significance { p_value, surrogate_values: values })
        } else {
            None
        };
        Ok(TeResult { estimate: estimate.with_seconds(start.elapsed().as_secs_f64()), significance })
    }

    /// The exclusion / block length for a series of length n.
    fn surrogate_size(&self, n: usize) -> usize {
        let history = self.history.max(self.delay + self.source_history - 1);
        match self.surrogate {
            Surrogate::TimeShift { exclusion } => exclusion.unwrap_or((n / 10).max(history + 1)),
            Surrogate::BlockShuffle { block } => block.unwrap_or((n as f64).sqrt().ceil() as usize),
        }
    }

    fn surrogate_label(&self, n: usize) -> String {
        match self.surrogate {
            Surrogate::TimeShift { .. } => format!("time-shift:{}", self.surrogate_size(n)),
            Surrogate::BlockShuffle { .. } => format!("block-shuffle:{}", self.surrogate_size(n)),
        }
    }

    /// A function making one surrogate source, after checking the size fits n.
    fn surrogate_maker(&self, n: usize) -> Result<impl Fn(&[f64], &mut StdRng) -> Vec<f64> + Sync + use<>> {
        let size = self.surrogate_size(n);
        let kind = self.surrogate;
        match kind {
            Surrogate::TimeShift { .. } if 2 * size > n => {
                return Err(MutinfError::invalid(
                    "exclusion",
                    size,
                    format!("shifts must lie in [exclusion, N − exclusion] with N = {n}; use an exclusion below {}", n.div_ceil(2)),
                ));
            }
            Surrogate::BlockShuffle { .. } if 2 * size > n => {
                return Err(MutinfError::invalid(
                    "block",
                    size,
                    format!("shuffling needs at least 2 blocks of a series of N = {n}; use a block of at most {}", n / 2),
                ));
            }
            _ => {}
        }
        Ok(move |source: &[f64], rng: &mut StdRng| -> Vec<f64> {
            match kind {
                Surrogate::TimeShift { .. } => {
                    let shift = rng.random_range(size..=n - size);
                    let mut v = source.to_vec();
                    v.rotate_left(shift);
                    v
                }
                Surrogate::BlockShuffle { .. } => {
                    let mut blocks: Vec<&[f64]> = source.chunks(size).collect();
                    blocks.shuffle(rng);
                    blocks.concat()
                }
            }
        })
    }
}
