//! Statistics networks ("critics") T(x, y) → ℝ.
//!
//! Every critic here holds `copies` independent networks side by side (weights with a leading
//! dimension `B`), so one forward pass serves B independent estimations with batched matrix
//! products. A single estimation is `copies = 1`.
//!
//! - [`MlpCritic`]: an MLP on concat(x, y) — the MINE statistics network;
//! - [`SeparableCritic`]: f(x)ᵀg(y), whose whole score matrix costs one matmul (InfoNCE);
//! - [`SequenceCritic`]: two conv1d towers and an MLP head, for sequence pairs.
//!
//! Weights are drawn from a seeded host RNG, so a critic is reproducible from its config and
//! seed alone, whatever the backend or thread count.

mod linear;
mod mlp;
mod separable;
mod sequence;

pub use linear::BatchedLinear;
pub use mlp::{MlpCritic, MlpCriticConfig};
pub use separable::{SeparableCritic, SeparableCriticConfig};
pub use sequence::{SequenceCritic, SequenceCriticConfig};

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Int, Tensor};

/// Nonlinearity between hidden layers.
#[derive(Config, Debug, Copy, PartialEq, Eq)]
pub enum Activation {
    /// max(0, x).
    Relu,
    /// x for x > 0, e^x − 1 otherwise (smooth; MINE's reference code uses ELU).
    Elu,
    /// x for x > 0, 0.01·x otherwise.
    LeakyRelu,
}

impl Activation {
    /// Applies the nonlinearity elementwise.
    pub fn forward<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        use burn::tensor::activation as act;
        match self {
            Activation::Relu => act::relu(x),
            Activation::Elu => act::elu(x, 1.0),
            Activation::LeakyRelu => act::leaky_relu(x, 0.01),
        }
    }
}

/// A statistics network holding `copies()` independent critics.
///
/// Inputs carry the copy dimension first: `x: [B, n, dx]`, `y: [B, n, dy]`.
pub trait Critic: Module + Clone + core::fmt::Debug {
    /// Number of independent critics (B) held side by side.
    fn copies(&self) -> usize;

    /// Scores of aligned rows, `T_b(x[b, i], y[b, i])`.
    ///
    /// # Shapes
    /// `x: [B, n, dx]`, `y: [B, n, dy]` → `[B, n]`.
    fn pair_scores(&self, x: Tensor<3>, y: Tensor<3>) -> Tensor<2>;

    /// Joint scores `T(x_i, y_i)` and marginal scores `T(x_i, y_perm[i])` in one pass.
    ///
    /// The default stacks the joint and the permuted rows into one `2n`-row forward pass;
    /// critics with separate x and y towers override it to run each tower once.
    ///
    /// # Shapes
    /// `x: [B, n, dx]`, `y: [B, n, dy]`, `perm: [n]` → (`[B, n]`, `[B, n]`).
    fn joint_and_marginal(
        &self,
        x: Tensor<3>,
        y: Tensor<3>,
        perm: Tensor<1, Int>,
    ) -> (Tensor<2>, Tensor<2>) {
        let [_, n, _] = x.dims();
        let y_perm = y.clone().select(1, perm);
        let scores = self.pair_scores(
            Tensor::cat(vec![x.clone(), x], 1),
            Tensor::cat(vec![y, y_perm], 1),
        );
        (scores.clone().narrow(1, 0, n), scores.narrow(1, n, n))
    }

    /// Every pairing, `scores[b, i, j] = T_b(x[b, i], y[b, j])`.
    ///
    /// The default evaluates all n² pairs through [`pair_scores`](Critic::pair_scores);
    /// separable critics override it with one matmul.
    ///
    /// # Shapes
    /// `x: [B, n, dx]`, `y: [B, n, dy]` → `[B, n, n]`.
    fn score_matrix(&self, x: Tensor<3>, y: Tensor<3>) -> Tensor<3> {
        let [b, n, dx] = x.dims();
        let [_, _, dy] = y.dims();
        let xs = x
            .unsqueeze_dim::<4>(2)
            .expand([b, n, n, dx])
            .reshape([b, n * n, dx]);
        let ys = y
            .unsqueeze_dim::<4>(1)
            .expand([b, n, n, dy])
            .reshape([b, n * n, dy]);
        self.pair_scores(xs, ys).reshape([b, n, n])
    }
}

/// Draws a `[copies, d_in, d_out]` weight (or `[copies, 1, d_out]` bias) from
/// U(−1/√fan_in, 1/√fan_in), PyTorch's `nn.Linear` default, with a host RNG.
pub(crate) fn uniform_init(rng: &mut rand::rngs::StdRng, len: usize, fan_in: usize) -> Vec<f32> {
    use rand::Rng;
    let bound = 1.0 / (fan_in.max(1) as f32).sqrt();
    (0..len).map(|_| rng.random_range(-bound..bound)).collect()
}
