//! Differentiable ranks, for the copula transform of a batch variable.
//!
//! InfoNet reads copula pairs (u, v) = (rank(x) − ½, rank(y) − ½) / N, but a rank is piecewise
//! constant: its gradient is zero almost everywhere. The soft rank replaces the indicator
//! `[x_j < x_i]` by a logistic `σ((x_i − x_j) / (τ s))`:
//!
//! `r_i = ½ + Σ_j σ((x_i − x_j) / (τ s))`
//!
//! where s is the batch's standard deviation, so the temperature τ is free of the variable's
//! units and the soft rank, like the rank, is unchanged by rescaling x (s is part of the
//! differentiated function). The j = i term is σ(0) = ½, so as τ → 0 r_i tends to the hard rank
//! `1 + #{j : x_j < x_i}` (ties get the mid-rank), and for τ > 0 it is smooth in every x.
//!
//! **Regularisation and cost.** τ trades bias for gradient reach: each point feels neighbours
//! within a few τ·s. τ = 0.05 keeps the soft copula within about 0.01 of the hard one for
//! roughly Gaussian data and N up to 1,024. The pairwise form costs O(N²) time and memory (one
//! `[N, N]` matrix forward and backward: 1M entries at N = 1,024, see the `infomax` example for
//! its measured time), chosen over the O(N log N) permutahedron projection because it is
//! simple, exact in its limit and fast enough for batch sizes up to 1,024.

use burn::tensor::Tensor;
use burn::tensor::activation::sigmoid;

/// The temperature used when none is given.
pub const DEFAULT_TEMPERATURE: f64 = 0.05;

/// Soft ranks (1-based) of the entries of `x`.
///
/// # Shapes
/// - x: `[N]` → `[N]`
///
/// ```
/// use burn::tensor::{Device, Tensor, TensorData};
/// let device = Device::flex();
/// let x = Tensor::<1>::from_data(TensorData::new(vec![0.3f32, -1.0, 2.0], [3]), &device);
/// let r = mutinf_objectives::soft_rank::soft_rank(x, 1e-4).into_data().try_into_vec::<f32>().unwrap();
/// assert_eq!(r.iter().map(|v| v.round() as i32).collect::<Vec<_>>(), vec![2, 1, 3]);
/// ```
pub fn soft_rank(x: Tensor<1>, temperature: f64) -> Tensor<1> {
    let [n] = x.dims();
    let mean = x.clone().mean();
    let scale = (x.clone() - mean).powi_scalar(2).mean().sqrt().clamp_min(1e-12);
    let width = scale * temperature as f32; // [1]
    let diff = x.clone().reshape([n, 1]) - x.reshape([1, n]); // [N, N]: x_i − x_j
    let scaled = diff / width.reshape([1, 1]);
    sigmoid(scaled).sum_dim(1).reshape([n]) + 0.5
}

/// The soft copula transform `(r − ½) / N` of [`soft_rank`]: values in (0, 1), the convention
/// of `mutinf_models::CopulaSequence` (the hard-rank limit equals it exactly).
///
/// # Shapes
/// - x: `[N]` → `[N]`
pub fn soft_copula(x: Tensor<1>, temperature: f64) -> Tensor<1> {
    let [n] = x.dims();
    (soft_rank(x, temperature) - 0.5) / n as f32
}

/// The hard copula transform `(r − ½) / N` with mid-ranks for ties, on the host: the limit of
/// [`soft_copula`] as the temperature goes to 0. It is the workspace's copula convention,
/// [`mutinf_core::copula::rank_transform`], re-exported here beside its soft counterpart.
///
/// ```
/// let u = mutinf_objectives::soft_rank::hard_copula(&[0.3, -1.0, 2.0, 0.3]);
/// assert_eq!(u, vec![2.0 / 4.0, 0.5 / 4.0, 3.5 / 4.0, 2.0 / 4.0]);
/// ```
pub use mutinf_core::copula::rank_transform as hard_copula;
