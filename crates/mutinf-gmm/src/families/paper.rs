//! The paper's training and evaluation families of random mixtures.

use rand::Rng;
use rand_distr::Exp1;
use serde::{Deserialize, Serialize};

use super::{check_range, uniform};
use crate::error::{GmmError, Result};
use crate::mixture::GaussianMixture;

/// The paper's 2-D training family.
///
/// K ~ U{components}; weights ~ Dirichlet(1); means ~ U(mean_range)²; per component
/// `var_x`, `var_y` each the sum of two squared U(scale_range) draws, correlation
/// ~ U(correlation_range), then `+ jitter · I`.
///
/// `aat_fraction` (0 in the paper) draws that share of the components' covariances instead as
/// `A Aᵀ + jitter · I` with the four entries of A ~ U(scale_range), the evaluation family's rule:
/// the same variance distribution, but the correlation is the cosine between two random vectors,
/// which puts far more mass near ±1 (P(|ρ| > 0.99) ≈ 9 % against 1 %): thin, near-deterministic
/// ridges that the paper's rule almost never produces.
///
/// ```
/// use rand::SeedableRng;
/// use mutinf_gmm::families::PaperTrainFamily;
/// let fam = PaperTrainFamily::default();
/// let g = fam.sample(&mut rand::rngs::StdRng::seed_from_u64(1)).unwrap();
/// assert!((1..=20).contains(&g.n_components()) && g.dim() == 2);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperTrainFamily {
    /// Inclusive range of the number of components (paper: 1..=20).
    pub components: (usize, usize),
    /// Range of each mean coordinate (paper: (-5, 5)).
    pub mean_range: (f64, f64),
    /// Range of the two draws whose squares sum to a variance (paper: (-3, 3)).
    pub scale_range: (f64, f64),
    /// Range of each component's correlation (paper: (-1, 1)).
    pub correlation_range: (f64, f64),
    /// Added to both variances so every covariance is positive definite (paper: 0.01).
    pub jitter: f64,
    /// Share of components whose covariance is `A Aᵀ + jitter · I` instead (paper: 0).
    #[serde(default)]
    pub aat_fraction: f64,
}

impl Default for PaperTrainFamily {
    fn default() -> Self {
        Self {
            components: (1, 20),
            mean_range: (-5.0, 5.0),
            scale_range: (-3.0, 3.0),
            correlation_range: (-1.0, 1.0),
            jitter: 0.01,
            aat_fraction: 0.0,
        }
    }
}

impl PaperTrainFamily {
    /// Checks the ranges; errors name the field.
    pub fn check(&self) -> Result<()> {
        check_components("PaperTrainFamily.components", self.components)?;
        check_range("PaperTrainFamily.mean_range", self.mean_range)?;
        check_range("PaperTrainFamily.scale_range", self.scale_range)?;
        check_range("PaperTrainFamily.correlation_range", self.correlation_range)?;
        let (lo, hi) = self.correlation_range;
        if lo < -1.0 || hi > 1.0 {
            return Err(GmmError::invalid(
                "PaperTrainFamily.correlation_range",
                format!("({lo}, {hi})"),
                "correlations must lie within [-1, 1]",
            ));
        }
        if !(0.0..=1.0).contains(&self.aat_fraction) {
            return Err(GmmError::invalid(
                "PaperTrainFamily.aat_fraction",
                self.aat_fraction,
                "a share of components must lie within [0, 1]",
            ));
        }
        check_jitter("PaperTrainFamily.jitter", self.jitter)
    }

    /// Draws one mixture.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<GaussianMixture> {
        self.check()?;
        let k = rng.random_range(self.components.0..=self.components.1);
        let weights = dirichlet_ones(k, rng);
        let mut means = Vec::with_capacity(k);
        let mut covs = Vec::with_capacity(k);
        for _ in 0..k {
            means.push(vec![
                uniform(rng, self.mean_range),
                uniform(rng, self.mean_range),
            ]);
            // The extra draw only when the option is on, so the paper's stream is unchanged.
            if self.aat_fraction > 0.0 && rng.random::<f64>() < self.aat_fraction {
                let mut a = || uniform(rng, self.scale_range);
                let (a11, a12, a21, a22) = (a(), a(), a(), a());
                let (vx, vy, c) = (a11 * a11 + a12 * a12, a21 * a21 + a22 * a22, a11 * a21 + a12 * a22);
                covs.push(vec![vec![vx + self.jitter, c], vec![c, vy + self.jitter]]);
                continue;
            }
            let mut var =
                || uniform(rng, self.scale_range).powi(2) + uniform(rng, self.scale_range).powi(2);
            let (vx, vy) = (var(), var());
            let c = uniform(rng, self.correlation_range) * (vx * vy).sqrt();
            covs.push(vec![vec![vx + self.jitter, c], vec![c, vy + self.jitter]]);
        }
        GaussianMixture::new(weights, means, covs)
    }
}

/// The paper's evaluation family, in any dimension.
///
/// K ~ U{components}; weights ~ Dirichlet(1); means ~ U(mean_range)^dim; covariances
/// `A Aᵀ + jitter · I` with `A` a `dim x dim` matrix of U(a_range) entries.
/// The reference notes give only the covariance law; the mean range and K range
/// default to the training family's means and Tab. 3's K = 1..10.
///
/// ```
/// use rand::SeedableRng;
/// use mutinf_gmm::families::PaperEvalFamily;
/// let fam = PaperEvalFamily { dim: 3, components: (4, 4), ..Default::default() };
/// let g = fam.sample(&mut rand::rngs::StdRng::seed_from_u64(1)).unwrap();
/// assert_eq!((g.dim(), g.n_components()), (3, 4));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PaperEvalFamily {
    /// Dimension d (default 2).
    pub dim: usize,
    /// Inclusive range of the number of components; `(k, k)` fixes K (default 1..=10).
    pub components: (usize, usize),
    /// Range of each mean coordinate (default (-5, 5)).
    pub mean_range: (f64, f64),
    /// Range of the entries of `A` (paper: (-3, 3)).
    pub a_range: (f64, f64),
    /// Added to the diagonal of `A Aᵀ` (paper: 0.01).
    pub jitter: f64,
}

impl Default for PaperEvalFamily {
    fn default() -> Self {
        Self {
            dim: 2,
            components: (1, 10),
            mean_range: (-5.0, 5.0),
            a_range: (-3.0, 3.0),
            jitter: 0.01,
        }
    }
}

impl PaperEvalFamily {
    /// The default family with a fixed number of components `k` in `dim` dimensions.
    pub fn fixed(dim: usize, k: usize) -> Self {
        Self {
            dim,
            components: (k, k),
            ..Default::default()
        }
    }

    /// Checks the fields; errors name the field.
    pub fn check(&self) -> Result<()> {
        if self.dim == 0 {
            return Err(GmmError::invalid(
                "PaperEvalFamily.dim",
                0,
                "the dimension must be at least 1",
            ));
        }
        check_components("PaperEvalFamily.components", self.components)?;
        check_range("PaperEvalFamily.mean_range", self.mean_range)?;
        check_range("PaperEvalFamily.a_range", self.a_range)?;
        check_jitter("PaperEvalFamily.jitter", self.jitter)
    }

    /// Draws one mixture.
    pub fn sample<R: Rng + ?Sized>(&self, rng: &mut R) -> Result<GaussianMixture> {
        self.check()?;
        let d = self.dim;
        let k = rng.random_range(self.components.0..=self.components.1);
        let weights = dirichlet_ones(k, rng);
        let mut means = Vec::with_capacity(k);
        let mut covs = Vec::with_capacity(k);
        let mut a = vec![0.0; d * d];
        for _ in 0..k {
            means.push((0..d).map(|_| uniform(rng, self.mean_range)).collect());
            a.iter_mut().for_each(|v| *v = uniform(rng, self.a_range));
            let cov = (0..d)
                .map(|i| {
                    (0..d)
                        .map(|j| {
                            let aat: f64 = (0..d).map(|m| a[i * d + m] * a[j * d + m]).sum();
                            aat + if i == j { self.jitter } else { 0.0 }
                        })
                        .collect()
                })
                .collect();
            covs.push(cov);
        }
        GaussianMixture::new(weights, means, covs)
    }
}

/// Dirichlet(1, ..., 1) weights via normalised Exp(1) draws, kept strictly positive.
fn dirichlet_ones<R: Rng + ?Sized>(k: usize, rng: &mut R) -> Vec<f64> {
    let mut w: Vec<f64> = (0..k)
        .map(|_| rng.sample::<f64, _>(Exp1).max(f64::MIN_POSITIVE))
        .collect();
    let sum: f64 = w.iter().sum();
    w.iter_mut().for_each(|v| *v /= sum);
    w
}

fn check_components(name: &str, (lo, hi): (usize, usize)) -> Result<()> {
    if lo == 0 || lo > hi {
        return Err(GmmError::invalid(
            name,
            format!("({lo}, {hi})"),
            "need 1 <= low <= high (inclusive range of K)",
        ));
    }
    Ok(())
}

fn check_jitter(name: &str, j: f64) -> Result<()> {
    if !(j > 0.0 && j.is_finite()) {
        return Err(GmmError::invalid(
            name,
            j,
            "must be positive so every covariance is positive definite (paper: 0.01)",
        ));
    }
    Ok(())
}
