//! Kraskov-Stögbauer-Grassberger (KSG) k-nearest-neighbour MI estimators, algorithms 1 and 2
//! (Kraskov, Stögbauer & Grassberger, Phys. Rev. E 69, 066138, 2004), for any dx and dy.
//!
//! Both use the max-norm in the joint space, ‖(x, y)‖ = max(‖x‖∞, ‖y‖∞).
//!
//! - **Algorithm 1** (`KsgAlgorithm::One`, what scikit-learn and NPEET compute):
//!   I = ψ(k) + ψ(N) − ⟨ψ(n_x + 1) + ψ(n_y + 1)⟩, where ε_i is the distance from point i to
//!   its k-th neighbour in the joint space and n_x(i) counts the *other* points with
//!   ‖x_j − x_i‖ < ε_i (strictly inside), likewise n_y.
//! - **Algorithm 2** (`KsgAlgorithm::Two`): I = ψ(k) − 1/k + ψ(N) − ⟨ψ(n_x) + ψ(n_y)⟩, where
//!   ε_x(i), ε_y(i) are the largest marginal distances among the k nearest neighbours and
//!   n_x(i) counts the other points with ‖x_j − x_i‖ ≤ ε_x(i).
//!
//! **Ties.** Algorithm 1 depends only on the k-th smallest joint distance (a value: whichever
//! equidistant point is "the" k-th does not matter) and on strict counts, so it is fully
//! determined by the data. Algorithm 2 depends on *which* k points are nearest: equidistant
//! candidates are ranked by row index (lower row first), both in the fast path and in the
//! brute-force oracle of the tests. If k or more other points coincide with point i, ε_i = 0
//! and plain KSG breaks down (discrete data read ~10 nats with algorithm 1); such points are
//! read as in Gao et al. (NeurIPS 2017): k is replaced by the number of copies and the marginal
//! counts include the copies, which gives the plug-in MI for discrete data and leaves
//! continuous data untouched. The estimate's `tied_points` parameter says how many points that
//! concerned.
//!
//! **Scaling.** KSG is not scale-invariant (the max-norm mixes coordinates). By default every
//! column is divided by its standard deviation as scikit-learn does (`standardize(true)`), so
//! our numbers agree with `mutual_info_regression` (which additionally adds 1e-10 noise;
//! we do not). Unlike scikit-learn we do not clip negative estimates to 0: a negative value
//! is information about the estimator's bias at that N.
//!
//! ```
//! use mutinf_core::{Estimator, PairedSamples};
//! use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams};
//! # fn main() -> mutinf_core::Result<()> {
//! let x: Vec<f64> = (0..500).map(|i| ((i * 7919) % 500) as f64 / 500.0).collect();
//! let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v + 0.1 * (((i * 104_729) % 97) as f64 / 97.0)).collect();
//! let data = PairedSamples::from_columns(&x, &y)?;
//! let ksg = KsgParams::new().k(3).algorithm(KsgAlgorithm::One).check()?;
//! let est = ksg.estimate(&data)?;
//! assert!(est.mi > 1.0, "y is x plus a little noise: strongly dependent");
//! # Ok(())
//! # }
//! ```

mod algorithm;
mod hyperparams;
mod ties;

pub use algorithm::ksg_mi;
#[doc(hidden)]
pub use algorithm::{counts_1x1, ksg_mi_tree};
pub use hyperparams::{Ksg, KsgAlgorithm, KsgParams};
