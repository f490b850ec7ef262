//! The clustering network: an MLP trunk and several softmax heads over it.

use burn::module::{Module, Param};
use burn::tensor::activation::{relu, softmax};
use burn::tensor::{Device, Tensor, TensorData};
use mutinf_mine::critic::BatchedLinear;
use rand::Rng;
use rand::rngs::StdRng;

use crate::error::{Result, host};

/// An MLP trunk (ReLU) feeding `sub_heads` independent softmax heads of C clusters and, for
/// IIC's auxiliary over-clustering, as many heads of C2 clusters. Sub-heads are IIC's guard
/// against a bad local optimum: all train together and the one with the highest MI is kept.
/// Heads are [`BatchedLinear`] layers with one copy per head, so every head is one matmul.
#[derive(Module, Debug)]
pub struct ClusterNet {
    trunk: Vec<BatchedLinear>,
    heads: BatchedLinear,
    over_heads: Vec<BatchedLinear>,
}

/// The heads' assignment probabilities for one batch.
#[derive(Debug, Clone)]
pub struct HeadOutputs {
    /// Main heads, `[H, B, C]` (softmax over C).
    pub main: Tensor<3>,
    /// Over-clustering heads, `[H, B, C2]`, if configured.
    pub over: Option<Tensor<3>>,
}

impl ClusterNet {
    /// A network for `dims` inputs with weights drawn from `rng` (PyTorch's default uniform
    /// initialisation), so it is reproducible from the seed on any backend.
    pub fn init(
        dims: usize,
        hidden: &[usize],
        clusters: usize,
        overcluster: Option<usize>,
        sub_heads: usize,
        rng: &mut StdRng,
        device: &Device,
    ) -> Self {
        let mut trunk = Vec::with_capacity(hidden.len());
        let mut width = dims;
        for &h in hidden {
            trunk.push(BatchedLinear::init(1, width, h, rng, device));
            width = h;
        }
        let heads = BatchedLinear::init(sub_heads, width, clusters, rng, device);
        let over_heads = overcluster.map(|c2| BatchedLinear::init(sub_heads, width, c2, rng, device)).into_iter().collect();
        Self { trunk, heads, over_heads }
    }

    /// Assignment probabilities of every head.
    ///
    /// # Shapes
    /// - x: `[B, D]` → main `[H, B, C]`, over `[H, B, C2]`
    pub fn forward(&self, x: Tensor<2>) -> HeadOutputs {
        let [b, d] = x.dims();
        let mut h = x.reshape([1, b, d]);
        for layer in &self.trunk {
            h = relu(layer.forward(h));
        }
        let [_, _, width] = h.dims();
        let copies = self.heads.copies();
        let shared = h.expand([copies, b, width]);
        let main = softmax(self.heads.forward(shared.clone()), 2);
        let over = self.over_heads.first().map(|over| softmax(over.forward(shared), 2));
        HeadOutputs { main, over }
    }

    /// Revives dead clusters of the main heads: a cluster whose share of the batch
    /// (`marginals[h * C + k]`, the mean assignment probability) is below `threshold` gets a
    /// noisy copy of the weights of its head's largest cluster, which then splits in two.
    /// Returns how many clusters were revived.
    ///
    /// Why: an empty cluster's softmax output is ~0 for every sample, so its weights get ~0
    /// gradient and it never comes back; IIC then settles with merged classes (measured on the
    /// glyph images: 6–8 of 10 clusters used without this). k-means handles empty clusters the
    /// same way, by re-seeding them.
    pub fn revive_dead_clusters(&mut self, marginals: &[f32], threshold: f32, rng: &mut StdRng) -> Result<usize> {
        let [heads, width, c] = self.heads.weight.val().dims();
        let device = self.heads.weight.val().device();
        let mut weight = host(self.heads.weight.val())?;
        let mut bias = host(self.heads.bias.val())?;
        let mut revived = 0;
        for h in 0..heads {
            let share = &marginals[h * c..(h + 1) * c];
            let largest = (0..c).max_by(|&a, &b| share[a].total_cmp(&share[b])).unwrap_or(0);
            for k in (0..c).filter(|&k| share[k] < threshold && k != largest) {
                let scale = (0..width).map(|i| weight[(h * width + i) * c + largest].abs()).sum::<f32>() / width as f32;
                for i in 0..width {
                    let from = weight[(h * width + i) * c + largest];
                    weight[(h * width + i) * c + k] = from + 0.1 * scale * rng.random_range(-1.0f32..1.0);
                }
                bias[h * c + k] = bias[h * c + largest];
                revived += 1;
            }
        }
        if revived > 0 {
            self.heads = BatchedLinear {
                weight: Param::from_data(TensorData::new(weight, [heads, width, c]), &device),
                bias: Param::from_data(TensorData::new(bias, [heads, 1, c]), &device),
            };
        }
        Ok(revived)
    }
}
