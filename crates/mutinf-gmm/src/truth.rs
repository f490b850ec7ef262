//! Ground-truth mutual information between two coordinate blocks of a mixture: closed form for a
//! single Gaussian, seeded parallel Monte-Carlo otherwise.

use rand::SeedableRng;
use rand::rngs::StdRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::density::ScratchBufs;
use crate::error::{GmmError, Result};
use crate::linalg;
use crate::mixture::{GaussianMixture, check_coords};

/// Samples per Monte-Carlo chunk. Each chunk has its own seeded RNG, so the result depends on the
/// seed and sample count only, never on how rayon schedules chunks over threads.
const CHUNK: usize = 8192;

/// How to compute a Monte-Carlo MI truth.
///
/// ```
/// let opts = mutinf_gmm::MonteCarloOptions { seed: 7, target_std_error: Some(1e-3), ..Default::default() };
/// assert_eq!(opts.samples, 100_000);
/// assert!(opts.check().is_ok());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MonteCarloOptions {
    /// Samples drawn from the mixture (the starting count when `target_std_error` is set).
    pub samples: usize,
    /// Seed of the sample stream.
    pub seed: u64,
    /// If set, keep doubling the sample count until the standard error is at most this (nats),
    /// or `max_samples` is reached.
    pub target_std_error: Option<f64>,
    /// Cap on the sample count when doubling.
    pub max_samples: usize,
}

impl Default for MonteCarloOptions {
    fn default() -> Self {
        Self {
            samples: 100_000,
            seed: 0,
            target_std_error: None,
            max_samples: 10_000_000,
        }
    }
}

impl MonteCarloOptions {
    /// Checks the options; errors name the field.
    pub fn check(&self) -> Result<()> {
        if self.samples < 2 {
            return Err(GmmError::invalid(
                "MonteCarloOptions.samples",
                self.samples,
                "need at least 2 samples for a standard error (100000 is a good default)",
            ));
        }
        if self.max_samples < self.samples {
            return Err(GmmError::invalid(
                "MonteCarloOptions.max_samples",
                self.max_samples,
                format!("must be at least samples ({})", self.samples),
            ));
        }
        if let Some(t) = self.target_std_error
            && !(t > 0.0 && t.is_finite())
        {
            return Err(GmmError::invalid(
                "MonteCarloOptions.target_std_error",
                t,
                "must be a positive finite number of nats (e.g. 1e-3), or None",
            ));
        }
        Ok(())
    }
}

/// A ground-truth MI value in nats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TrueMi {
    /// MI in nats.
    pub value: f64,
    /// Monte-Carlo standard error in nats; 0 when analytic.
    pub std_error: f64,
    /// Monte-Carlo samples used; 0 when analytic.
    pub samples: usize,
    /// Whether `value` comes from the closed form (K = 1).
    pub analytic: bool,
}

/// MI between coordinate blocks `x` and `y` of a Gaussian with covariance `cov`:
/// `-1/2 ln(det S_xx det S_yy / det S_joint)`, any block sizes.
///
/// ```
/// let rho: f64 = 0.6;
/// let cov = vec![vec![1.0, rho], vec![rho, 1.0]];
/// let mi = mutinf_gmm::analytic_gaussian_mi(&cov, &[0], &[1]).unwrap();
/// assert!((mi + 0.5 * (1.0 - rho * rho).ln()).abs() < 1e-12);
/// ```
pub fn analytic_gaussian_mi(cov: &[Vec<f64>], x: &[usize], y: &[usize]) -> Result<f64> {
    // Reuse the mixture's validation (shape, finiteness, symmetry, SPD) with a zero mean.
    let g = GaussianMixture::gaussian(vec![0.0; cov.len()], cov.to_vec())?;
    check_blocks(x, y, g.dim())?;
    let flat = linalg::flatten(cov);
    let log_det = |idx: &[usize]| -> Result<f64> {
        let sub = linalg::sub_matrix(&flat, g.dim(), idx);
        let l =
            linalg::cholesky(&sub, idx.len()).map_err(|pivot| GmmError::NotPositiveDefinite {
                component: 0,
                pivot,
            })?;
        Ok(linalg::log_det_from_cholesky(&l, idx.len()))
    };
    let joint: Vec<usize> = x.iter().chain(y).copied().collect();
    let mi = 0.5 * (log_det(x)? + log_det(y)? - log_det(&joint)?);
    // Fischer's inequality makes this >= 0; clamp rounding noise.
    Ok(mi.max(0.0))
}

fn check_blocks(x: &[usize], y: &[usize], d: usize) -> Result<()> {
    check_coords("X", x, d)?;
    check_coords("Y", y, d)?;
    if let Some(i) = x.iter().find(|i| y.contains(i)) {
        return Err(GmmError::coords(
            "X and Y",
            format!(
                "coordinate {i} is in both blocks; the MI of a continuous variable with itself is infinite, so make the blocks disjoint"
            ),
        ));
    }
    Ok(())
}

impl GaussianMixture {
    /// True MI `I(X; Y)` between coordinate blocks `x` and `y`.
    ///
    /// K = 1 uses [`analytic_gaussian_mi`]. K > 1 averages `ln p(x,y) - ln p(x) - ln p(y)` over
    /// points drawn from the mixture, in seeded chunks spread over rayon's threads: the value is
    /// a function of `opts` alone, whatever the thread count. With `target_std_error`, the sample
    /// count doubles (reusing earlier chunks) until the standard error is small enough or
    /// `max_samples` is reached.
    ///
    /// ```
    /// use mutinf_gmm::{GaussianMixture, MonteCarloOptions};
    /// # fn main() -> Result<(), mutinf_gmm::GmmError> {
    /// let a = 3.0;
    /// let gmm = GaussianMixture::new(
    ///     vec![0.5, 0.5],
    ///     vec![vec![-a, -a], vec![a, a]],
    ///     vec![vec![vec![1.0, 0.0], vec![0.0, 1.0]]; 2],
    /// )?;
    /// let mi = gmm.mutual_information(&[0], &[1], &MonteCarloOptions { samples: 20_000, ..Default::default() })?;
    /// assert!(!mi.analytic && mi.std_error > 0.0);
    /// assert!(mi.value > 0.5 && mi.value < std::f64::consts::LN_2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn mutual_information(
        &self,
        x: &[usize],
        y: &[usize],
        opts: &MonteCarloOptions,
    ) -> Result<TrueMi> {
        check_blocks(x, y, self.dim())?;
        if self.n_components() == 1 {
            let value = analytic_gaussian_mi(&self.covariances()[0], x, y)?;
            return Ok(TrueMi {
                value,
                std_error: 0.0,
                samples: 0,
                analytic: true,
            });
        }
        opts.check()?;
        let joint_coords: Vec<usize> = x.iter().chain(y).copied().collect();
        let joint = if joint_coords.iter().copied().eq(0..self.dim()) {
            self.clone()
        } else {
            self.marginal(&joint_coords)?
        };
        let dx = x.len();
        let mx = joint.marginal(&(0..dx).collect::<Vec<_>>())?;
        let my = joint.marginal(&(dx..joint.dim()).collect::<Vec<_>>())?;
        let mc = McProblem {
            joint: &joint,
            mx: &mx,
            my: &my,
            seed: opts.seed,
        };

        let mut chunks: Vec<Stats> = Vec::new();
        let mut n = opts.samples;
        loop {
            // A trailing partial chunk is recomputed at full length: its samples are a prefix of it.
            if chunks.last().is_some_and(|s| s.n < CHUNK) {
                chunks.pop();
            }
            let n_chunks = n.div_ceil(CHUNK);
            let fresh: Vec<Stats> = (chunks.len()..n_chunks)
                .into_par_iter()
                .map(|c| mc.chunk(c, CHUNK.min(n - c * CHUNK)))
                .collect();
            chunks.extend(fresh);
            let total = chunks.iter().fold(Stats::default(), |acc, s| acc.merge(s));
            let se = total.std_error();
            let done = match opts.target_std_error {
                Some(t) => se <= t || n >= opts.max_samples,
                None => true,
            };
            if done {
                return Ok(TrueMi {
                    value: total.mean,
                    std_error: se,
                    samples: total.n,
                    analytic: false,
                });
            }
            n = (2 * n).min(opts.max_samples);
        }
    }
}

struct McProblem<'a> {
    joint: &'a GaussianMixture,
    mx: &'a GaussianMixture,
    my: &'a GaussianMixture,
    seed: u64,
}

impl McProblem<'_> {
    fn chunk(&self, index: usize, len: usize) -> Stats {
        let mut rng = StdRng::seed_from_u64(mix_seed(self.seed, index as u64));
        let d = self.joint.dim();
        let dx = self.mx.dim();
        let (mut z, mut pt) = (vec![0.0; d], vec![0.0; d]);
        let (mut bj, mut bx, mut by) = (
            ScratchBufs::new(self.joint),
            ScratchBufs::new(self.mx),
            ScratchBufs::new(self.my),
        );
        let (mut sj, mut sx, mut sy) = (bj.scratch(), bx.scratch(), by.scratch());
        let mut stats = Stats::default();
        for _ in 0..len {
            self.joint.sample_point(&mut rng, &mut z, &mut pt);
            let v = self.joint.log_density_with(&pt, &mut sj)
                - self.mx.log_density_with(&pt[..dx], &mut sx)
                - self.my.log_density_with(&pt[dx..], &mut sy);
            stats.push(v);
        }
        stats
    }
}

/// Derives an independent stream seed from a base seed and an index (the workspace's one
/// mixer, [`mutinf_core::seed::mix`]).
pub(crate) use mutinf_core::seed::mix as mix_seed;

/// Running mean and sum of squared deviations (Welford), mergeable (Chan et al.).
#[derive(Debug, Clone, Copy, Default)]
struct Stats {
    n: usize,
    mean: f64,
    m2: f64,
}

impl Stats {
    fn push(&mut self, v: f64) {
        self.n += 1;
        let delta = v - self.mean;
        self.mean += delta / self.n as f64;
        self.m2 += delta * (v - self.mean);
    }

    fn merge(self, o: &Stats) -> Stats {
        if self.n == 0 {
            return *o;
        }
        let n = self.n + o.n;
        let delta = o.mean - self.mean;
        let mean = self.mean + delta * o.n as f64 / n as f64;
        let m2 = self.m2 + o.m2 + delta * delta * (self.n as f64 * o.n as f64 / n as f64);
        Stats { n, mean, m2 }
    }

    fn std_error(&self) -> f64 {
        if self.n < 2 {
            f64::INFINITY
        } else {
            (self.m2 / (self.n - 1) as f64 / self.n as f64).sqrt()
        }
    }
}
