//! Exact log-densities: log-sum-exp over components with precomputed Cholesky factors and
//! log-normalisers.

use ndarray::{Array1, ArrayView2};

use crate::mixture::GaussianMixture;

impl GaussianMixture {
    /// `ln p(point)`, exact.
    ///
    /// # Panics
    /// If `point.len() != dim()`.
    ///
    /// ```
    /// let g = mutinf_gmm::GaussianMixture::bivariate_gaussian(0.0).unwrap();
    /// let expected = -(2.0 * std::f64::consts::PI).ln() - 0.5 * (1.0 + 4.0);
    /// assert!((g.log_density(&[1.0, 2.0]) - expected).abs() < 1e-12);
    /// ```
    pub fn log_density(&self, point: &[f64]) -> f64 {
        // Small mixtures evaluate on the stack: this is called per point in hot loops.
        const STACK: usize = 32;
        if self.n_components() <= STACK && self.dim() <= STACK {
            let (mut diff, mut terms) = ([0.0; STACK], [0.0; STACK]);
            let mut scratch = DensityScratch {
                diff: &mut diff[..self.dim()],
                terms: &mut terms[..self.n_components()],
            };
            self.log_density_with(point, &mut scratch)
        } else {
            let mut bufs = ScratchBufs::new(self);
            self.log_density_with(point, &mut bufs.scratch())
        }
    }

    /// `ln p` of every row of an `n x d` array.
    ///
    /// # Panics
    /// If `points.ncols() != dim()`.
    pub fn log_densities(&self, points: ArrayView2<'_, f64>) -> Array1<f64> {
        let mut bufs = ScratchBufs::new(self);
        let mut scratch = bufs.scratch();
        let mut row = vec![0.0; self.dim()];
        points
            .rows()
            .into_iter()
            .map(|r| {
                row.iter_mut().zip(r.iter()).for_each(|(a, b)| *a = *b);
                self.log_density_with(&row, &mut scratch)
            })
            .collect()
    }

    /// Allocation-free core of [`log_density`](Self::log_density) for hot loops.
    #[inline]
    pub(crate) fn log_density_with(&self, point: &[f64], s: &mut DensityScratch) -> f64 {
        let d = self.dim();
        assert_eq!(
            point.len(),
            d,
            "log_density: point has {} coordinates, the mixture has {d}",
            point.len()
        );
        let terms = &mut s.terms[..self.n_components()];
        let (m, w, norm) = (&self.means_flat, &self.inv_chol, &self.log_norm);
        // Unrolled kernels for the 1-D marginals and 2-D joints of the paper's protocols.
        match d {
            1 => {
                for (k, t) in terms.iter_mut().enumerate() {
                    let z = w[k] * (point[0] - m[k]);
                    *t = norm[k] - 0.5 * z * z;
                }
            }
            2 => {
                for (k, t) in terms.iter_mut().enumerate() {
                    let (d0, d1) = (point[0] - m[2 * k], point[1] - m[2 * k + 1]);
                    let w = &w[4 * k..4 * k + 4];
                    let (z0, z1) = (w[0] * d0, w[2] * d0 + w[3] * d1);
                    *t = norm[k] - 0.5 * (z0 * z0 + z1 * z1);
                }
            }
            _ => {
                for (k, t) in terms.iter_mut().enumerate() {
                    let mk = &m[k * d..(k + 1) * d];
                    s.diff
                        .iter_mut()
                        .zip(point.iter().zip(mk))
                        .for_each(|(o, (x, mu))| *o = x - mu);
                    let wk = &w[k * d * d..(k + 1) * d * d];
                    let q: f64 = (0..d)
                        .map(|i| {
                            let z: f64 = wk[i * d..i * d + i + 1]
                                .iter()
                                .zip(s.diff.iter())
                                .map(|(a, b)| a * b)
                                .sum();
                            z * z
                        })
                        .sum();
                    *t = norm[k] - 0.5 * q;
                }
            }
        }
        log_sum_exp(terms)
    }
}

/// Buffers for [`GaussianMixture::log_density_with`], borrowed so they may live on the stack.
pub(crate) struct DensityScratch<'a> {
    diff: &'a mut [f64],
    terms: &'a mut [f64],
}

/// Heap-owned buffers behind a [`DensityScratch`].
pub(crate) struct ScratchBufs {
    diff: Vec<f64>,
    terms: Vec<f64>,
}

impl ScratchBufs {
    pub(crate) fn new(g: &GaussianMixture) -> Self {
        Self {
            diff: vec![0.0; g.dim()],
            terms: vec![0.0; g.n_components()],
        }
    }

    pub(crate) fn scratch(&mut self) -> DensityScratch<'_> {
        DensityScratch {
            diff: &mut self.diff,
            terms: &mut self.terms,
        }
    }
}

/// Terms this far below the maximum are skipped: `exp(-50) ≈ 2e-22` cannot move a sum that
/// contains 1 (the maximum's term) even once rounded to f64, and skipping them avoids libm's slow
/// path for subnormal results, which dominated the cost for well-separated components.
const NEGLIGIBLE: f64 = -50.0;

/// `ln Σ exp(t)`, shifted by the maximum so no term overflows and at least one is exp(0).
pub(crate) fn log_sum_exp(t: &[f64]) -> f64 {
    let max = t.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    if !max.is_finite() {
        return max;
    }
    let sum: f64 = t
        .iter()
        .map(|v| v - max)
        .filter(|&s| s > NEGLIGIBLE)
        .map(f64::exp)
        .sum();
    max + sum.ln()
}
