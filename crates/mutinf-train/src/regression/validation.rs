//! A fixed, seeded validation set for the regression head, drawn from its own seed stream
//! (disjoint from training steps and from the benchmark suites): Gaussians with analytic truth,
//! mixtures of every training family with Monte-Carlo truth, and independent samples.

use mutinf_gmm::families::gaussian_columns;
use mutinf_models::regression::{MiRegressor, RegressionEstimator, TokenFeatures};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::data::{HeadFamily, labelled};
use crate::TrainError;
use crate::data::stream_seed;

/// Seed and tag of the validation stream.
const VALIDATION_SEED: u64 = 0x5641_4c49_4441_5445; // "VALIDATE"
const TAG_VALIDATION: u64 = 0x0056_414c;

/// Samples per validation sequence.
const VALIDATION_SAMPLES: usize = 2000;

/// Scores of one validation pass (all at N = 2000).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadValidation {
    /// Mean |median − truth| over every sequence (the run's selection score).
    pub mean_abs_error: f64,
    /// Mean |error| on the Gaussians.
    pub gaussian_error: f64,
    /// Mean |error| on the mixtures.
    pub mixture_error: f64,
    /// Mean estimate on independent data (truth 0).
    pub independent_mean: f64,
    /// Share of 90 % intervals containing the truth.
    pub coverage: f64,
}

struct Item {
    features: TokenFeatures,
    truth: f64,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Gaussian,
    Mixture,
    Independent,
}

/// The validation sequences with their truths, built once per run.
pub struct HeadValidationSet {
    items: Vec<Item>,
}

impl HeadValidationSet {
    /// Draws the set: 6 correlations x 4 seeds of Gaussians, 12 mixtures of each of four
    /// families (truth to 0.003 nats), 8 independent samples.
    pub fn build() -> Result<Self, TrainError> {
        let mut plans: Vec<(Kind, Option<HeadFamily>, f64, u64)> = Vec::new();
        let mut index = 0u64;
        let mut next = || {
            index += 1;
            stream_seed(VALIDATION_SEED, TAG_VALIDATION, index)
        };
        for rho in [0.0, 0.3, 0.5, 0.7, 0.9, 0.99] {
            for _ in 0..4 {
                plans.push((Kind::Gaussian, None, rho, next()));
            }
        }
        for family in [HeadFamily::Paper, HeadFamily::Aat, HeadFamily::Scale, HeadFamily::Many] {
            for _ in 0..12 {
                plans.push((Kind::Mixture, Some(family), 0.0, next()));
            }
        }
        for _ in 0..8 {
            plans.push((Kind::Independent, Some(HeadFamily::Paper), 0.0, next()));
        }
        let items = plans
            .par_iter()
            .map(|&(kind, family, rho, seed)| {
                let mut rng = StdRng::seed_from_u64(seed);
                let (x, y, truth) = match (kind, family) {
                    (Kind::Gaussian, _) | (_, None) => {
                        let (x, y) = gaussian_columns(rho, VALIDATION_SAMPLES, &mut rng);
                        (x, y, -0.5 * (1.0f64 - rho * rho).ln())
                    }
                    (_, Some(family)) => {
                        let l = labelled(family, 0.003, &mut rng)?;
                        let data = l.gmm.sample(VALIDATION_SAMPLES, &mut rng);
                        let x = data.column(0).to_vec();
                        let mut y = data.column(1).to_vec();
                        if kind == Kind::Independent {
                            y.shuffle(&mut rng);
                            (x, y, 0.0)
                        } else {
                            (x, y, l.truth)
                        }
                    }
                };
                let features = TokenFeatures::from_samples(&x, &y).map_err(|e| TrainError::data("token features of a validation sequence", e))?;
                Ok(Item { features, truth, kind })
            })
            .collect::<Result<Vec<_>, TrainError>>()?;
        Ok(Self { items })
    }

    /// Scores `model` (an inference copy) on the set.
    pub fn evaluate(&self, model: &MiRegressor) -> Result<HeadValidation, TrainError> {
        let estimator = RegressionEstimator::new(model.clone());
        let features: Vec<TokenFeatures> = self.items.iter().map(|i| i.features.clone()).collect();
        let q = estimator.quantiles_of_features(&features)?;
        let mean = |kind: Option<Kind>, f: &dyn Fn(usize) -> f64| {
            let idx: Vec<usize> = (0..self.items.len()).filter(|&i| kind.is_none_or(|k| self.items[i].kind == k)).collect();
            idx.iter().map(|&i| f(i)).sum::<f64>() / idx.len().max(1) as f64
        };
        let err = |i: usize| (q[i].median - self.items[i].truth).abs();
        Ok(HeadValidation {
            mean_abs_error: mean(None, &err),
            gaussian_error: mean(Some(Kind::Gaussian), &err),
            mixture_error: mean(Some(Kind::Mixture), &err),
            independent_mean: mean(Some(Kind::Independent), &|i| q[i].median),
            coverage: mean(None, &|i| f64::from(u8::from(q[i].low <= self.items[i].truth && self.items[i].truth <= q[i].high))),
        })
    }
}
