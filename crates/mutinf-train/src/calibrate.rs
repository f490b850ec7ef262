//! Fitting a network's [`Calibration`] on fresh training-family distributions with
//! Monte-Carlo truths (never on an evaluation set).

use mutinf_gmm::MonteCarloOptions;
use mutinf_gmm::families::PaperTrainFamily;
use mutinf_models::{Calibration, CopulaSequence, InfoNet, Readout};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::TrainError;
use crate::data::stream_seed;

const TAG_CALIBRATION: u64 = 21;

/// How a calibration is fitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CalibrationRequest {
    /// Distributions drawn from the paper's training family (one sequence each).
    pub sequences: usize,
    /// Samples per sequence are drawn per chunk of 32 in `[min_samples, max_samples]`.
    pub min_samples: usize,
    /// See `min_samples`.
    pub max_samples: usize,
    /// Monte-Carlo samples for each distribution's true MI.
    pub truth_samples: usize,
    /// Knots of the piecewise-linear map.
    pub knots: usize,
    /// Seed of the distributions, samples and readout.
    pub seed: u64,
}

impl Default for CalibrationRequest {
    fn default() -> Self {
        Self { sequences: 2048, min_samples: 400, max_samples: 2000, truth_samples: 50_000, knots: 24, seed: 4242 }
    }
}

/// The fitted map and how well it does on its own data (and, on a second half, out of sample).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CalibrationReport {
    /// Fitted on all sequences.
    pub calibration: Calibration,
    /// Mean |raw − truth| over all sequences.
    pub raw_mae: f64,
    /// Mean (raw − truth).
    pub raw_bias: f64,
    /// Mean |calibrated − truth| for the second half when the map is fitted on the first half
    /// only (an honest out-of-sample check of the map).
    pub holdout_mae: f64,
    /// Mean (calibrated − truth) on that second half.
    pub holdout_bias: f64,
}

const CHUNK: usize = 32;

/// Draws `request.sequences` training-family distributions, estimates them with the raw
/// (uncalibrated) readout, computes their true MI by Monte-Carlo, and fits the map.
/// `progress(done, total)` is called after every chunk.
pub fn fit_calibration(
    net: &InfoNet,
    request: &CalibrationRequest,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<CalibrationReport, TrainError> {
    if request.sequences < 4 * request.knots || request.min_samples < 16 || request.max_samples < request.min_samples {
        return Err(TrainError::Config(format!(
            "calibration: need sequences ≥ 4 × knots ({} < 4 × {}) and 16 ≤ min_samples ≤ max_samples ({}..{})",
            request.sequences, request.knots, request.min_samples, request.max_samples
        )));
    }
    let family = PaperTrainFamily::default();
    let mut raw = Vec::with_capacity(request.sequences);
    let mut truth = Vec::with_capacity(request.sequences);
    let chunks = request.sequences.div_ceil(CHUNK);
    for c in 0..chunks {
        let count = CHUNK.min(request.sequences - c * CHUNK);
        let mut rng = StdRng::seed_from_u64(stream_seed(request.seed, TAG_CALIBRATION, c as u64));
        let n = rng.random_range(request.min_samples..=request.max_samples);
        let gmms = (0..count).map(|_| family.sample(&mut rng)).collect::<Result<Vec<_>, _>>()
            .map_err(|e| TrainError::data("drawing a calibration mixture", e))?;
        let sequences = gmms
            .iter()
            .map(|g| {
                let data = g.sample(n, &mut rng);
                CopulaSequence::from_samples(&data.column(0).to_vec(), &data.column(1).to_vec())
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TrainError::data("copula transform of a calibration sequence", e))?;
        let readout_seed: u64 = rng.random();
        let values = net.estimate_sequences_with(&sequences, readout_seed, Readout::Uncalibrated)?;
        let truths = gmms
            .par_iter()
            .enumerate()
            .map(|(i, g)| {
                let opts = MonteCarloOptions {
                    samples: request.truth_samples,
                    seed: stream_seed(request.seed, TAG_CALIBRATION + 1, (c * CHUNK + i) as u64),
                    ..Default::default()
                };
                g.mutual_information(&[0], &[1], &opts).map(|t| t.value)
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| TrainError::data("Monte-Carlo truth of a calibration mixture", e))?;
        raw.extend(values);
        truth.extend(truths);
        progress(raw.len(), request.sequences);
    }
    let half = raw.len() / 2;
    let first = Calibration::fit(&raw[..half], &truth[..half], request.knots)?;
    let errors: Vec<f64> = raw[half..].iter().zip(&truth[half..]).map(|(r, t)| first.apply(*r) - t).collect();
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let raw_errors: Vec<f64> = raw.iter().zip(&truth).map(|(r, t)| r - t).collect();
    let mut calibration = Calibration::fit(&raw, &truth, request.knots)?;
    calibration.fitted_on = format!(
        "{} paper-train-family GMMs, N {}..{}, Monte-Carlo truth {} samples, seed {}",
        request.sequences, request.min_samples, request.max_samples, request.truth_samples, request.seed
    );
    Ok(CalibrationReport {
        calibration,
        raw_mae: mean(&raw_errors.iter().map(|e| e.abs()).collect::<Vec<_>>()),
        raw_bias: mean(&raw_errors),
        holdout_mae: mean(&errors.iter().map(|e| e.abs()).collect::<Vec<_>>()),
        holdout_bias: mean(&errors),
    })
}
