//! The MINE statistics network: an MLP on concat(x, y).

use burn::config::Config;
use burn::module::Module;
use burn::tensor::{Device, Tensor};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Activation, BatchedLinear, Critic};

/// Configuration of [`MlpCritic`].
#[derive(Config, Debug)]
pub struct MlpCriticConfig {
    /// Dimension of X.
    pub d_x: usize,
    /// Dimension of Y.
    pub d_y: usize,
    /// Widths of the hidden layers (MINE: two layers of 128... up to 512 in the paper).
    #[config(default = "vec![128, 128]")]
    pub hidden: Vec<usize>,
    /// Nonlinearity after each hidden layer.
    #[config(default = "Activation::Relu")]
    pub activation: Activation,
}

/// `copies` independent MLPs T_b(x, y) = MLP_b(concat(x, y)) → ℝ.
#[derive(Module, Debug)]
pub struct MlpCritic {
    /// Hidden layers then the 1-wide output layer.
    pub layers: Vec<BatchedLinear>,
    /// Nonlinearity between layers.
    #[module(skip)]
    pub activation: Activation,
}

impl MlpCriticConfig {
    /// Builds `copies` independent critics with weights drawn from a host RNG seeded by `seed`.
    pub fn init(&self, copies: usize, seed: u64, device: &Device) -> MlpCritic {
        let mut rng = StdRng::seed_from_u64(seed);
        let mut widths = vec![self.d_x + self.d_y];
        widths.extend(&self.hidden);
        widths.push(1);
        let layers = widths
            .windows(2)
            .map(|w| BatchedLinear::init(copies, w[0], w[1], &mut rng, device))
            .collect();
        MlpCritic {
            layers,
            activation: self.activation,
        }
    }
}

impl Critic for MlpCritic {
    fn copies(&self) -> usize {
        self.layers[0].copies()
    }

    fn pair_scores(&self, x: Tensor<3>, y: Tensor<3>) -> Tensor<2> {
        let mut h = Tensor::cat(vec![x, y], 2);
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            h = layer.forward(h);
            if i < last {
                h = self.activation.forward(h);
            }
        }
        h.squeeze_dim::<2>(2)
    }
}
