//! Conditional mutual information I(X; Y | Z): how much X tells about Y beyond what Z
//! already tells, for multivariate X, Y and Z.
//!
//! - [`KsgCmi`] (`"ksg-cmi"`): the k-NN estimator of Frenzel & Pompe (Phys. Rev. Lett. 99,
//!   204101, 2007), KSG algorithm 1 carried over to conditioning. ε_i is the max-norm
//!   distance from point i to its k-th neighbour in the joint (X, Y, Z) space; n_xz(i),
//!   n_yz(i) and n_z(i) count the *other* points strictly inside ε_i in the (X, Z), (Y, Z)
//!   and Z spaces (max-norm there too); then
//!   I(X; Y | Z) = ψ(k) − ⟨ψ(n_xz + 1) + ψ(n_yz + 1) − ψ(n_z + 1)⟩.
//!   It uses the same exact neighbour search as [`ksg`](crate::ksg) (a kd-tree for the joint
//!   k-NN and for multi-dimensional counts, binary search on sorted values for a 1-D Z; for
//!   1-D X, Y and Z all counts come from one offline rank sweep), so it agrees with an
//!   O(N²) brute force to rounding.
//! - [`GaussianCmi`] (`"gaussian-cmi"`): the log-determinant formula on the sample
//!   covariance, exact for Gaussian data; [`gaussian_cmi_from_covariance`] is the analytic
//!   value for a known covariance.
//!
//! **Ties**, as in KSG: the estimate depends only on the k-th smallest joint distance (a
//! value) and on strict counts, so it is fully determined by the data. A point with k or more
//! exact copies in the joint space has ε = 0, where the formula breaks down; such points are
//! read as in Gao et al. (NeurIPS 2017): k is replaced by the number of copies and the counts
//! take the points at distance ≤ 0 (the copies in each subspace, the point included). For
//! discrete data this gives the plug-in conditional MI; continuous data are untouched. The
//! estimate's `tied_points` parameter says how many points that concerned.
//!
//! **Scaling**: the max-norm mixes coordinates, so by default every column of X, Y and Z is
//! divided by its standard deviation (`standardize(true)`), as KSG does. Negative estimates
//! are not clipped: they say the true value is near 0 at this N.
//!
//! ```
//! use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, KsgCmiParams};
//! # fn main() -> mutinf_core::Result<()> {
//! // Y = X + Z + small noise: given Z, X still tells a lot about Y.
//! let x: Vec<f64> = (0..500).map(|i| ((i * 7919) % 500) as f64 / 500.0).collect();
//! let z: Vec<f64> = (0..500).map(|i| ((i * 104_729) % 487) as f64 / 487.0).collect();
//! let y: Vec<f64> = (0..500).map(|i| x[i] + z[i] + 0.01 * ((i * 31) % 7) as f64).collect();
//! let cmi = KsgCmiParams::new().k(3).check()?;
//! let est = cmi.estimate(&ConditionalSamples::from_columns(&x, &y, &z)?)?;
//! assert!(est.mi > 1.0, "{}", est.mi);
//! # Ok(())
//! # }
//! ```

mod algorithm;
mod counts1d;
mod gaussian;
mod hyperparams;
mod samples;

use mutinf_core::{MiEstimate, Result};

pub use algorithm::ksg_cmi;
#[doc(hidden)]
pub use algorithm::ksg_cmi_tree;
pub use gaussian::{GaussianCmi, gaussian_cmi_from_covariance};
pub use hyperparams::{KsgCmi, KsgCmiParams};
pub use samples::ConditionalSamples;

/// A conditional MI estimator: (X, Y, Z) in, I(X; Y | Z) in nats out — the counterpart of
/// [`mutinf_core::Estimator`] for three blocks. Transfer entropy runs on any implementation.
///
/// `Sync` so surrogate tests can run one estimator on many threads.
///
/// ```
/// use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, GaussianCmi, KsgCmiParams};
/// # fn main() -> mutinf_core::Result<()> {
/// let x: Vec<f64> = (0..200).map(|i| ((i * 7919) % 200) as f64).collect();
/// let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + ((i * 13) % 11) as f64).collect();
/// let z: Vec<f64> = (0..200).map(|i| ((i * 31) % 199) as f64).collect();
/// let data = ConditionalSamples::from_columns(&x, &y, &z)?;
/// let methods: Vec<Box<dyn ConditionalEstimator>> = vec![Box::new(KsgCmiParams::new().check()?), Box::new(GaussianCmi)];
/// for m in &methods {
///     assert!(m.estimate(&data)?.mi > 1.0, "{}", m.method());
/// }
/// # Ok(())
/// # }
/// ```
pub trait ConditionalEstimator: Send + Sync {
    /// Short, stable method name (`ksg-cmi`, `gaussian-cmi`), used in output.
    fn method(&self) -> &str;

    /// Estimates I(X; Y | Z) in nats.
    fn estimate(&self, data: &ConditionalSamples) -> Result<MiEstimate>;
}

/// A borrowed conditional estimator is one too (wrappers run it without owning it).
impl<E: ConditionalEstimator + ?Sized> ConditionalEstimator for &E {
    fn method(&self) -> &str {
        (**self).method()
    }

    fn estimate(&self, data: &ConditionalSamples) -> Result<MiEstimate> {
        (**self).estimate(data)
    }
}

impl<E: ConditionalEstimator + ?Sized> ConditionalEstimator for Box<E> {
    fn method(&self) -> &str {
        (**self).method()
    }

    fn estimate(&self, data: &ConditionalSamples) -> Result<MiEstimate> {
        (**self).estimate(data)
    }
}
