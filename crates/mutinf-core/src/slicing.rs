//! Random one-dimensional projections for sliced mutual information.
//!
//! Sliced MI (Goldfeld & Greenewald, 2021) is the average, over directions θ and φ drawn
//! uniformly from the unit spheres of X and Y, of the MI between the projections θᵀX and φᵀY.
//! It is zero exactly when X and Y are independent, and every slice is a 1-D pair, so any
//! 1-D estimator (InfoNet, KSG) scales to high-dimensional blocks through it. Which estimator
//! reads each slice is up to the caller; this module draws the directions, projects, and
//! summarises the per-slice values.
//!
//! ```
//! use mutinf_core::{PairedSamples, slicing::{project_slices, SliceSummary}};
//! use ndarray::Array2;
//! # fn main() -> mutinf_core::Result<()> {
//! let x = Array2::from_shape_fn((50, 3), |(i, j)| ((i * 7 + j * 13) % 17) as f64);
//! let y = Array2::from_shape_fn((50, 2), |(i, j)| ((i * 5 + j * 11) % 19) as f64);
//! let data = PairedSamples::new(x, y)?;
//! let slices = project_slices(&data, 8, 42)?;
//! assert_eq!(slices.len(), 8);
//! assert_eq!(slices[0].0.len(), 50);
//! let s = SliceSummary::from_values(&[0.1, 0.3]);
//! assert!((s.mean - 0.2).abs() < 1e-12 && (s.std_error - 0.1).abs() < 1e-12);
//! # Ok(())
//! # }
//! ```

use ndarray::ArrayView2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use crate::{MutinfError, PairedSamples, Result};

/// The number of slices used when the caller does not say (`--sliced` default).
pub const DEFAULT_SLICES: usize = 1024;

/// A direction drawn uniformly on the unit sphere of dimension `dim` (a normalised standard
/// normal vector; Box-Muller so the result depends only on the RNG stream).
pub fn random_unit_direction(dim: usize, rng: &mut impl Rng) -> Vec<f64> {
    loop {
        let mut v: Vec<f64> = (0..dim)
            .map(|_| {
                let u1: f64 = 1.0 - rng.random::<f64>(); // (0, 1]: ln is finite
                let u2: f64 = rng.random();
                (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
            })
            .collect();
        let norm = v.iter().map(|a| a * a).sum::<f64>().sqrt();
        // A zero vector has probability zero but would divide by zero; draw again.
        if norm > 1e-12 {
            v.iter_mut().for_each(|a| *a /= norm);
            return v;
        }
    }
}

/// `block · direction` for every row of an N x d block.
pub fn project(block: ArrayView2<'_, f64>, direction: &[f64]) -> Vec<f64> {
    block.rows().into_iter().map(|row| row.iter().zip(direction).map(|(a, b)| a * b).sum()).collect()
}

/// Draws `slices` direction pairs (seeded) and returns the projected (x, y) columns of each.
///
/// A one-dimensional block is used as is (its only unit directions are ±1, and MI does not
/// see the sign). Errors when `slices` is 0 or a projection comes out constant (the block's
/// rows are all equal along that direction), naming the slice.
pub fn project_slices(data: &PairedSamples, slices: usize, seed: u64) -> Result<Vec<(Vec<f64>, Vec<f64>)>> {
    if slices == 0 {
        return Err(MutinfError::invalid("slices", 0, "use at least one slice (the default is 1024)"));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    (0..slices)
        .map(|s| {
            let theta = random_unit_direction(data.dx(), &mut rng);
            let phi = random_unit_direction(data.dy(), &mut rng);
            let px = if data.dx() == 1 { data.x().column(0).to_vec() } else { project(data.x(), &theta) };
            let py = if data.dy() == 1 { data.y().column(0).to_vec() } else { project(data.y(), &phi) };
            for (name, col) in [("X", &px), ("Y", &py)] {
                let first = col[0];
                if col.iter().all(|&v| v == first) {
                    return Err(MutinfError::EstimationFailed {
                        method: "sliced".into(),
                        reason: format!(
                            "slice {s}: the projection of {name} is constant; the {name} columns are \
                             (nearly) degenerate — drop redundant columns or use a non-sliced method"
                        ),
                    });
                }
            }
            Ok((px, py))
        })
        .collect()
}

/// Mean of the per-slice values and its standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SliceSummary {
    /// Sliced MI estimate: the mean over slices (nats).
    pub mean: f64,
    /// Standard error of that mean over the random directions (0 for a single slice).
    pub std_error: f64,
    /// Slices averaged.
    pub slices: usize,
}

impl SliceSummary {
    /// Summarises per-slice MI values (sample standard deviation / √P).
    pub fn from_values(values: &[f64]) -> Self {
        let p = values.len();
        let mean = values.iter().sum::<f64>() / p.max(1) as f64;
        let std_error = if p > 1 {
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (p - 1) as f64;
            (var / p as f64).sqrt()
        } else {
            0.0
        };
        Self { mean, std_error, slices: p }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array2;

    #[test]
    fn directions_are_unit_and_isotropic() {
        let mut rng = StdRng::seed_from_u64(1);
        let dirs: Vec<Vec<f64>> = (0..4000).map(|_| random_unit_direction(3, &mut rng)).collect();
        for d in &dirs {
            assert!((d.iter().map(|a| a * a).sum::<f64>() - 1.0).abs() < 1e-12);
        }
        // Uniform on the sphere: each coordinate has mean 0 and E[θ_i²] = 1/3.
        for i in 0..3 {
            let mean = dirs.iter().map(|d| d[i]).sum::<f64>() / 4000.0;
            let sq = dirs.iter().map(|d| d[i] * d[i]).sum::<f64>() / 4000.0;
            assert!(mean.abs() < 0.05, "coordinate {i} mean {mean}");
            assert!((sq - 1.0 / 3.0).abs() < 0.03, "coordinate {i} second moment {sq}");
        }
    }

    #[test]
    fn projection_is_the_dot_product() {
        let block = Array2::from_shape_vec((2, 3), vec![1.0, 2.0, 3.0, -1.0, 0.0, 4.0]).unwrap();
        assert_eq!(project(block.view(), &[1.0, 0.5, -1.0]), vec![-1.0, -5.0]);
    }

    #[test]
    fn slices_are_seeded_and_one_dimensional_blocks_pass_through() {
        let x = Array2::from_shape_fn((20, 4), |(i, j)| ((i * 31 + j * 7) % 23) as f64);
        let y = Array2::from_shape_fn((20, 1), |(i, _)| (i * i % 13) as f64);
        let data = PairedSamples::new(x, y.clone()).unwrap();
        let a = project_slices(&data, 5, 9).unwrap();
        assert_eq!(a, project_slices(&data, 5, 9).unwrap());
        assert_ne!(a, project_slices(&data, 5, 10).unwrap());
        for (_, py) in &a {
            assert_eq!(py, &y.column(0).to_vec());
        }
    }

    #[test]
    fn zero_slices_is_an_error_and_degenerate_directions_project_to_a_constant() {
        // X = (t, -t): every row projects to 0 along (1, 1)/√2, the case the constant guard
        // in `project_slices` exists for (a random direction hits it with probability zero).
        let x = Array2::from_shape_fn((10, 2), |(i, j)| if j == 0 { i as f64 } else { -(i as f64) });
        let y = Array2::from_shape_fn((10, 1), |(i, _)| (i % 3) as f64);
        let data = PairedSamples::new(x, y).unwrap();
        assert!(project_slices(&data, 0, 1).unwrap_err().to_string().contains("slices"));
        let p = project(data.x(), &[std::f64::consts::FRAC_1_SQRT_2, std::f64::consts::FRAC_1_SQRT_2]);
        assert!(p.iter().all(|v| v.abs() < 1e-12));
    }

    #[test]
    fn summary_matches_hand_computation() {
        let s = SliceSummary::from_values(&[1.0, 2.0, 4.0]);
        let mean: f64 = 7.0 / 3.0;
        let var = ((1.0 - mean).powi(2) + (2.0 - mean).powi(2) + (4.0 - mean).powi(2)) / 2.0;
        assert!((s.mean - mean).abs() < 1e-12);
        assert!((s.std_error - (var / 3.0).sqrt()).abs() < 1e-12);
        assert_eq!(SliceSummary::from_values(&[0.5]).std_error, 0.0);
    }
}
