//! Entropy estimators: Kozachenko-Leonenko k-NN differential entropy (continuous data) and
//! the plug-in Shannon entropy of discrete values.
//!
//! Kozachenko-Leonenko (Kraskov et al. 2004, eq. 20), with r_i the distance from point i to
//! its k-th nearest neighbour and V_d the volume of the unit ball of the chosen norm:
//!
//! h = ψ(N) − ψ(k) + ln V_d + (d/N) Σ ln r_i   (nats)
//!
//! V_d = 2^d for the max-norm (a cube of half-side 1) and π^{d/2}/Γ(d/2 + 1) for the Euclidean
//! norm. The estimate is consistent for either; the default is Euclidean, the classical
//! choice, whose bias grows more slowly with d in our seeded runs.
//!
//! Caveats: differential entropy can be negative (a uniform on [0, 1/2] has h = −ln 2) and
//! changes under rescaling (h(2X) = h(X) + d ln 2); duplicate points make some r_i = 0 and the
//! estimate −∞, which is reported as an error.
//!
//! ```
//! use mutinf_estimators::entropy::KlEntropyParams;
//! use ndarray::Array2;
//! use rand::{Rng, SeedableRng, rngs::StdRng};
//! # fn main() -> mutinf_core::Result<()> {
//! // Uniform on [0, 1/2): h = -ln 2.
//! let mut rng = StdRng::seed_from_u64(1);
//! let x = Array2::from_shape_fn((4000, 1), |_| rng.random::<f64>() / 2.0);
//! let h = KlEntropyParams::new().k(3).check()?.entropy(x.view())?;
//! assert!((h + std::f64::consts::LN_2).abs() < 0.05);
//! # Ok(())
//! # }
//! ```

mod algorithm;
mod hyperparams;

pub use algorithm::{discrete_entropy, distinct_values, joint_discrete_entropy, miller_madow_correction};
pub use hyperparams::{KlEntropy, KlEntropyParams};
