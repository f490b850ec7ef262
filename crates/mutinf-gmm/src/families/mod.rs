//! Seeded generators of test and training distributions, following the InfoNet paper's protocols
//! (see `shared/notes/infonet-reference.md`, "GMM protocols"). Every range is a parameter whose
//! default is the paper's value.
//!
//! - [`PaperTrainFamily`]: the 2-D training family;
//! - [`PaperEvalFamily`]: the evaluation family in any dimension (covariances `A Aᵀ + 0.01 I`);
//! - [`gaussian_with_correlation`] / [`rho_for_mi`]: a bivariate Gaussian with a chosen MI;
//!   [`gaussian_columns`] samples it directly as two columns;
//! - [`mi_levels`]: mixtures binned by true MI (Tab. 2);
//! - [`order_triplet`]: 3-D mixtures with both truths `I(X;Y)`, `I(X;Z)` (Tab. 3).

mod levels;
mod paper;
mod triplet;

pub use levels::{
    DEFAULT_HALF_WIDTH, DEFAULT_MI_LEVELS, LevelledGmm, MiLevelsConfig, mi_levels, mi_levels_with,
};
pub use paper::{PaperEvalFamily, PaperTrainFamily};
pub use triplet::{OrderTriplet, order_triplet, order_triplet_with};

use rand::Rng;
use rand_distr::StandardNormal;

use crate::error::{GmmError, Result};
use crate::mixture::GaussianMixture;

/// `n` samples of the standard bivariate Gaussian with correlation `rho`, as an (x, y) pair of
/// columns: x = a, y = ρa + √(1 − ρ²) b with a, b standard normal, drawn in that order (so a
/// seeded stream gives the same samples wherever this is called: trainer validation, benches,
/// tests).
///
/// ```
/// use rand::SeedableRng;
/// let (x, y) = mutinf_gmm::families::gaussian_columns(0.5, 100, &mut rand::rngs::StdRng::seed_from_u64(1));
/// assert_eq!((x.len(), y.len()), (100, 100));
/// ```
pub fn gaussian_columns<R: Rng + ?Sized>(rho: f64, n: usize, rng: &mut R) -> (Vec<f64>, Vec<f64>) {
    let s = (1.0 - rho * rho).sqrt();
    (0..n)
        .map(|_| {
            let a: f64 = rng.sample(StandardNormal);
            let b: f64 = rng.sample(StandardNormal);
            (a, rho * a + s * b)
        })
        .unzip()
}

/// The bivariate Gaussian with unit variances and correlation `rho` (alias of
/// [`GaussianMixture::bivariate_gaussian`]).
///
/// ```
/// let g = mutinf_gmm::families::gaussian_with_correlation(0.3).unwrap();
/// assert_eq!(g.n_components(), 1);
/// ```
pub fn gaussian_with_correlation(rho: f64) -> Result<GaussianMixture> {
    GaussianMixture::bivariate_gaussian(rho)
}

/// The correlation whose bivariate Gaussian has MI `mi` nats: `rho = sqrt(1 - exp(-2 mi))`.
///
/// ```
/// use mutinf_gmm::families::{mi_for_rho, rho_for_mi};
/// let rho = rho_for_mi(0.5).unwrap();
/// assert!((mi_for_rho(rho).unwrap() - 0.5).abs() < 1e-12);
/// assert!(rho_for_mi(-0.1).is_err());
/// ```
pub fn rho_for_mi(mi: f64) -> Result<f64> {
    if !(mi >= 0.0 && mi.is_finite()) {
        return Err(GmmError::invalid(
            "mi",
            mi,
            "MI must be a finite number of nats >= 0",
        ));
    }
    Ok((-(-2.0 * mi).exp_m1()).sqrt())
}

/// MI in nats of the bivariate Gaussian with correlation `rho`: `-1/2 ln(1 - rho²)`.
pub fn mi_for_rho(rho: f64) -> Result<f64> {
    if !rho.is_finite() || rho.abs() >= 1.0 {
        return Err(GmmError::invalid(
            "rho",
            rho,
            "the correlation must satisfy -1 < rho < 1",
        ));
    }
    Ok(-0.5 * (-rho * rho).ln_1p())
}

/// Checks a `(low, high)` range: finite and ordered.
pub(crate) fn check_range(name: &str, (lo, hi): (f64, f64)) -> Result<()> {
    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
        return Err(GmmError::invalid(
            name,
            format!("({lo}, {hi})"),
            "a range needs finite bounds with low <= high",
        ));
    }
    Ok(())
}

/// A uniform draw from `[lo, hi)`; `lo == hi` gives `lo`.
#[inline]
pub(crate) fn uniform<R: rand::Rng + ?Sized>(rng: &mut R, (lo, hi): (f64, f64)) -> f64 {
    lo + (hi - lo) * rng.random::<f64>()
}
