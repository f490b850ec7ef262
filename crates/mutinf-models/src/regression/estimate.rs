//! Reading MI and its 90 % interval off a [`MiRegressor`]: features on the host, one forward
//! pass per memory-bounded chunk, no table, no permutations, no randomness.

use std::collections::BTreeMap;

use burn::tensor::Tensor;
use mutinf_core::{ConfidenceInterval, MiEstimate, PairedSamples};
use rayon::prelude::*;

use super::features::{MIN_REGRESSION_SAMPLES, TOKEN_FEATURES, TokenFeatures};
use super::network::{MiRegressor, QUANTILES, RegressorBatch};
use crate::ModelError;

/// The most f32 elements one token-side tensor of a pass may hold (2^23 = 32 MiB): batches are
/// split, and a very long sequence is read in token chunks, to stay under it.
const MAX_PASS_ELEMENTS: usize = 1 << 23;

/// The largest sample the network was trained on. Longer samples are read as the mean over
/// disjoint subsamples of at most this size (rows taken in turn after sorting by X, so each
/// subsample spans X's whole range and the result does not depend on the row order): the network
/// never extrapolates in N, and memory stays bounded at any N.
pub const MAX_TRAINED_SAMPLES: usize = 5000;

/// The interval's coverage: from the 5 % to the 95 % quantile.
pub const INTERVAL_LEVEL: f64 = 0.9;

/// z of the normal 95 % quantile: the interval's half width over this is the reported standard
/// error.
const Z_95: f64 = 1.644_853_626_951_472_2;

/// The three quantiles of I(X;Y) the network reads from one sample, in nats, clamped at 0.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MiQuantiles {
    /// 5 % quantile: the lower end of the 90 % interval.
    pub low: f64,
    /// The median: the point estimate.
    pub median: f64,
    /// 95 % quantile: the upper end of the 90 % interval.
    pub high: f64,
}

impl MiQuantiles {
    fn from_row(row: &[f32]) -> Self {
        let clamp = |v: f32| f64::from(v).max(0.0);
        Self { low: clamp(row[0]), median: clamp(row[1]), high: clamp(row[2]) }
    }

    fn mean(parts: &[MiQuantiles]) -> Self {
        let m = parts.len().max(1) as f64;
        let sum = |f: fn(&MiQuantiles) -> f64| parts.iter().map(f).sum::<f64>() / m;
        Self { low: sum(|q| q.low), median: sum(|q| q.median), high: sum(|q| q.high) }
    }
}

/// The regression readout of InfoNet behind the shared [`Estimator`](mutinf_core::Estimator)
/// trait: one X column and one Y column in, the median of the network's predicted distribution
/// of I(X;Y) as the estimate, its 5 %–95 % quantiles as a 90 % interval.
///
/// ```
/// use mutinf_core::{Estimator, PairedSamples};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let device = burn::tensor::Device::flex();
/// let estimator = mutinf_models::regression::RegressionEstimator::pretrained("infonet-gt", &device)?;
/// let x: Vec<f64> = (0..500).map(|i| (i as f64 * 0.1).sin()).collect();
/// let y: Vec<f64> = x.iter().map(|v| v + 0.1 * v.cos()).collect();
/// let e = estimator.estimate(&PairedSamples::from_columns(&x, &y)?)?;
/// println!("{} nats, 90 % interval {:?}", e.mi, e.ci);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct RegressionEstimator {
    net: MiRegressor,
    metadata: BTreeMap<String, String>,
    /// Random projection pairs read when X or Y has several columns (sliced MI).
    slices: usize,
    /// Seed of those projections.
    seed: u64,
}

impl RegressionEstimator {
    /// Wraps a (trained) network.
    pub fn new(net: MiRegressor) -> Self {
        Self::with_metadata(net, BTreeMap::new())
    }

    /// The built-in regression network `name` (see [`crate::pretrained`]; `"infonet-gt"` is the
    /// shipped one), no file needed.
    ///
    /// ```
    /// use mutinf_core::{Estimator, PairedSamples};
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let device = burn::tensor::Device::flex();
    /// let est = mutinf_models::regression::RegressionEstimator::pretrained("infonet-gt", &device)?;
    /// let x: Vec<f64> = (0..500).map(|i| (i as f64 * 0.37).sin()).collect();
    /// let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + (i as f64 * 1.3).cos()).collect();
    /// let e = est.estimate(&PairedSamples::from_columns(&x, &y)?)?;
    /// let ci = e.ci.unwrap();
    /// assert!(ci.lower <= e.mi && e.mi <= ci.upper);
    /// # Ok(())
    /// # }
    /// ```
    pub fn pretrained(name: &str, device: &burn::tensor::Device) -> Result<Self, ModelError> {
        let (net, meta) = crate::pretrained::regressor(name, device)?;
        Ok(Self::with_metadata(net, meta))
    }

    /// Wraps a network with its checkpoint metadata (kept for reports).
    pub fn with_metadata(net: MiRegressor, metadata: BTreeMap<String, String>) -> Self {
        Self { net, metadata, slices: mutinf_core::slicing::DEFAULT_SLICES, seed: 0 }
    }

    /// Reads multi-column X or Y as sliced MI: the mean over `slices` random projection pairs
    /// drawn from `seed` (default [`DEFAULT_SLICES`](mutinf_core::slicing::DEFAULT_SLICES),
    /// seed 0). One X and one Y column are read directly, whatever these are. Zero slices is
    /// an error.
    ///
    /// ```
    /// use mutinf_core::{Estimator, PairedSamples};
    /// use ndarray::Array2;
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let device = burn::tensor::Device::flex();
    /// let est = mutinf_models::regression::RegressionEstimator::pretrained("infonet-gt", &device)?.with_slices(8, 1)?;
    /// let x = Array2::from_shape_fn((300, 2), |(i, j)| ((i * (7 + j)) % 17) as f64 + i as f64 * 0.01);
    /// let y = Array2::from_shape_fn((300, 1), |(i, _)| (i as f64 * 0.3).sin());
    /// let e = est.estimate(&PairedSamples::new(x, y)?)?;
    /// assert_eq!(e.params["sliced"], 8);
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_slices(mut self, slices: usize, seed: u64) -> mutinf_core::Result<Self> {
        if slices == 0 {
            return Err(mutinf_core::MutinfError::invalid(
                "slices",
                "0",
                format!("use at least one random projection (default {})", mutinf_core::slicing::DEFAULT_SLICES),
            ));
        }
        self.slices = slices;
        self.seed = seed;
        Ok(self)
    }

    /// The wrapped network.
    pub fn net(&self) -> &MiRegressor {
        &self.net
    }

    /// The checkpoint metadata, if it was loaded from one.
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }

    /// The quantiles for each (x, y) pair; pairs may have different lengths (each ≥ 32).
    pub fn quantiles_batch(&self, pairs: &[(&[f64], &[f64])]) -> Result<Vec<MiQuantiles>, ModelError> {
        if pairs.is_empty() {
            return Err(ModelError::EmptyBatch);
        }
        // Every pair becomes one or more subsamples of at most MAX_TRAINED_SAMPLES points.
        let subsamples: Vec<Vec<(Vec<f64>, Vec<f64>)>> = pairs.par_iter().map(|(x, y)| split_long(x, y)).collect::<Result<_, _>>()?;
        let flat: Vec<&(Vec<f64>, Vec<f64>)> = subsamples.iter().flatten().collect();
        let features: Vec<TokenFeatures> =
            flat.par_iter().map(|(x, y)| TokenFeatures::from_samples(x, y)).collect::<Result<_, _>>()?;
        let values = self.quantiles_of_features(&features)?;
        let mut out = Vec::with_capacity(pairs.len());
        let mut at = 0;
        for parts in &subsamples {
            out.push(MiQuantiles::mean(&values[at..at + parts.len()]));
            at += parts.len();
        }
        Ok(out)
    }

    /// The quantiles for sequences whose token features are already computed (any lengths).
    pub fn quantiles_of_features(&self, features: &[TokenFeatures]) -> Result<Vec<MiQuantiles>, ModelError> {
        let mut out = vec![MiQuantiles { low: 0.0, median: 0.0, high: 0.0 }; features.len()];
        // Passes hold sequences of one length: group them.
        let mut by_length: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, f) in features.iter().enumerate() {
            by_length.entry(f.n).or_default().push(i);
        }
        let width = self.net.config().d_token.max(TOKEN_FEATURES);
        for (n, members) in by_length {
            let per_pass = (MAX_PASS_ELEMENTS / (n * width).max(1)).max(1);
            for chunk in members.chunks(per_pass) {
                let batch = RegressorBatch::stack(&chunk.iter().map(|&i| features[i].clone()).collect::<Vec<_>>())?;
                let rows = host(self.net.forward_batch(&batch))?;
                for (k, &i) in chunk.iter().enumerate() {
                    out[i] = MiQuantiles::from_row(&rows[k * QUANTILES.len()..(k + 1) * QUANTILES.len()]);
                }
            }
        }
        Ok(out)
    }

    fn estimate_pairs(&self, data: &[&PairedSamples]) -> mutinf_core::Result<Vec<MiEstimate>> {
        for d in data {
            if d.dx() != 1 || d.dy() != 1 {
                return Err(mutinf_core::MutinfError::invalid(
                    "data",
                    format!("{} X and {} Y columns", d.dx(), d.dy()),
                    "InfoNet's regression readout reads one X column and one Y column; for multi-column X or Y \
                     use --method ksg (I(X;Y) of the blocks)",
                ));
            }
        }
        // `seconds` covers all of a call's work (copies, notes), as a caller timing it would see.
        let start = std::time::Instant::now();
        let columns: Vec<(Vec<f64>, Vec<f64>)> = data.iter().map(|d| (d.x().column(0).to_vec(), d.y().column(0).to_vec())).collect();
        let pairs: Vec<(&[f64], &[f64])> = columns.iter().map(|(x, y)| (x.as_slice(), y.as_slice())).collect();
        let values = self.quantiles_batch(&pairs)?;
        let notes: Vec<Vec<String>> = data.par_iter().map(|d| crate::notes::tie_notes(d)).collect();
        let per_pair = start.elapsed().as_secs_f64() / data.len().max(1) as f64;
        Ok(data
            .iter()
            .zip(values)
            .zip(notes)
            .map(|((d, q), notes)| {
                let mut e = MiEstimate::new("infonet", q.median, d.n())
                    .with_std_error((q.high - q.low) / (2.0 * Z_95))
                    .with_ci(ConfidenceInterval { lower: q.low, upper: q.high, level: INTERVAL_LEVEL })
                    .with_seconds(per_pair)
                    .with_param("readout", "regression");
                if d.n() > MAX_TRAINED_SAMPLES {
                    e = e.with_param("subsamples", d.n().div_ceil(MAX_TRAINED_SAMPLES));
                }
                e.notes = notes;
                e
            })
            .collect())
    }
}

impl mutinf_core::Estimator for RegressionEstimator {
    fn method(&self) -> &str {
        "infonet"
    }

    /// One X and one Y column: one pass. Wider blocks: sliced MI over the configured random
    /// projection pairs (see [`RegressionEstimator::with_slices`]).
    fn estimate(&self, data: &PairedSamples) -> mutinf_core::Result<MiEstimate> {
        if data.dx() != 1 || data.dy() != 1 {
            let e = mutinf_estimators::sliced::Sliced::new(self, self.slices, self.seed)?.estimate(data)?;
            return Ok(e
                .with_param("sliced", self.slices)
                .with_param("readout", "regression")
                .with_note(crate::notes::sliced_note(data, self.slices)));
        }
        Ok(self.estimate_pairs(&[data])?.remove(0))
    }

    /// One batched pass per memory-bounded chunk (features computed in parallel); each value
    /// equals what [`estimate`](mutinf_core::Estimator::estimate) gives for that pair (the
    /// network is deterministic), with `seconds` the batch's time per pair.
    fn estimate_many(&self, data: &[PairedSamples]) -> mutinf_core::Result<Vec<MiEstimate>> {
        if data.is_empty() {
            return Ok(Vec::new());
        }
        if data.iter().any(|d| d.dx() != 1 || d.dy() != 1) {
            return data.iter().map(|d| self.estimate(d)).collect();
        }
        self.estimate_pairs(&data.iter().collect::<Vec<_>>())
    }
}

/// One subsample's x and y.
type Subsample = (Vec<f64>, Vec<f64>);

/// The subsamples a pair is read as: itself when it has at most [`MAX_TRAINED_SAMPLES`] points,
/// otherwise m = ⌈N / MAX⌉ parts, part j the rows at positions j, j + m, … of the order by
/// (x, y) — a deterministic, row-order-free split in which each part spans X's range.
fn split_long(x: &[f64], y: &[f64]) -> Result<Vec<Subsample>, ModelError> {
    // Validates lengths and values once, before any work.
    if x.len() != y.len() {
        return Err(ModelError::LengthMismatch { x: x.len(), y: y.len() });
    }
    if x.len() < MIN_REGRESSION_SAMPLES {
        return Err(ModelError::TooFewSamples { n: x.len(), min: MIN_REGRESSION_SAMPLES });
    }
    if let Some(&bad) = x.iter().chain(y).find(|v| !v.is_finite()) {
        return Err(ModelError::NonFinite(bad));
    }
    let n = x.len();
    if n <= MAX_TRAINED_SAMPLES {
        return Ok(vec![(x.to_vec(), y.to_vec())]);
    }
    let parts = n.div_ceil(MAX_TRAINED_SAMPLES);
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| x[a].total_cmp(&x[b]).then(y[a].total_cmp(&y[b])));
    Ok((0..parts)
        .map(|j| order.iter().skip(j).step_by(parts).map(|&i| (x[i], y[i])).unzip())
        .collect())
}

/// A tensor's values on the host.
fn host(t: Tensor<2>) -> Result<Vec<f32>, ModelError> {
    t.try_into_data()
        .map_err(|e| ModelError::Backend(format!("{e}")))?
        .try_to_vec::<f32>()
        .map_err(|e| ModelError::Backend(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_samples_split_into_interleaved_parts_independent_of_row_order() {
        let n = 12_001;
        let x: Vec<f64> = (0..n).map(|i| ((i * 7919) % n) as f64).collect();
        let y: Vec<f64> = x.iter().map(|v| v * 0.5).collect();
        let parts = split_long(&x, &y).unwrap();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts.iter().map(|p| p.0.len()).sum::<usize>(), n);
        assert!(parts.iter().all(|p| p.0.len() <= MAX_TRAINED_SAMPLES));
        let mut rx = x.clone();
        let mut ry = y.clone();
        rx.reverse();
        ry.reverse();
        assert_eq!(split_long(&rx, &ry).unwrap(), parts);
    }
}
