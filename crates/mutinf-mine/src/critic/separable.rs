//! The separable critic T(x, y) = f(x)ᵀ g(y).

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Int, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Activation, BatchedLinear, Critic};

/// Configuration of [`SeparableCritic`].
#[derive(Config, Debug)]
pub struct SeparableCriticConfig {
    /// Dimension of X.
    pub d_x: usize,
    /// Dimension of Y.
    pub d_y: usize,
    /// Hidden widths of each tower.
    #[config(default = "vec![128, 128]")]
    pub hidden: Vec<usize>,
    /// Width of the embeddings f(x), g(y).
    #[config(default = 32)]
    pub embed: usize,
    /// Nonlinearity after each hidden layer.
    #[config(default = "Activation::Relu")]
    pub activation: Activation,
}

/// `copies` independent critics T_b(x, y) = f_b(x)ᵀ g_b(y), with MLP towers f and g.
///
/// The whole n×n score matrix costs one batched matmul, which makes InfoNCE cheap.
#[derive(Module, Debug)]
pub struct SeparableCritic {
    /// Tower for x.
    pub f: Vec<BatchedLinear>,
    /// Tower for y.
    pub g: Vec<BatchedLinear>,
    /// Nonlinearity between layers.
    #[module(skip)]
    pub activation: Activation,
}

fn tower(
    copies: usize,
    d_in: usize,
    hidden: &[usize],
    embed: usize,
    rng: &mut StdRng,
    device: &Device,
) -> Vec<BatchedLinear> {
    let mut widths = vec![d_in];
    widths.extend(hidden);
    widths.push(embed);
    widths
        .windows(2)
        .map(|w| BatchedLinear::init(copies, w[0], w[1], rng, device))
        .collect()
}

impl SeparableCriticConfig {
    /// Builds `copies` independent critics with weights drawn from a host RNG seeded by `seed`.
    pub fn init(&self, copies: usize, seed: u64, device: &Device) -> SeparableCritic {
        let mut rng = StdRng::seed_from_u64(seed);
        let f = tower(copies, self.d_x, &self.hidden, self.embed, &mut rng, device);
        let g = tower(copies, self.d_y, &self.hidden, self.embed, &mut rng, device);
        SeparableCritic {
            f,
            g,
            activation: self.activation,
        }
    }
}

impl SeparableCritic {
    fn run(&self, layers: &[BatchedLinear], mut h: Tensor<3>) -> Tensor<3> {
        let last = layers.len() - 1;
        for (i, layer) in layers.iter().enumerate() {
            h = layer.forward(h);
            if i < last {
                h = self.activation.forward(h);
            }
        }
        h
    }

    /// Embeddings `(f(x), g(y))`, each `[B, n, embed]`.
    pub fn embed(&self, x: Tensor<3>, y: Tensor<3>) -> (Tensor<3>, Tensor<3>) {
        (self.run(&self.f, x), self.run(&self.g, y))
    }
}

impl Critic for SeparableCritic {
    fn copies(&self) -> usize {
        self.f[0].copies()
    }

    fn pair_scores(&self, x: Tensor<3>, y: Tensor<3>) -> Tensor<2> {
        let (fx, gy) = self.embed(x, y);
        (fx * gy).sum_dim(2).squeeze_dim::<2>(2)
    }

    fn joint_and_marginal(
        &self,
        x: Tensor<3>,
        y: Tensor<3>,
        perm: Tensor<1, Int>,
    ) -> (Tensor<2>, Tensor<2>) {
        let (fx, gy) = self.embed(x, y);
        let gy_perm = gy.clone().select(1, perm);
        let joint = (fx.clone() * gy).sum_dim(2).squeeze_dim::<2>(2);
        let marginal = (fx * gy_perm).sum_dim(2).squeeze_dim::<2>(2);
        (joint, marginal)
    }

    fn score_matrix(&self, x: Tensor<3>, y: Tensor<3>) -> Tensor<3> {
        let (fx, gy) = self.embed(x, y);
        fx.matmul(gy.swap_dims(1, 2))
    }
}
