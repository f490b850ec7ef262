//! Seeded sampling: an alias table picks the component in O(1), a ziggurat normal sampler and the
//! precomputed Cholesky factor do the rest, so a 2-D draw costs three random numbers and a few
//! multiply-adds.

use ndarray::Array2;
use rand::Rng;
use rand_distr::StandardNormal;

use crate::mixture::GaussianMixture;

/// Walker/Vose alias table over the component weights.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AliasTable {
    prob: Vec<f64>,
    alias: Vec<usize>,
}

impl AliasTable {
    /// Builds the table; `weights` are positive and sum to 1 (validated by the caller).
    pub(crate) fn new(weights: &[f64]) -> Self {
        let k = weights.len();
        let mut prob: Vec<f64> = weights.iter().map(|w| w * k as f64).collect();
        let mut alias: Vec<usize> = (0..k).collect();
        let (mut small, mut large): (Vec<usize>, Vec<usize>) = (0..k).partition(|&i| prob[i] < 1.0);
        while let (Some(s), Some(&l)) = (small.pop(), large.last()) {
            alias[s] = l;
            prob[l] -= 1.0 - prob[s];
            if prob[l] < 1.0 {
                large.pop();
                small.push(l);
            }
        }
        // Whatever is left is 1 up to rounding.
        for i in small.into_iter().chain(large) {
            prob[i] = 1.0;
        }
        Self { prob, alias }
    }

    /// Maps one uniform `u` in [0, 1) to a component index.
    #[inline]
    pub(crate) fn pick(&self, u: f64) -> usize {
        let x = u * self.prob.len() as f64;
        let i = (x as usize).min(self.prob.len() - 1);
        if x - (i as f64) < self.prob[i] {
            i
        } else {
            self.alias[i]
        }
    }
}

impl GaussianMixture {
    /// Draws `n` independent points; returns an `n x d` array.
    ///
    /// Deterministic for a seeded `rng` (within rand 0.9 / rand_distr 0.5).
    ///
    /// ```
    /// use rand::SeedableRng;
    /// let g = mutinf_gmm::GaussianMixture::bivariate_gaussian(0.5).unwrap();
    /// let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    /// let x = g.sample(1000, &mut rng);
    /// assert_eq!(x.dim(), (1000, 2));
    /// ```
    pub fn sample<R: Rng + ?Sized>(&self, n: usize, rng: &mut R) -> Array2<f64> {
        let mut buf = vec![0.0; n * self.dim()];
        self.sample_into(&mut buf, rng);
        Array2::from_shape_vec((n, self.dim()), buf).expect("buffer holds n x d values")
    }

    /// Like [`sample`](Self::sample), also returning each point's component index.
    ///
    /// ```
    /// use rand::SeedableRng;
    /// let g = mutinf_gmm::GaussianMixture::bivariate_gaussian(0.0).unwrap();
    /// let (x, labels) = g.sample_with_labels(10, &mut rand::rngs::StdRng::seed_from_u64(1));
    /// assert_eq!((x.nrows(), labels.len()), (10, 10));
    /// assert!(labels.iter().all(|&k| k == 0));
    /// ```
    pub fn sample_with_labels<R: Rng + ?Sized>(
        &self,
        n: usize,
        rng: &mut R,
    ) -> (Array2<f64>, Vec<usize>) {
        let d = self.dim();
        let mut buf = vec![0.0; n * d];
        let mut z = vec![0.0; d];
        let labels = buf
            .chunks_exact_mut(d)
            .map(|row| self.sample_point(rng, &mut z, row))
            .collect();
        (
            Array2::from_shape_vec((n, d), buf).expect("buffer holds n x d values"),
            labels,
        )
    }

    /// Fills `out` (row-major, length a multiple of `d`) with independent points, without allocating
    /// the output. Useful for training loops that reuse one buffer.
    ///
    /// # Panics
    /// If `out.len()` is not a multiple of `dim()`.
    ///
    /// ```
    /// use rand::SeedableRng;
    /// let g = mutinf_gmm::GaussianMixture::bivariate_gaussian(0.5).unwrap();
    /// let mut buf = vec![0.0; 2 * 500];
    /// g.sample_into(&mut buf, &mut rand::rngs::StdRng::seed_from_u64(3));
    /// assert!(buf.iter().all(|v| v.is_finite()));
    /// ```
    pub fn sample_into<R: Rng + ?Sized>(&self, out: &mut [f64], rng: &mut R) {
        let d = self.dim();
        assert!(
            out.len().is_multiple_of(d),
            "sample_into: buffer length {} is not a multiple of the dimension {d}",
            out.len()
        );
        if d == 2 {
            // Unrolled path for the paper's 2-D case (the throughput target).
            for row in out.chunks_exact_mut(2) {
                let k = self.pick_component(rng);
                let z0: f64 = rng.sample(StandardNormal);
                let z1: f64 = rng.sample(StandardNormal);
                let l = &self.chol[4 * k..4 * k + 4];
                row[0] = self.means_flat[2 * k] + l[0] * z0;
                row[1] = self.means_flat[2 * k + 1] + l[2] * z0 + l[3] * z1;
            }
        } else {
            let mut z = vec![0.0; d];
            for row in out.chunks_exact_mut(d) {
                self.sample_point(rng, &mut z, row);
            }
        }
    }

    #[inline]
    fn pick_component<R: Rng + ?Sized>(&self, rng: &mut R) -> usize {
        // A single Gaussian needs no component draw; skipping it saves a third of the RNG work in 2-D.
        if self.n_components() == 1 {
            0
        } else {
            self.alias.pick(rng.random::<f64>())
        }
    }

    /// Draws one point into `out` (length `d`) using scratch `z` (length `d`); returns its component.
    #[inline]
    pub(crate) fn sample_point<R: Rng + ?Sized>(
        &self,
        rng: &mut R,
        z: &mut [f64],
        out: &mut [f64],
    ) -> usize {
        let d = self.dim();
        let k = self.pick_component(rng);
        for zi in z.iter_mut() {
            *zi = rng.sample(StandardNormal);
        }
        let l = &self.chol[k * d * d..(k + 1) * d * d];
        let m = &self.means_flat[k * d..(k + 1) * d];
        for i in 0..d {
            let row = &l[i * d..i * d + i + 1];
            out[i] = m[i] + row.iter().zip(z.iter()).map(|(a, b)| a * b).sum::<f64>();
        }
        k
    }
}

#[cfg(test)]
mod tests {
    use super::AliasTable;

    #[test]
    fn alias_table_reproduces_the_weights() {
        let w = [0.1, 0.2, 0.3, 0.4];
        let t = AliasTable::new(&w);
        // Exact probabilities by integrating pick over a fine uniform grid.
        let n = 400_000;
        let mut counts = [0usize; 4];
        for i in 0..n {
            counts[t.pick((i as f64 + 0.5) / n as f64)] += 1;
        }
        for (c, w) in counts.iter().zip(w) {
            assert!((*c as f64 / n as f64 - w).abs() < 1e-4, "{counts:?}");
        }
    }
}
