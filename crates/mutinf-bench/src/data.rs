//! Seeded data with known mutual information for the suites.

use mutinf_core::PairedSamples;
use mutinf_gmm::GaussianMixture;
use ndarray::{Array2, Axis};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Exp, Gamma, StandardNormal};

use crate::Result;

/// A seed derived from `seed` and `tags` ([`mutinf_core::seed::mix_path`]), so every item of
/// every suite has its own reproducible stream.
pub fn sub_seed(seed: u64, tags: &[u64]) -> u64 {
    mutinf_core::seed::mix_path(seed, tags)
}

/// An RNG for `(seed, tags)`.
pub fn rng_for(seed: u64, tags: &[u64]) -> StdRng {
    StdRng::seed_from_u64(sub_seed(seed, tags))
}

/// `n` samples of the bivariate standard Gaussian with correlation `rho` as raw columns.
pub use mutinf_gmm::families::gaussian_columns;

/// Columns `x` and `y` of a sample matrix as paired samples.
pub fn pair_from(sample: &Array2<f64>, x: &[usize], y: &[usize]) -> Result<PairedSamples> {
    Ok(PairedSamples::new(sample.select(Axis(1), x), sample.select(Axis(1), y))?)
}

/// `n` samples of a mixture.
pub fn sample_gmm(gmm: &GaussianMixture, n: usize, seed: u64) -> Array2<f64> {
    gmm.sample(n, &mut StdRng::seed_from_u64(seed))
}

/// The half-cube map `x ↦ x·|x|^{1/2}` (strictly increasing; Czyż et al. 2023).
pub fn half_cube(x: f64) -> f64 {
    x * x.abs().sqrt()
}

/// `X ~ U(0, 1)`, `Y = X + U(−w/2, w/2)`: `I = w/2 − ln w` nats for `0 < w ≤ 1`.
pub fn additive_uniform(width: f64, n: usize, rng: &mut impl Rng) -> (Vec<f64>, Vec<f64>) {
    (0..n)
        .map(|_| {
            let x: f64 = rng.random();
            let e: f64 = rng.random::<f64>() - 0.5;
            (x, x + width * e)
        })
        .unzip()
}

/// Analytic MI of [`additive_uniform`].
pub fn additive_uniform_mi(width: f64) -> f64 {
    assert!(width > 0.0 && width <= 1.0, "the closed form needs 0 < width <= 1");
    width / 2.0 - width.ln()
}

/// `X ~ Gamma(α, 1)`, `Y | X ~ Exp(rate X)`: `I = ψ(α) − ln α + 1/α` nats (Czyż et al. 2023).
pub fn gamma_exponential(alpha: f64, n: usize, rng: &mut impl Rng) -> (Vec<f64>, Vec<f64>) {
    let gamma = Gamma::new(alpha, 1.0).expect("alpha > 0");
    (0..n)
        .map(|_| {
            let x: f64 = gamma.sample(rng).max(1e-300);
            let y: f64 = Exp::new(x).expect("positive rate").sample(rng);
            (x, y)
        })
        .unzip()
}

/// Analytic MI of [`gamma_exponential`].
pub fn gamma_exponential_mi(alpha: f64) -> f64 {
    mutinf_estimators::special::digamma(alpha) - alpha.ln() + 1.0 / alpha
}

/// The dependence types of the independence suite (our reading of the paper's appendix A.5:
/// one linear feature, two features, independent coordinates). X ~ N(0, I_d) in every type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dependence {
    /// `Y = v·(wᵀX) + σZ`: Y depends on X through one linear feature (rank one).
    OneLinear,
    /// `Y = v₁·(w₁ᵀX) + v₂·((w₂ᵀX)² − 1)/√2 + σZ`: one linear and one quadratic feature.
    TwoFeatures,
    /// `Yᵢ = Xᵢ + Zᵢ`: every coordinate pair dependent (ρ = 1/√2), coordinates independent.
    Coordinates,
}

impl Dependence {
    /// All types.
    pub const ALL: [Dependence; 3] = [Dependence::OneLinear, Dependence::TwoFeatures, Dependence::Coordinates];

    /// Table name.
    pub fn name(self) -> &'static str {
        match self {
            Dependence::OneLinear => "one-linear",
            Dependence::TwoFeatures => "two-features",
            Dependence::Coordinates => "coordinates",
        }
    }
}

/// Noise level σ of the feature types.
pub const FEATURE_NOISE: f64 = 0.1;

fn unit(d: usize, rng: &mut impl Rng) -> Vec<f64> {
    mutinf_core::slicing::random_unit_direction(d, rng)
}

/// One case of the independence suite: `dependent` draws (X, Y) from the type; otherwise Y is
/// drawn from the same law with an independent X' (so the marginals match, the pair is independent).
pub fn dependence_case(kind: Dependence, d: usize, n: usize, dependent: bool, rng: &mut impl Rng) -> Result<PairedSamples> {
    let (w1, w2, v1, v2) = (unit(d, rng), unit(d, rng), unit(d, rng), unit(d, rng));
    let normal = |rng: &mut dyn rand::RngCore, rows: usize| -> Array2<f64> {
        Array2::from_shape_simple_fn((rows, d), || StandardNormal.sample(&mut *rng))
    };
    let x: Array2<f64> = normal(rng, n);
    let source = if dependent { x.clone() } else { normal(rng, n) };
    let z: Array2<f64> = normal(rng, n);
    let dot = |row: ndarray::ArrayView1<f64>, w: &[f64]| row.iter().zip(w).map(|(a, b)| a * b).sum::<f64>();
    let mut y = Array2::zeros((n, d));
    for (i, row) in source.rows().into_iter().enumerate() {
        match kind {
            Dependence::OneLinear => {
                let s = dot(row, &w1);
                for j in 0..d {
                    y[[i, j]] = v1[j] * s + FEATURE_NOISE * z[[i, j]];
                }
            }
            Dependence::TwoFeatures => {
                let (s1, s2) = (dot(row, &w1), dot(row, &w2));
                let q = (s2 * s2 - 1.0) / std::f64::consts::SQRT_2;
                for j in 0..d {
                    y[[i, j]] = v1[j] * s1 + v2[j] * q + FEATURE_NOISE * z[[i, j]];
                }
            }
            Dependence::Coordinates => {
                for j in 0..d {
                    y[[i, j]] = row[j] + z[[i, j]];
                }
            }
        }
    }
    Ok(PairedSamples::new(x, y)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_differ_and_repeat() {
        assert_eq!(sub_seed(1, &[2, 3]), sub_seed(1, &[2, 3]));
        assert_ne!(sub_seed(1, &[2, 3]), sub_seed(1, &[3, 2]));
        assert_ne!(sub_seed(1, &[2]), sub_seed(2, &[2]));
    }

    #[test]
    fn closed_forms() {
        // w = 1: I = 1/2.
        assert!((additive_uniform_mi(1.0) - 0.5).abs() < 1e-15);
        // α = 1: ψ(1) + 1 = 1 − γ.
        assert!((gamma_exponential_mi(1.0) - (1.0 - 0.577_215_664_901_532_9)).abs() < 1e-10);
        assert_eq!(half_cube(4.0), 8.0);
        assert_eq!(half_cube(-4.0), -8.0);
    }

    #[test]
    fn generators_have_the_right_moments() {
        let mut rng = StdRng::seed_from_u64(3);
        let (x, y) = gaussian_columns(0.8, 20_000, &mut rng);
        let c = x.iter().zip(&y).map(|(a, b)| a * b).sum::<f64>() / x.len() as f64;
        assert!((c - 0.8).abs() < 0.03, "{c}");
        let (x, y) = additive_uniform(0.5, 1000, &mut rng);
        assert!(x.iter().zip(&y).all(|(a, b)| (a - b).abs() <= 0.25));
        let case = dependence_case(Dependence::Coordinates, 4, 50, true, &mut rng).unwrap();
        assert_eq!((case.n(), case.dx(), case.dy()), (50, 4, 4));
    }
}
