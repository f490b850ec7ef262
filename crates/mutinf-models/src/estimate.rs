//! Reading the MI of new data with a (trained) network.

use burn::module::Module;
use burn::tensor::{Tensor, TensorData};
use rayon::prelude::*;

use crate::batch::{CopulaSequence, Fold, estimate_folds, fold_samples};
use crate::network::MAX_TENSOR_ELEMENTS;
use crate::readout::{SequenceScores, scale_fitted_bound};
use crate::{InfoNet, ModelError};

/// How an estimate reads the bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Readout {
    /// What the network was trained for: cross-fitted halves (table from one half, bound on the
    /// other, both directions averaged) for a `holdout` network, in-sample otherwise; then the
    /// checkpoint's [`Calibration`](crate::Calibration), if it has one.
    Trained,
    /// [`Trained`](Self::Trained) without the calibration: the raw bound.
    Uncalibrated,
    /// Table predicted from all N samples and the bound read on the same samples (one pass).
    InSample,
    /// Cross-fitted halves, whatever the network was trained with.
    CrossFit,
    /// The default: the folds of [`Trained`](Self::Trained), with the table's scale λ ∈ [0, 4]
    /// ([`MAX_TABLE_SCALE`]) fitted per sequence to maximise the held-out bound (one λ for both
    /// folds; see [`scale_fitted_bound`](crate::readout::scale_fitted_bound)). Never below zero,
    /// and small samples no longer read low from a table with spurious relief (shuffled data at
    /// N = 200: −0.106 → +0.003 nats on average). A calibration is not applied (it is fitted to
    /// the trained readout).
    #[default]
    ScaleFitted,
}

impl Readout {
    /// The readout's name as the CLI's `--readout` flag and the estimate's `readout` parameter
    /// spell it (`scale-fitted`, `trained`, ...).
    ///
    /// ```
    /// assert_eq!(mutinf_models::Readout::ScaleFitted.name(), "scale-fitted");
    /// ```
    pub fn name(self) -> &'static str {
        match self {
            Self::Trained => "trained",
            Self::Uncalibrated => "uncalibrated",
            Self::InSample => "in-sample",
            Self::CrossFit => "cross-fit",
            Self::ScaleFitted => "scale-fitted",
        }
    }
}

/// The largest table scale [`Readout::ScaleFitted`] may choose.
pub const MAX_TABLE_SCALE: f64 = 4.0;

/// What one forward pass gives one sequence under one fold.
enum FoldValue {
    /// The bound, computed on the device.
    Bound(f64),
    /// The table's scores, for a readout that works on them on the host.
    Scores(SequenceScores),
}

impl InfoNet {
    /// Estimates I(X; Y) in nats from paired samples (any N ≥ 16).
    ///
    /// The samples are copula-transformed and put in a canonical order first, so the result
    /// does not depend on the order of the rows; `seed` fixes the permutations of the marginal
    /// term (and the halves, for a network with `holdout`).
    pub fn estimate(&self, x: &[f64], y: &[f64], seed: u64) -> Result<f64, ModelError> {
        Ok(self.estimate_batch(&[(x, y)], seed)?[0])
    }

    /// Estimates I(X; Y) for several pairs of sequences of the same length in one pass; each
    /// value equals what [`estimate`](Self::estimate) gives for that pair with the same seed
    /// (up to floating-point summation order).
    pub fn estimate_batch(&self, pairs: &[(&[f64], &[f64])], seed: u64) -> Result<Vec<f64>, ModelError> {
        let sequences =
            pairs.par_iter().map(|(x, y)| CopulaSequence::from_samples(x, y)).collect::<Result<Vec<_>, _>>()?;
        self.estimate_sequences(&sequences, seed)
    }

    /// Estimates I(X; Y) for copula sequences of the same length (see [`CopulaSequence`]).
    pub fn estimate_sequences(&self, sequences: &[CopulaSequence], seed: u64) -> Result<Vec<f64>, ModelError> {
        self.estimate_sequences_with(sequences, seed, self.readout())
    }

    /// [`estimate_sequences`](Self::estimate_sequences) with an explicit [`Readout`].
    pub fn estimate_sequences_with(
        &self,
        sequences: &[CopulaSequence],
        seed: u64,
        readout: Readout,
    ) -> Result<Vec<f64>, ModelError> {
        self.estimate_sequences_seeded(sequences, &vec![seed; sequences.len()], readout)
    }

    /// [`estimate_sequences_with`](Self::estimate_sequences_with) with one seed per sequence:
    /// each sequence's halves and permutations come from its own seed, so sequences estimated
    /// in one pass (the slices of sliced MI) are independent; a sequence's value does not
    /// depend on the others or on the pass it lands in.
    pub fn estimate_sequences_seeded(
        &self,
        sequences: &[CopulaSequence],
        seeds: &[u64],
        readout: Readout,
    ) -> Result<Vec<f64>, ModelError> {
        if seeds.len() != sequences.len() {
            return Err(ModelError::InvalidConfig {
                field: "seeds".into(),
                value: seeds.len().to_string(),
                reason: format!("give one seed per sequence ({})", sequences.len()),
            });
        }
        let model = self.valid();
        let folds = match readout {
            Readout::Trained | Readout::Uncalibrated | Readout::ScaleFitted => estimate_folds(model.config()),
            Readout::InSample => &[Fold::InSample],
            Readout::CrossFit => &[Fold::FirstToSecond, Fold::SecondToFirst],
        };
        if sequences.is_empty() {
            return Err(ModelError::EmptyBatch);
        }
        let n = sequences[0].len();
        let tokens = if folds.len() > 1 { n / 2 } else { n };
        // All folds of a sequence in one forward pass (fold-major): one pass costs less than two
        // half-size ones. Sequences are split into passes whose tensors stay within
        // MAX_TENSOR_ELEMENTS, so any number of pairs fits in memory; with several lanes each
        // memory pass is cut into that many concurrent passes.
        let per_pass = (MAX_TENSOR_ELEMENTS / (model.elements_per_sequence(tokens) * folds.len()).max(1)).max(1);
        let lanes = self.lanes().max(1);
        let mut total = Vec::with_capacity(sequences.len());
        for (chunk, chunk_seeds) in sequences.chunks(per_pass).zip(seeds.chunks(per_pass)) {
            // Seeds travel with their sequences, so an estimate does not depend on the batch (or
            // pass) it is in: `estimate_batch` (one seed for all) equals one `estimate` per pair.
            // A unit is one forward pass: (index of its first sequence in the chunk, its
            // sequences, its folds).
            // One lane: a single unit of the whole chunk.
            let units: Vec<(usize, &[CopulaSequence], &[Fold])> = if chunk.len() >= lanes {
                // (Smaller passes — 1 or 4 sequences, or one fold — measured no faster on 2 cores.)
                let size = chunk.len().div_ceil(lanes);
                chunk.chunks(size).enumerate().map(|(i, c)| (i * size, c, folds)).collect()
            } else {
                // Fewer sequences than lanes: one pass per sequence and fold.
                (0..chunk.len())
                    .flat_map(|i| folds.chunks(1).map(move |f| (i, &chunk[i..=i], f)))
                    .collect()
            };
            let scores = readout == Readout::ScaleFitted;
            let run = |&(start, seqs, unit_folds): &(usize, &[CopulaSequence], &[Fold])| {
                fold_values(&model, seqs, unit_folds, &chunk_seeds[start..start + seqs.len()], scores)
            };
            let results: Vec<Vec<FoldValue>> = if units.len() == 1 {
                vec![run(&units[0])?]
            } else {
                units.par_iter().map(run).collect::<Result<_, _>>()?
            };
            // A unit's values are fold-major over its sequences; gather each sequence's folds.
            let mut per_sequence: Vec<Vec<FoldValue>> = (0..chunk.len()).map(|_| Vec::new()).collect();
            for (&(start, seqs, _), values) in units.iter().zip(results) {
                for (k, value) in values.into_iter().enumerate() {
                    per_sequence[start + k % seqs.len()].push(value);
                }
            }
            total.extend(per_sequence.into_iter().map(|values| combine_folds(values, folds.len())));
        }
        if let (Readout::Trained, Some(calibration)) = (readout, model.calibration()) {
            total.iter_mut().for_each(|v| *v = calibration.apply(*v));
        }
        Ok(total)
    }
}

/// [`InfoNet`] behind the shared [`Estimator`](mutinf_core::Estimator) trait: the network
/// (weights + config) and how it is read — readout, calibration, lanes, seed, slices — set
/// through a checked [builder](Self::builder).
///
/// One X column and one Y column give the InfoNet estimate of I(X; Y). Wider blocks give
/// sliced MI over [`slices`](Self::slices) random projections (see
/// [`InfoNet::estimate_sliced_with`]), read with the same readout; the estimate's `params` then
/// say `"sliced": P` and its `std_error` is the standard error over directions.
/// [`estimate_many`](mutinf_core::Estimator::estimate_many) runs all one-column pairs of equal
/// length in shared forward passes (split under the memory budget).
///
/// ```
/// use mutinf_core::{Estimator, PairedSamples};
/// use mutinf_models::{InfoNetEstimator, Readout};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let device = burn::tensor::Device::flex();
/// let (net, _) = mutinf_models::pretrained::infonet("infonet-small", &device)?;
/// let estimator = InfoNetEstimator::builder(net).readout(Readout::CrossFit).seed(7).slices(32).build()?;
/// let data = PairedSamples::from_columns(&[1.0, 2.0, 3.0], &[1.0, 4.0, 9.0])?;
/// assert!(estimator.estimate(&data).is_err()); // InfoNet needs at least 16 samples
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct InfoNetEstimator {
    net: InfoNet,
    seed: u64,
    readout: Readout,
    slices: usize,
}

/// Builds an [`InfoNetEstimator`]; [`build`](Self::build) checks the settings.
#[derive(Debug, Clone)]
pub struct InfoNetEstimatorBuilder {
    net: InfoNet,
    seed: u64,
    readout: Option<Readout>,
    calibration: Option<Option<crate::Calibration>>,
    lanes: Option<usize>,
    slices: usize,
}

impl InfoNetEstimatorBuilder {
    /// Seed of the readout's halves and permutations (and of the sliced directions); default 0.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// How the bound is read; default the network's (scale-fitted, or trained for a calibrated
    /// checkpoint).
    pub fn readout(mut self, readout: Readout) -> Self {
        self.readout = Some(readout);
        self
    }

    /// Replaces the checkpoint's calibration (`None` removes it); applied by
    /// [`Readout::Trained`].
    pub fn calibration(mut self, calibration: Option<crate::Calibration>) -> Self {
        self.calibration = Some(calibration);
        self
    }

    /// Concurrent CPU forward passes (see [`InfoNet::with_lanes`]); default the network's (1).
    pub fn lanes(mut self, lanes: usize) -> Self {
        self.lanes = Some(lanes);
        self
    }

    /// Random projections for multi-column X or Y; default
    /// [`DEFAULT_SLICES`](mutinf_core::slicing::DEFAULT_SLICES).
    pub fn slices(mut self, slices: usize) -> Self {
        self.slices = slices;
        self
    }

    /// The estimator, or an error naming a setting out of range (0 slices or lanes).
    pub fn build(self) -> Result<InfoNetEstimator, ModelError> {
        let invalid = |field: &str, value: usize, reason: &str| ModelError::InvalidConfig {
            field: field.into(),
            value: value.to_string(),
            reason: reason.into(),
        };
        if self.slices == 0 {
            return Err(invalid("slices", 0, "use at least one random projection"));
        }
        if self.lanes == Some(0) {
            return Err(invalid("lanes", 0, "use at least one forward pass at a time"));
        }
        let mut net = self.net;
        if let Some(calibration) = self.calibration {
            net = net.with_calibration(calibration);
        }
        if let Some(lanes) = self.lanes {
            net = net.with_lanes(lanes);
        }
        let readout = self.readout.unwrap_or(net.readout());
        // The network reads with the same readout, so every path (single, batched, sliced)
        // agrees with what the estimate reports.
        let net = net.with_readout(readout).valid();
        Ok(InfoNetEstimator { net, seed: self.seed, readout, slices: self.slices })
    }
}

impl InfoNetEstimator {
    /// Wraps a (trained) network with the default settings (seed 0, the network's readout).
    pub fn new(net: InfoNet) -> Self {
        let readout = net.readout();
        Self { net: net.valid(), seed: 0, readout, slices: mutinf_core::slicing::DEFAULT_SLICES }
    }

    /// A builder over `net` (see [`InfoNetEstimatorBuilder`]).
    pub fn builder(net: InfoNet) -> InfoNetEstimatorBuilder {
        InfoNetEstimatorBuilder {
            net,
            seed: 0,
            readout: None,
            calibration: None,
            lanes: None,
            slices: mutinf_core::slicing::DEFAULT_SLICES,
        }
    }

    /// The built-in table network `name` (see [`crate::pretrained`]; e.g. `"infonet-small"`),
    /// no file needed. An unknown name is an error that lists the built-in ones.
    ///
    /// ```
    /// use mutinf_core::{Estimator, PairedSamples};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let device = burn::tensor::Device::flex();
    /// let est = mutinf_models::InfoNetEstimator::pretrained("infonet-small", &device)?;
    /// let x: Vec<f64> = (0..200).map(|i| (i as f64 * 0.37).sin()).collect();
    /// let y: Vec<f64> = x.iter().map(|v| v * v).collect();
    /// let batch = vec![PairedSamples::from_columns(&x, &y)?, PairedSamples::from_columns(&y, &x)?];
    /// let many = est.estimate_many(&batch)?;
    /// assert_eq!(many.len(), 2);
    /// assert_eq!(many[0].mi, est.estimate(&batch[0])?.mi);
    /// # Ok(())
    /// # }
    /// ```
    pub fn pretrained(name: &str, device: &burn::tensor::Device) -> Result<Self, ModelError> {
        Ok(Self::new(crate::pretrained::infonet(name, device)?.0))
    }

    /// The wrapped network.
    pub fn net(&self) -> &InfoNet {
        &self.net
    }

    /// The readout's seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// How the bound is read.
    pub fn readout(&self) -> Readout {
        self.readout
    }

    /// Random projections for multi-column blocks.
    pub fn slices(&self) -> usize {
        self.slices
    }

    /// The estimate of one-column pair `data` whose bound was `mi`.
    fn one_column_estimate(&self, data: &mutinf_core::PairedSamples, mi: f64, seconds: f64) -> mutinf_core::MiEstimate {
        let c = self.net.config();
        let mut estimate = mutinf_core::MiEstimate::new("infonet", mi, data.n())
            .with_seconds(seconds)
            .with_param("grid", c.grid)
            .with_param("permutations", c.permutations)
            .with_param("holdout", c.holdout)
            .with_param("seed", self.seed)
            .with_param("readout", self.readout.name())
            .with_param("calibrated", self.readout == Readout::Trained && self.net.calibration().is_some());
        estimate.notes.extend(crate::notes::small_n_note(data.n()));
        estimate.notes.extend(crate::notes::tie_notes(data));
        estimate
    }

    fn sequence(data: &mutinf_core::PairedSamples) -> Result<CopulaSequence, ModelError> {
        CopulaSequence::from_samples(&data.x().column(0).to_vec(), &data.y().column(0).to_vec())
    }
}

impl mutinf_core::Estimator for InfoNetEstimator {
    fn method(&self) -> &str {
        "infonet"
    }

    fn estimate(&self, data: &mutinf_core::PairedSamples) -> mutinf_core::Result<mutinf_core::MiEstimate> {
        if data.dx() != 1 || data.dy() != 1 {
            let c = self.net.config();
            let (summary, seconds) =
                mutinf_core::timed(|| self.net.estimate_sliced_with(data, self.slices, self.seed, self.readout));
            let summary = summary?;
            return Ok(mutinf_core::MiEstimate::new("infonet-sliced", summary.mean, data.n())
                .with_std_error(summary.std_error)
                .with_seconds(seconds)
                .with_param("sliced", summary.slices)
                .with_param("dx", data.dx())
                .with_param("dy", data.dy())
                .with_param("grid", c.grid)
                .with_param("seed", self.seed)
                .with_param("readout", self.readout.name())
                .with_note(crate::notes::sliced_note(data, summary.slices)));
        }
        let (mi, seconds) = mutinf_core::timed(|| -> Result<f64, ModelError> {
            Ok(self.net.estimate_sequences_with(&[Self::sequence(data)?], self.seed, self.readout)?[0])
        });
        Ok(self.one_column_estimate(data, mi?, seconds))
    }

    /// One-column pairs of equal length share forward passes (each value equals its
    /// [`estimate`](mutinf_core::Estimator::estimate)); multi-column pairs are sliced one by one.
    fn estimate_many(&self, data: &[mutinf_core::PairedSamples]) -> mutinf_core::Result<Vec<mutinf_core::MiEstimate>> {
        let mut out: Vec<Option<mutinf_core::MiEstimate>> = vec![None; data.len()];
        let mut by_length: Vec<(usize, Vec<usize>)> = Vec::new();
        for (i, d) in data.iter().enumerate() {
            if d.dx() != 1 || d.dy() != 1 {
                out[i] = Some(self.estimate(d)?);
            } else {
                match by_length.iter_mut().find(|(n, _)| *n == d.n()) {
                    Some((_, members)) => members.push(i),
                    None => by_length.push((d.n(), vec![i])),
                }
            }
        }
        for (_, members) in by_length {
            let (values, seconds) = mutinf_core::timed(|| -> Result<Vec<f64>, ModelError> {
                let sequences =
                    members.par_iter().map(|&i| Self::sequence(&data[i])).collect::<Result<Vec<_>, _>>()?;
                self.net.estimate_sequences_with(&sequences, self.seed, self.readout)
            });
            let per_pair = seconds / members.len() as f64;
            for (&i, mi) in members.iter().zip(values?) {
                out[i] = Some(self.one_column_estimate(&data[i], mi, per_pair));
            }
        }
        Ok(out.into_iter().map(|e| e.expect("every pair is estimated")).collect())
    }
}

/// Averages a sequence's fold bounds, or fits the table scale on its fold scores.
fn combine_folds(values: Vec<FoldValue>, folds: usize) -> f64 {
    let mut bound = 0.0;
    let mut scores = Vec::new();
    for value in values {
        match value {
            // Summed as v / F in fold order: the estimate does not depend on how the folds were
            // split over passes.
            FoldValue::Bound(v) => bound += v / folds as f64,
            FoldValue::Scores(s) => scores.push(s),
        }
    }
    if scores.is_empty() { bound } else { scale_fitted_bound(&scores, MAX_TABLE_SCALE).value }
}

/// Every sequence under every fold in one forward pass, fold-major: the bound, or with
/// `scores` the table's scores at the scored and permuted pairs. The network runs on the
/// device up to the blurred tables; the tables (G² values each) are read on the host.
fn fold_values(
    model: &InfoNet,
    seqs: &[CopulaSequence],
    folds: &[Fold],
    seeds: &[u64],
    scores: bool,
) -> Result<Vec<FoldValue>, ModelError> {
    let mut samples = Vec::with_capacity(seqs.len() * folds.len());
    for &fold in folds {
        samples.extend(fold_samples(seqs, model.config(), fold, seeds)?);
    }
    let b = samples.len();
    let n_context = samples.first().map_or(0, |s| s.context.len() / 2);
    let mut context = Vec::with_capacity(b * n_context * 2);
    for sample in &mut samples {
        context.append(&mut sample.context);
    }
    let device = model.device();
    let points = Tensor::<3>::from_data(TensorData::new(context, [b, n_context, 2]), &device);
    let tables = host(model.table(points))?;
    let cells = model.grid() * model.grid();
    Ok(samples
        .par_iter()
        .zip(tables.par_chunks(cells))
        .map(|(sample, table)| {
            let read = SequenceScores::read(table, model.grid(), &sample.scored, &sample.perms);
            if scores { FoldValue::Scores(read) } else { FoldValue::Bound(read.dv_bound()) }
        })
        .collect())
}

/// A tensor's values on the host.
fn host<const D: usize>(t: Tensor<D>) -> Result<Vec<f32>, ModelError> {
    t.try_into_data()
        .map_err(|e| ModelError::Backend(format!("{e}")))?
        .try_to_vec::<f32>()
        .map_err(|e| ModelError::Backend(format!("{e:?}")))
}
