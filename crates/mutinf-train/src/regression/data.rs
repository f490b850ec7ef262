//! The regression head's training stream: broad families of 2-D distributions with known MI,
//! their truths, samples and token features. Step `s` is a pure function of (seed, s).
//!
//! Each step draws `batch_size / draws_per_distribution` distributions, computes each one's
//! truth once (analytic for a single Gaussian, Monte-Carlo over fresh draws of the known density
//! otherwise, to [`HeadDataConfig::truth_std_error`]) and samples it `draws_per_distribution`
//! times at the step's N; a share of sequences have Y shuffled (exactly independent, truth 0).

use mutinf_gmm::families::{PaperEvalFamily, PaperTrainFamily, rho_for_mi};
use mutinf_gmm::{GaussianMixture, MonteCarloOptions};
use mutinf_models::regression::{RegressorBatch, TokenFeatures};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::TrainError;
use crate::data::stream_seed;

/// Tag of the head's data streams in [`stream_seed`]: disjoint from the table trainer's tags
/// (1…) and from every benchmark seed, which are small integers used directly.
const TAG_HEAD_DATA: u64 = 0x4845_4144; // "HEAD"

/// The distribution families the head trains on, by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeadFamily {
    /// The InfoNet paper's training family, K 1..20.
    Paper,
    /// Covariances `A Aᵀ + 0.01 I` (thin ridges), K 1..10: the paper's evaluation rule.
    Aat,
    /// Scale mixtures: components sharing one mean, scales spread over two decades and
    /// coupled between X and Y (heavy tails, variance dependence), K 2..8.
    Scale,
    /// One Gaussian with MI uniform in [0, 2.5] nats (analytic truth).
    Gaussian,
    /// Many components: the paper's rule with K 20..40.
    Many,
}

impl HeadFamily {
    /// Draws one distribution of this family.
    pub fn sample(self, rng: &mut StdRng) -> Result<GaussianMixture, TrainError> {
        let gmm = match self {
            HeadFamily::Paper => PaperTrainFamily::default().sample(rng),
            HeadFamily::Aat => PaperEvalFamily::default().sample(rng),
            HeadFamily::Many => PaperTrainFamily { components: (20, 40), ..Default::default() }.sample(rng),
            HeadFamily::Gaussian => {
                let mi = 2.5 * rng.random::<f64>();
                let rho = rho_for_mi(mi).map_err(|e| TrainError::data("the correlation of a Gaussian", e))?;
                let sign = if rng.random::<bool>() { 1.0 } else { -1.0 };
                GaussianMixture::bivariate_gaussian((sign * rho).clamp(-0.9999, 0.9999))
            }
            HeadFamily::Scale => return scale_mixture(rng),
        };
        gmm.map_err(|e| TrainError::data(format_args!("drawing a {self:?} mixture"), e))
    }
}

/// A scale mixture: K components around one mean; component k has standard deviations
/// (e^a_k, e^b_k) with b_k = c a_k + noise (c ∈ [−1, 1]: scales coupled or not) and its own
/// correlation, often 0 (then X and Y are uncorrelated yet dependent through the shared scale).
fn scale_mixture(rng: &mut StdRng) -> Result<GaussianMixture, TrainError> {
    let k = rng.random_range(2..=8);
    let coupling = 2.0 * rng.random::<f64>() - 1.0;
    let mean = vec![10.0 * rng.random::<f64>() - 5.0, 10.0 * rng.random::<f64>() - 5.0];
    let mut weights = Vec::with_capacity(k);
    let mut covs = Vec::with_capacity(k);
    for _ in 0..k {
        let a = 4.0 * rng.random::<f64>() - 2.0;
        let b = coupling * a + 0.5 * (2.0 * rng.random::<f64>() - 1.0);
        let rho = if rng.random::<f64>() < 0.5 { 0.0 } else { 1.8 * rng.random::<f64>() - 0.9 };
        let (sx, sy) = (a.exp(), b.exp());
        covs.push(vec![vec![sx * sx, rho * sx * sy], vec![rho * sx * sy, sy * sy]]);
        weights.push(0.2 + rng.random::<f64>());
    }
    let total: f64 = weights.iter().sum();
    weights.iter_mut().for_each(|w| *w /= total);
    GaussianMixture::new(weights, vec![mean; k], covs).map_err(|e| TrainError::data("building a scale mixture", e))
}

/// What the head trains on (the `[data]` table of a head config).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadDataConfig {
    /// Sequences per step.
    pub batch_size: usize,
    /// Smallest N; each step draws N log-uniformly in [min_samples, max_samples].
    pub min_samples: usize,
    /// Largest N.
    pub max_samples: usize,
    /// Families and their weights.
    pub families: Vec<(HeadFamily, f64)>,
    /// Share of sequences with Y shuffled (exactly independent, truth 0).
    pub independent_fraction: f64,
    /// Samples drawn per distribution (its truth is computed once).
    pub draws_per_distribution: usize,
    /// Monte-Carlo standard error the truths are computed to (nats).
    pub truth_std_error: f64,
}

impl Default for HeadDataConfig {
    fn default() -> Self {
        Self {
            batch_size: 32,
            min_samples: 100,
            max_samples: 5000,
            families: vec![
                (HeadFamily::Paper, 0.3),
                (HeadFamily::Aat, 0.25),
                (HeadFamily::Scale, 0.15),
                (HeadFamily::Gaussian, 0.15),
                (HeadFamily::Many, 0.15),
            ],
            independent_fraction: 0.2,
            draws_per_distribution: 2,
            truth_std_error: 0.005,
        }
    }
}

impl HeadDataConfig {
    /// Checks every field; the error names the field and the fix.
    pub fn check(&self) -> Result<(), TrainError> {
        let bad = |msg: String| Err(TrainError::Config(format!("data.{msg}")));
        if self.batch_size == 0 || self.draws_per_distribution == 0 || !self.batch_size.is_multiple_of(self.draws_per_distribution) {
            return bad(format!(
                "batch_size = {} must be a positive multiple of draws_per_distribution = {}",
                self.batch_size, self.draws_per_distribution
            ));
        }
        if self.min_samples < mutinf_models::regression::MIN_REGRESSION_SAMPLES || self.max_samples < self.min_samples {
            return bad(format!(
                "samples range [{}, {}] must satisfy {} <= min_samples <= max_samples",
                self.min_samples,
                self.max_samples,
                mutinf_models::regression::MIN_REGRESSION_SAMPLES
            ));
        }
        if self.families.is_empty() || self.families.iter().any(|(_, w)| !(*w >= 0.0 && w.is_finite())) || self.families.iter().all(|(_, w)| *w == 0.0) {
            return bad("families: give at least one family with a positive finite weight".into());
        }
        if !(0.0..=1.0).contains(&self.independent_fraction) {
            return bad(format!("independent_fraction = {} must lie in [0, 1]", self.independent_fraction));
        }
        if !(self.truth_std_error > 0.0 && self.truth_std_error.is_finite()) {
            return bad(format!("truth_std_error = {} must be a positive number of nats", self.truth_std_error));
        }
        Ok(())
    }

    fn pick_family(&self, rng: &mut StdRng) -> HeadFamily {
        let total: f64 = self.families.iter().map(|(_, w)| w).sum();
        let mut t = rng.random::<f64>() * total;
        for &(f, w) in &self.families {
            if t < w {
                return f;
            }
            t -= w;
        }
        self.families.last().map_or(HeadFamily::Paper, |(f, _)| *f)
    }
}

/// One step's batch: token features and truths.
pub struct HeadBatch {
    /// The step it belongs to.
    pub step: u64,
    /// Token features, stacked.
    pub batch: RegressorBatch,
    /// True MI of each sequence (nats).
    pub truths: Vec<f32>,
    /// Largest Monte-Carlo standard error among the truths.
    pub max_truth_std_error: f64,
}

/// A distribution with its true MI.
pub struct Labelled {
    /// The distribution.
    pub gmm: GaussianMixture,
    /// I(X0; X1) in nats.
    pub truth: f64,
    /// Its standard error (0 when analytic).
    pub std_error: f64,
}

/// Draws a distribution of `family` and its truth to `std_error` (Monte-Carlo seeded from `rng`).
pub fn labelled(family: HeadFamily, std_error: f64, rng: &mut StdRng) -> Result<Labelled, TrainError> {
    let gmm = family.sample(rng)?;
    let mc = MonteCarloOptions { samples: 4096, seed: rng.random(), target_std_error: Some(std_error), max_samples: 1 << 19 };
    let truth = gmm.mutual_information(&[0], &[1], &mc).map_err(|e| TrainError::data("Monte-Carlo truth of a mixture", e))?;
    Ok(Labelled { gmm, truth: truth.value, std_error: truth.std_error })
}

/// Builds the batch of one step (deterministic in `seed` and `step`).
pub fn head_batch(config: &HeadDataConfig, seed: u64, step: u64) -> Result<HeadBatch, TrainError> {
    let mut rng = StdRng::seed_from_u64(stream_seed(seed, TAG_HEAD_DATA, step));
    let (lo, hi) = ((config.min_samples as f64).ln(), (config.max_samples as f64).ln());
    let n = ((lo + (hi - lo) * rng.random::<f64>()).exp().round() as usize).clamp(config.min_samples, config.max_samples);
    let distributions = config.batch_size / config.draws_per_distribution;
    let plans: Vec<(HeadFamily, u64)> = (0..distributions).map(|_| (config.pick_family(&mut rng), rng.random())).collect();
    let per: Vec<Vec<(TokenFeatures, f32, f64)>> = plans
        .par_iter()
        .map(|&(family, s)| {
            let mut rng = StdRng::seed_from_u64(s);
            let l = labelled(family, config.truth_std_error, &mut rng)?;
            (0..config.draws_per_distribution)
                .map(|_| {
                    let data = l.gmm.sample(n, &mut rng);
                    let x: Vec<f64> = data.column(0).to_vec();
                    let mut y: Vec<f64> = data.column(1).to_vec();
                    let independent = rng.random::<f64>() < config.independent_fraction;
                    if independent {
                        y.shuffle(&mut rng);
                    }
                    let f = TokenFeatures::from_samples(&x, &y).map_err(|e| TrainError::data("token features of a sequence", e))?;
                    Ok(if independent { (f, 0.0, 0.0) } else { (f, l.truth as f32, l.std_error) })
                })
                .collect()
        })
        .collect::<Result<_, TrainError>>()?;
    let flat: Vec<(TokenFeatures, f32, f64)> = per.into_iter().flatten().collect();
    let max_truth_std_error = flat.iter().map(|t| t.2).fold(0.0, f64::max);
    let truths = flat.iter().map(|t| t.1).collect();
    let features: Vec<TokenFeatures> = flat.into_iter().map(|t| t.0).collect();
    let batch = RegressorBatch::stack(&features).map_err(|e| TrainError::data(format_args!("stacking the batch of step {}", step + 1), e))?;
    Ok(HeadBatch { step, batch, truths, max_truth_std_error })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_draws_valid_mixtures() {
        let mut rng = StdRng::seed_from_u64(1);
        for family in [HeadFamily::Paper, HeadFamily::Aat, HeadFamily::Scale, HeadFamily::Gaussian, HeadFamily::Many] {
            for _ in 0..20 {
                let g = family.sample(&mut rng).unwrap();
                assert_eq!(g.dim(), 2);
            }
        }
    }

    #[test]
    fn steps_are_deterministic_and_labelled() {
        let config = HeadDataConfig { batch_size: 4, max_samples: 300, ..Default::default() };
        let a = head_batch(&config, 7, 3).unwrap();
        let b = head_batch(&config, 7, 3).unwrap();
        assert_eq!(a.truths, b.truths);
        assert_eq!(a.batch.tokens, b.batch.tokens);
        assert_eq!(a.truths.len(), 4);
        assert!(a.truths.iter().all(|t| *t >= -0.05 && t.is_finite()));
        assert!(a.max_truth_std_error <= 0.005 + 1e-12);
    }

    #[test]
    fn monte_carlo_truth_agrees_with_the_analytic_gaussian_within_its_standard_error() {
        // A two-component mixture of identical Gaussians is that Gaussian: the Monte-Carlo path
        // must recover the closed form.
        let rho: f64 = 0.8;
        let cov = vec![vec![1.0, rho], vec![rho, 1.0]];
        let gmm = GaussianMixture::new(vec![0.5, 0.5], vec![vec![0.0, 0.0]; 2], vec![cov.clone(), cov]).unwrap();
        let mc = MonteCarloOptions { samples: 4096, seed: 11, target_std_error: Some(0.005), max_samples: 1 << 19 };
        let t = gmm.mutual_information(&[0], &[1], &mc).unwrap();
        let exact = -0.5 * (1.0 - rho * rho).ln();
        assert!(t.std_error <= 0.005 && t.std_error > 0.0);
        assert!((t.value - exact).abs() < 4.0 * t.std_error, "{} vs {exact} (se {})", t.value, t.std_error);
    }
}
