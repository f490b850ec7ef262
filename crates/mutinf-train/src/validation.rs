//! The fixed, seeded validation set and its scores.

use mutinf_gmm::MonteCarloOptions;
use mutinf_gmm::families::order_triplet;
use mutinf_models::{CopulaSequence, Fold, InfoNet, Readout, prepare_batch};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde::{Deserialize, Serialize};

use crate::data::{stream_seed, training_sequences};
use crate::{TrainError, ValidationConfig};

const TAG_GAUSS: u64 = 11;
const TAG_FAMILY: u64 = 12;
const TAG_TRIPLET: u64 = 13;
const TAG_ESTIMATE: u64 = 14;
/// Sequences per forward pass of the validation loss.
const CHUNK: usize = 32;

/// One point of the Gaussian grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GaussPoint {
    /// Correlation.
    pub rho: f64,
    /// Analytic MI −½ log(1 − ρ²).
    pub truth: f64,
    /// Mean estimate over the repeats.
    pub estimate: f64,
}

/// Scores of one validation pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValidationReport {
    /// Optimiser steps completed when it ran.
    pub step: u64,
    /// −mean DV bound on the fixed training-family sequences (the training loss, held out).
    pub val_loss: f64,
    /// Mean |estimate − truth| over every Gaussian sequence (nats).
    pub gauss_mae: f64,
    /// Per-ρ mean estimates.
    pub gauss: Vec<GaussPoint>,
    /// Fraction of GMM triplets whose I(X;Y) vs I(X;Z) order the network gets right.
    pub order_accuracy: Option<f64>,
    /// Seconds the pass took.
    pub seconds: f64,
}

struct Triplet {
    xy: CopulaSequence,
    xz: CopulaSequence,
    xy_greater: bool,
}

/// The fixed validation sequences (built once per run from `ValidationConfig::seed`).
pub struct ValidationSet {
    config: ValidationConfig,
    gauss: Vec<(f64, f64, Vec<CopulaSequence>)>,
    family: Vec<CopulaSequence>,
    triplets: Vec<Triplet>,
}

/// Samples from a standard bivariate Gaussian with correlation `rho` (the one generator in
/// `mutinf-gmm`, under the name this crate has always exported).
pub use mutinf_gmm::families::gaussian_columns as gaussian_pairs;

/// `count` copula sequences of `n` samples from the bivariate Gaussian with correlation `rho`,
/// drawn one after another from `rng` (truth: −½ ln(1 − ρ²)).
pub fn gaussian_sequences(rho: f64, n: usize, count: usize, rng: &mut StdRng) -> Result<Vec<CopulaSequence>, TrainError> {
    (0..count)
        .map(|_| {
            let (x, y) = gaussian_pairs(rho, n, rng);
            CopulaSequence::from_samples(&x, &y).map_err(|e| TrainError::data("copula transform of a Gaussian sequence", e))
        })
        .collect()
}

impl ValidationSet {
    /// Builds the set. Triplet truths use Monte-Carlo integration (20k samples each).
    pub fn build(config: &ValidationConfig) -> Result<Self, TrainError> {
        let mut gauss = Vec::new();
        for (i, &rho) in config.rho.iter().enumerate() {
            let mut rng = StdRng::seed_from_u64(stream_seed(config.seed, TAG_GAUSS, i as u64));
            let seqs = gaussian_sequences(rho, config.samples, config.repeats, &mut rng)?;
            gauss.push((rho, -0.5 * (1.0 - rho * rho).ln(), seqs));
        }
        let mut rng = StdRng::seed_from_u64(stream_seed(config.seed, TAG_FAMILY, 0));
        let family = training_sequences(config.family_sequences, config.samples, &mut rng)?;
        let mut triplets = Vec::new();
        let mut rng = StdRng::seed_from_u64(stream_seed(config.seed, TAG_TRIPLET, 0));
        let mc = MonteCarloOptions { samples: 20_000, seed: config.seed, ..Default::default() };
        for t in 0..config.triplets {
            let k = config.triplet_components[t % config.triplet_components.len().max(1)];
            let triplet = order_triplet(k, &mc, &mut rng).map_err(|e| TrainError::data("drawing a validation order triplet", e))?;
            let data = triplet.gmm.sample(config.samples, &mut rng);
            let x: Vec<f64> = data.column(0).to_vec();
            let y: Vec<f64> = data.column(1).to_vec();
            let z: Vec<f64> = data.column(2).to_vec();
            triplets.push(Triplet {
                xy: CopulaSequence::from_samples(&x, &y).map_err(|e| TrainError::data("copula transform of a triplet's (x, y)", e))?,
                xz: CopulaSequence::from_samples(&x, &z).map_err(|e| TrainError::data("copula transform of a triplet's (x, z)", e))?,
                xy_greater: triplet.xy_greater(),
            });
        }
        Ok(Self { config: config.clone(), gauss, family, triplets })
    }

    /// Scores `model` (an inference copy; see `Module::valid`).
    pub fn evaluate(&self, model: &InfoNet, step: u64) -> Result<ValidationReport, TrainError> {
        let start = std::time::Instant::now();
        let seed = stream_seed(self.config.seed, TAG_ESTIMATE, 0);
        // `estimate_sequences_with` sizes its own passes (MAX_TENSOR_ELEMENTS) and gives every
        // sequence the same seed, so whole sets go in at once. The trained readout: validation
        // tracks the bound training maximises, comparable across a run's steps.
        let estimate = |seqs: &[CopulaSequence]| -> Result<Vec<f64>, TrainError> {
            Ok(model.estimate_sequences_with(seqs, seed, Readout::Trained)?)
        };
        let mut gauss = Vec::new();
        let mut abs_errors = Vec::new();
        for (rho, truth, seqs) in &self.gauss {
            let est = estimate(seqs)?;
            abs_errors.extend(est.iter().map(|e| (e - truth).abs()));
            gauss.push(GaussPoint { rho: *rho, truth: *truth, estimate: est.iter().sum::<f64>() / est.len() as f64 });
        }
        let gauss_mae = abs_errors.iter().sum::<f64>() / abs_errors.len().max(1) as f64;

        let fold = if model.config().holdout { Fold::FirstToSecond } else { Fold::InSample };
        let device = model.device();
        let mut bound_sum = 0.0;
        for chunk in self.family.chunks(CHUNK) {
            let batch = prepare_batch(chunk, model.config(), fold, seed)?;
            let values = model
                .bound(&batch, &device)
                .try_into_data()
                .map_err(|e| TrainError::Backend(format!("reading the validation bound: {e}")))?
                .try_to_vec::<f32>()
                .map_err(|e| TrainError::Backend(format!("reading the validation bound: {e:?}")))?;
            bound_sum += values.iter().map(|v| f64::from(*v)).sum::<f64>();
        }
        let val_loss = -bound_sum / self.family.len().max(1) as f64;

        let order_accuracy = if self.triplets.is_empty() {
            None
        } else {
            let xy: Vec<CopulaSequence> = self.triplets.iter().map(|t| t.xy.clone()).collect();
            let xz: Vec<CopulaSequence> = self.triplets.iter().map(|t| t.xz.clone()).collect();
            let (exy, exz) = (estimate(&xy)?, estimate(&xz)?);
            let right = self.triplets.iter().zip(exy.iter().zip(&exz)).filter(|(t, (a, b))| (a > b) == t.xy_greater).count();
            Some(right as f64 / self.triplets.len() as f64)
        };
        Ok(ValidationReport { step, val_loss, gauss_mae, gauss, order_accuracy, seconds: start.elapsed().as_secs_f64() })
    }
}
