//! A linear layer holding B independent weight sets.

use burn::module::{Module, Param};
use burn::tensor::{Device, Tensor, TensorData};
use rand::rngs::StdRng;

use super::uniform_init;

/// `B` independent affine maps applied with one batched matmul.
#[derive(Module, Debug)]
pub struct BatchedLinear {
    /// `[B, d_in, d_out]`.
    pub weight: Param<Tensor<3>>,
    /// `[B, 1, d_out]`, broadcast over rows.
    pub bias: Param<Tensor<3>>,
}

impl BatchedLinear {
    /// B copies of a `d_in → d_out` layer, PyTorch-default uniform init from `rng`.
    pub fn init(
        copies: usize,
        d_in: usize,
        d_out: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        let w = uniform_init(rng, copies * d_in * d_out, d_in);
        let b = uniform_init(rng, copies * d_out, d_in);
        Self {
            weight: Param::from_data(TensorData::new(w, [copies, d_in, d_out]), device),
            bias: Param::from_data(TensorData::new(b, [copies, 1, d_out]), device),
        }
    }

    /// # Shapes
    /// `x: [B, n, d_in]` → `[B, n, d_out]`.
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        x.matmul(self.weight.val()) + self.bias.val()
    }

    /// Number of copies B.
    pub fn copies(&self) -> usize {
        self.weight.val().dims()[0]
    }
}
