//! k-means baseline for the glyph benchmark, via linfa-clustering.
//!
//! Raw-pixel k-means is the reference point IIC has to beat: it sees the
//! glyphs' rotations, shifts and scales as real differences between images.

use linfa::DatasetBase;
use linfa::prelude::{Fit, Predict};
use linfa_clustering::{KMeans, KMeansInit};
use ndarray::Array2;
use rand_xoshiro::Xoshiro256Plus;
use rand_xoshiro::rand_core::SeedableRng;

/// Cluster `data` (row-major, `dims` values per sample) into `k` groups with
/// k-means++ initialisation, the best of 10 runs, at most 300 iterations each.
///
/// linfa 0.8 is built on rand 0.8, so the seed drives its own default rng type
/// (`Xoshiro256Plus` from rand_xoshiro 0.6) rather than rand 0.9's `StdRng`.
/// Computation is in f64 to keep distance sums stable on image data.
///
/// # Panics
/// This is benchmark support code, not library API: it panics if `dims` is 0,
/// `data.len()` is not a multiple of `dims`, or linfa rejects the problem
/// (for example `k` of 0 or more clusters than samples).
pub fn kmeans_labels(data: &[f32], dims: usize, k: usize, seed: u64) -> Vec<usize> {
    assert!(
        dims > 0 && data.len().is_multiple_of(dims),
        "kmeans_labels: {} values do not split into rows of {dims}",
        data.len()
    );
    let n = data.len() / dims;
    let records = Array2::from_shape_vec((n, dims), data.iter().map(|&v| f64::from(v)).collect())
        .expect("shape checked above");
    let dataset = DatasetBase::from(records);
    let model = KMeans::params_with_rng(k, Xoshiro256Plus::seed_from_u64(seed))
        .init_method(KMeansInit::KMeansPlusPlus)
        .n_runs(10)
        .max_n_iterations(300)
        .fit(&dataset)
        .unwrap_or_else(|e| panic!("kmeans_labels: linfa k-means failed: {e}"));
    model.predict(dataset.records()).to_vec()
}
