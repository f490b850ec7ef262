//! Sliced MI with InfoNet: multi-dimensional X and Y through many random 1-D projections,
//! estimated in batches (one forward pass per [`SLICE_BATCH`] slices).

use mutinf_core::PairedSamples;
use mutinf_core::slicing::{SliceSummary, project_slices};

use crate::{CopulaSequence, InfoNet, ModelError, Readout};

/// Slices per forward pass: large enough to amortise the pass, small enough that a batch at
/// N = 5000 stays within a few hundred MB on the CPU.
pub const SLICE_BATCH: usize = 64;

impl InfoNet {
    /// Sliced MI (Goldfeld & Greenewald, 2021) of the X and Y blocks of `data`: the mean over
    /// `slices` random direction pairs (θ, φ) of the InfoNet estimate of I(θᵀX; φᵀY), with the
    /// standard error over directions. `seed` fixes the directions and the readout.
    ///
    /// Sliced MI is not I(X; Y): it is smaller (each slice sees one projection), zero exactly
    /// under independence, and comparable between pairs of blocks of the same dimensions.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let device = burn::tensor::Device::flex();
    /// let (net, _) = mutinf_models::load_checkpoint("checkpoints/infonet-small.safetensors".as_ref(), &device)?;
    /// let x = ndarray::Array2::from_shape_fn((500, 10), |(i, j)| ((i * 31 + j * 17) % 97) as f64);
    /// let y = x.mapv(|v| v.sqrt());
    /// let data = mutinf_core::PairedSamples::new(x, y)?;
    /// let s = net.estimate_sliced(&data, 256, 0)?;
    /// println!("sliced MI {:.3} ± {:.3} nats over {} slices", s.mean, s.std_error, s.slices);
    /// # Ok(())
    /// # }
    /// ```
    pub fn estimate_sliced(&self, data: &PairedSamples, slices: usize, seed: u64) -> Result<SliceSummary, ModelError> {
        self.estimate_sliced_with(data, slices, seed, self.readout())
    }

    /// [`estimate_sliced`](Self::estimate_sliced) with an explicit [`Readout`].
    ///
    /// Every slice gets its own readout seed (`mutinf_core::seed::mix(seed, slice)`), so its
    /// halves and permutations are independent of the other slices' — the standard error over
    /// slices then measures the spread of independent estimates, not of estimates that share
    /// their readout noise.
    pub fn estimate_sliced_with(
        &self,
        data: &PairedSamples,
        slices: usize,
        seed: u64,
        readout: Readout,
    ) -> Result<SliceSummary, ModelError> {
        let projections = project_slices(data, slices, seed)?;
        let mut values = Vec::with_capacity(slices);
        for (chunk_index, chunk) in projections.chunks(SLICE_BATCH).enumerate() {
            let sequences =
                chunk.iter().map(|(x, y)| CopulaSequence::from_samples(x, y)).collect::<Result<Vec<_>, _>>()?;
            let first = chunk_index * SLICE_BATCH;
            let seeds: Vec<u64> =
                (0..sequences.len()).map(|k| mutinf_core::seed::mix(seed, (first + k) as u64)).collect();
            values.extend(self.estimate_sequences_seeded(&sequences, &seeds, readout)?);
        }
        Ok(SliceSummary::from_values(&values))
    }
}
