//! The conv1d sequence-pair critic of Fleuret's MINE notes (seed experiment 001).

use burn::config::Config;
use burn::module::{Module, Param};
use burn::tensor::module::{avg_pool1d, conv1d};
use burn::tensor::ops::{AvgPoolOptions, ConvOptions};
use burn::tensor::{Device, Int, Tensor, TensorData};
use rand::SeedableRng;
use rand::rngs::StdRng;

use super::{Activation, BatchedLinear, Critic, uniform_init};

/// Configuration of [`SequenceCritic`]. Defaults follow the seed: kernel 11, average pooling
/// 4, 32 channels, 4 conv layers per tower, global average, MLP head with 256 hidden units.
#[derive(Config, Debug)]
pub struct SequenceCriticConfig {
    /// Length of each sequence (x and y are both sequences of this length).
    pub length: usize,
    /// Channels of every conv layer.
    #[config(default = 32)]
    pub channels: usize,
    /// Conv layers per tower (each: conv, average pool, leaky ReLU).
    #[config(default = 4)]
    pub layers: usize,
    /// Conv kernel width.
    #[config(default = 11)]
    pub kernel: usize,
    /// Average-pooling width (and stride) after each conv.
    #[config(default = 4)]
    pub pool: usize,
    /// Hidden width of the head on concat(features(x), features(y)).
    #[config(default = 256)]
    pub head_hidden: usize,
}

/// One conv layer holding B copies as B groups: weight `[B·c_out, c_in, k]`.
#[derive(Module, Debug)]
pub struct GroupedConv {
    /// `[B·c_out, c_in, kernel]`.
    pub weight: Param<Tensor<3>>,
    /// `[B·c_out]`.
    pub bias: Param<Tensor<1>>,
    /// Number of groups = copies.
    pub groups: usize,
}

impl GroupedConv {
    fn init(
        copies: usize,
        c_in: usize,
        c_out: usize,
        kernel: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        let fan_in = c_in * kernel;
        let w = uniform_init(rng, copies * c_out * c_in * kernel, fan_in);
        let b = uniform_init(rng, copies * c_out, fan_in);
        Self {
            weight: Param::from_data(TensorData::new(w, [copies * c_out, c_in, kernel]), device),
            bias: Param::from_data(TensorData::new(b, [copies * c_out]), device),
            groups: copies,
        }
    }

    fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        conv1d(
            x,
            self.weight.val(),
            Some(self.bias.val()),
            ConvOptions::new([1], [0], [1], self.groups),
        )
    }
}

/// `copies` independent critics T(a, b) = head(concat(tower_a(a), tower_b(b))).
///
/// Each tower: `layers` × (conv1d(kernel) → avg-pool(pool) → leaky ReLU), then a global
/// average over positions. The towers run once per sequence; marginal pairs only re-pair
/// features, so [`Critic::joint_and_marginal`] costs one tower pass, not two.
#[derive(Module, Debug)]
pub struct SequenceCritic {
    /// Tower for x.
    pub tower_x: Vec<GroupedConv>,
    /// Tower for y.
    pub tower_y: Vec<GroupedConv>,
    /// Head: 2·channels → head_hidden → 1.
    pub head: Vec<BatchedLinear>,
    /// Pool width.
    pub pool: usize,
    /// Copies B.
    pub copies: usize,
}

impl SequenceCriticConfig {
    /// Length after the conv/pool stack, or `None` when the sequences are too short for it.
    pub fn output_length(&self) -> Option<usize> {
        let mut len = self.length;
        for _ in 0..self.layers {
            len = len.checked_sub(self.kernel - 1)?.checked_div(self.pool)?;
            if len == 0 {
                return None;
            }
        }
        Some(len)
    }

    /// Builds `copies` independent critics with weights drawn from a host RNG seeded by `seed`.
    pub fn init(&self, copies: usize, seed: u64, device: &Device) -> SequenceCritic {
        let mut rng = StdRng::seed_from_u64(seed);
        let tower = |rng: &mut StdRng| {
            (0..self.layers)
                .map(|i| {
                    let c_in = if i == 0 { 1 } else { self.channels };
                    GroupedConv::init(copies, c_in, self.channels, self.kernel, rng, device)
                })
                .collect::<Vec<_>>()
        };
        let tower_x = tower(&mut rng);
        let tower_y = tower(&mut rng);
        let head = vec![
            BatchedLinear::init(
                copies,
                2 * self.channels,
                self.head_hidden,
                &mut rng,
                device,
            ),
            BatchedLinear::init(copies, self.head_hidden, 1, &mut rng, device),
        ];
        SequenceCritic {
            tower_x,
            tower_y,
            head,
            pool: self.pool,
            copies,
        }
    }
}

impl SequenceCritic {
    /// Tower features. `x: [B, n, L]` → `[B, n, channels]`.
    pub fn features(&self, tower: &[GroupedConv], x: Tensor<3>) -> Tensor<3> {
        let [b, n, _] = x.dims();
        let mut h = x.swap_dims(0, 1); // [n, B, L]: copy b is group b
        for layer in tower {
            h = layer.forward(h);
            h = avg_pool1d(h, AvgPoolOptions::new([self.pool]));
            h = Activation::LeakyRelu.forward(h);
        }
        let [_, bc, _] = h.dims();
        let pooled = h.mean_dim(2).reshape([n, b, bc / b]); // global average
        pooled.swap_dims(0, 1)
    }

    fn head(&self, fx: Tensor<3>, fy: Tensor<3>) -> Tensor<2> {
        let h = Activation::Relu.forward(self.head[0].forward(Tensor::cat(vec![fx, fy], 2)));
        self.head[1].forward(h).squeeze_dim::<2>(2)
    }
}

impl Critic for SequenceCritic {
    fn copies(&self) -> usize {
        self.copies
    }

    fn pair_scores(&self, x: Tensor<3>, y: Tensor<3>) -> Tensor<2> {
        let fx = self.features(&self.tower_x, x);
        let fy = self.features(&self.tower_y, y);
        self.head(fx, fy)
    }

    fn joint_and_marginal(
        &self,
        x: Tensor<3>,
        y: Tensor<3>,
        perm: Tensor<1, Int>,
    ) -> (Tensor<2>, Tensor<2>) {
        let [_, n, _] = x.dims();
        let fx = self.features(&self.tower_x, x);
        let fy = self.features(&self.tower_y, y);
        let fy_perm = fy.clone().select(1, perm);
        let scores = self.head(
            Tensor::cat(vec![fx.clone(), fx], 1),
            Tensor::cat(vec![fy, fy_perm], 1),
        );
        (scores.clone().narrow(1, 0, n), scores.narrow(1, n, n))
    }
}
