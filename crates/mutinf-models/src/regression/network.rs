//! The regression network: a set encoder over k-NN tokens and a head that outputs three
//! quantiles of the true MI.

use burn::config::Config;
use burn::module::Module;
use burn::nn::{Gelu, Linear, LinearConfig, Relu};
use burn::tensor::activation::softplus;
use burn::tensor::{Device, Tensor, TensorData};

use super::features::{TOKEN_FEATURES, TokenFeatures};
use crate::ModelError;

/// The quantile levels the head outputs, in output order: the 90 % interval's ends and the
/// median (the point estimate: the median minimises the expected absolute error).
pub const QUANTILES: [f64; 3] = [0.05, 0.5, 0.95];

/// Which ℓ_k mean the median output is a correction of (k = 4: the lowest-variance plain k-NN
/// estimate of the five), so an untrained head already reads a sensible MI.
const ANCHOR_SLOT: usize = 2;

/// The sample size the `ln N` input is centred on.
const REFERENCE_SAMPLES: f64 = 2000.0;

/// Sizes of a [`MiRegressor`], saved with each checkpoint.
///
/// ```
/// use mutinf_models::regression::RegressorConfig;
/// let config = RegressorConfig::new().with_d_token(16);
/// config.check().unwrap();
/// assert!(RegressorConfig::new().with_token_layers(0).check().is_err());
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct RegressorConfig {
    /// Width of the per-token MLP (its cost is N x `d_token`² per sequence: the main cost).
    #[config(default = 32)]
    pub d_token: usize,
    /// Linear layers of the per-token MLP (each followed by the activation).
    #[config(default = 2)]
    pub token_layers: usize,
    /// The activation after every hidden layer: `"gelu"` (exact, erf-based) or `"relu"`. On the
    /// CPU GELU's erf costs about twice the token MLP's matrix products (measured with
    /// `examples/regression_time`: 1.5 vs 0.46 ms per N = 2000 sequence at batch 64).
    #[config(default = "String::from(\"gelu\")")]
    pub activation: String,
    /// Hidden width of the head MLP.
    #[config(default = 64)]
    pub d_head: usize,
    /// Hidden layers of the head MLP.
    #[config(default = 2)]
    pub head_layers: usize,
}

impl RegressorConfig {
    /// Checks every field; the error names the field and the fix.
    pub fn check(&self) -> Result<(), ModelError> {
        let bad = |field: &str, value: usize, reason: &str| {
            Err(ModelError::InvalidConfig { field: field.into(), value: value.to_string(), reason: reason.into() })
        };
        if self.d_token == 0 {
            return bad("d_token", self.d_token, "the token MLP needs a width of at least 1");
        }
        if self.token_layers == 0 {
            return bad("token_layers", self.token_layers, "the token MLP needs at least 1 layer");
        }
        if self.activation != "gelu" && self.activation != "relu" {
            return Err(ModelError::InvalidConfig {
                field: "activation".into(),
                value: self.activation.clone(),
                reason: "use \"gelu\" or \"relu\"".into(),
            });
        }
        if self.d_head == 0 {
            return bad("d_head", self.d_head, "the head needs a width of at least 1");
        }
        Ok(())
    }

    /// Builds a freshly initialised network on `device` whose weights depend only on `seed`.
    pub fn init_seeded(&self, device: &Device, seed: u64) -> Result<MiRegressor, ModelError> {
        self.check()?;
        let _guard = crate::network::INIT_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        device.seed(seed);
        let mut token = Vec::with_capacity(self.token_layers);
        let mut width = TOKEN_FEATURES;
        for _ in 0..self.token_layers {
            token.push(LinearConfig::new(width, self.d_token).init(device));
            width = self.d_token;
        }
        let mut head = Vec::with_capacity(self.head_layers);
        let mut width = self.d_token + TOKEN_FEATURES + 1;
        for _ in 0..self.head_layers {
            head.push(LinearConfig::new(width, self.d_head).init(device));
            width = self.d_head;
        }
        let out = LinearConfig::new(width, QUANTILES.len()).init(device);
        let relu = self.activation == "relu";
        Ok(MiRegressor { token, head, out, gelu: Gelu::new(), relu: Relu::new(), use_relu: relu, config: self.clone() }.materialize())
    }
}

/// The ground-truth-trained MI regressor: per-token MLP over the k-NN features of the copula
/// sample → mean over tokens, beside the mean raw features and ln N → head MLP → the 5 %, 50 %
/// and 95 % quantiles of I(X;Y) given the sample, in nats.
///
/// Trained (crate `mutinf-train`) with the pinball loss against the true MI of simulated
/// distributions, so unlike the table readouts it is not capped by what a DV bound can read.
/// Symmetric in X and Y and invariant under monotone maps of either margin by construction
/// (see [`TokenFeatures`]).
#[derive(Module, Debug)]
pub struct MiRegressor {
    token: Vec<Linear>,
    head: Vec<Linear>,
    out: Linear,
    gelu: Gelu,
    relu: Relu,
    /// Whether hidden layers use ReLU (else GELU), from the config.
    #[module(skip)]
    use_relu: bool,
    #[module(skip)]
    config: RegressorConfig,
}

/// Host-side input of one forward pass: the token features of `batch` sequences of `n` points.
#[derive(Debug, Clone)]
pub struct RegressorBatch {
    /// Sequences.
    pub batch: usize,
    /// Points per sequence.
    pub n: usize,
    /// `batch x n x TOKEN_FEATURES` values.
    pub tokens: Vec<f32>,
}

impl RegressorBatch {
    /// Stacks sequences of equal length.
    pub fn stack(features: &[TokenFeatures]) -> Result<Self, ModelError> {
        let first = features.first().ok_or(ModelError::EmptyBatch)?;
        let mut tokens = Vec::with_capacity(features.len() * first.values.len());
        for f in features {
            if f.n != first.n {
                return Err(ModelError::RaggedBatch { first: first.n, other: f.n });
            }
            tokens.extend_from_slice(&f.values);
        }
        Ok(Self { batch: features.len(), n: first.n, tokens })
    }
}

impl MiRegressor {
    /// The configuration the network was built from.
    pub fn config(&self) -> &RegressorConfig {
        &self.config
    }

    fn activate<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        if self.use_relu { self.relu.forward(x) } else { self.gelu.forward(x) }
    }

    /// The device the weights live on.
    pub fn device(&self) -> Device {
        self.out.weight.val().device()
    }

    /// `[B, 3]`: the [`QUANTILES`] of I(X;Y) per sequence, in nats, ordered (q05 ≤ q50 ≤ q95).
    ///
    /// # Shapes
    /// - `tokens`: `[B, N, TOKEN_FEATURES]`
    /// - output: `[B, 3]`
    pub fn forward(&self, tokens: Tensor<3>) -> Tensor<2> {
        let n = tokens.dims()[1];
        self.head(self.token_means(tokens), n)
    }

    /// The set-encoder half of [`forward`](Self::forward): per sequence, the mean over its tokens
    /// of the token MLP's output and of the raw features. Means of token chunks combine by their
    /// sizes, which is how a very long sequence is read in bounded memory.
    ///
    /// # Shapes
    /// - `tokens`: `[B, N, TOKEN_FEATURES]`
    /// - output: `[B, d_token + TOKEN_FEATURES]`
    pub fn token_means(&self, tokens: Tensor<3>) -> Tensor<2> {
        let [b, _, f] = tokens.dims();
        let raw_mean = tokens.clone().mean_dim(1).reshape([b, f]);
        let mut h = tokens;
        for layer in &self.token {
            h = self.activate(layer.forward(h));
        }
        let pooled = h.mean_dim(1).reshape([b, self.config.d_token]);
        Tensor::cat(vec![pooled, raw_mean], 1)
    }

    /// The head half of [`forward`](Self::forward): token means of sequences of `n` points →
    /// the three quantiles.
    ///
    /// # Shapes
    /// - `means`: `[B, d_token + TOKEN_FEATURES]`
    /// - output: `[B, 3]`
    pub fn head(&self, means: Tensor<2>, n: usize) -> Tensor<2> {
        let [b, _] = means.dims();
        let log_n = Tensor::<2>::full([b, 1], ((n as f64) / REFERENCE_SAMPLES).ln(), &means.device());
        let anchor = means.clone().narrow(1, self.config.d_token + ANCHOR_SLOT, 1);
        let mut z = Tensor::cat(vec![means, log_n], 1);
        for layer in &self.head {
            z = self.activate(layer.forward(z));
        }
        let out = self.out.forward(z);
        let median = anchor + out.clone().narrow(1, 1, 1);
        let low = median.clone() - softplus(out.clone().narrow(1, 0, 1), 1.0);
        let high = median.clone() + softplus(out.narrow(1, 2, 1), 1.0);
        Tensor::cat(vec![low, median, high], 1)
    }

    /// The forward pass on a host batch.
    pub fn forward_batch(&self, batch: &RegressorBatch) -> Tensor<2> {
        let tokens =
            Tensor::<3>::from_data(TensorData::new(batch.tokens.clone(), [batch.batch, batch.n, TOKEN_FEATURES]), &self.device());
        self.forward(tokens)
    }

    /// Mean pinball (quantile) loss of `predicted` (`[B, 3]`, from [`forward`](Self::forward))
    /// against the true MI `target` (`[B]`), summed over the three quantiles.
    pub fn pinball_loss(predicted: Tensor<2>, target: Tensor<1>) -> Tensor<1> {
        let [b, q] = predicted.dims();
        let device = predicted.device();
        let target = target.reshape([b, 1]);
        let levels = Tensor::<2>::from_data(
            TensorData::new(QUANTILES.iter().map(|&t| t as f32).collect::<Vec<_>>(), [1, q]),
            &device,
        );
        // ρ_τ(e) = max(τ e, (τ − 1) e) with e = truth − prediction.
        let error = target - predicted;
        let upper = error.clone() * levels.clone();
        let lower = error * (levels - 1.0);
        upper.max_pair(lower).sum_dim(1).mean()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untrained_network_outputs_ordered_quantiles_anchored_on_the_knn_mean() {
        let device = Device::flex();
        let net = RegressorConfig::new().init_seeded(&device, 3).unwrap();
        let x: Vec<f64> = (0..300).map(|i| ((i * 7919) % 301) as f64).collect();
        let y: Vec<f64> = x.iter().map(|a| a + ((a * 13.0) % 50.0)).collect();
        let f = TokenFeatures::from_samples(&x, &y).unwrap();
        let out = net.forward_batch(&RegressorBatch::stack(std::slice::from_ref(&f)).unwrap());
        let v: Vec<f32> = out.into_data().try_to_vec().unwrap();
        assert!(v[0] <= v[1] && v[1] <= v[2], "{v:?}");
        // The median is the k = 4 mean plus a bounded correction of an untrained head.
        assert!((f64::from(v[1]) - f.mean_log_density(ANCHOR_SLOT)).abs() < 2.0);
    }

    #[test]
    fn pinball_loss_matches_hand_computation() {
        let device = Device::flex();
        let pred = Tensor::<2>::from_data(TensorData::new(vec![0.0f32, 1.0, 2.0, 1.0, 1.0, 1.0], [2, 3]), &device);
        let target = Tensor::<1>::from_data(TensorData::new(vec![1.5f32, 0.0], [2]), &device);
        let loss: f32 = MiRegressor::pinball_loss(pred, target).into_scalar::<f32>();
        // Row 1: e = (1.5, 0.5, −0.5) → 0.05·1.5 + 0.5·0.5 + 0.05·0.5 = 0.35.
        // Row 2: e = (−1, −1, −1) → 0.95 + 0.5 + 0.05 = 1.5. Mean 0.925.
        assert!((loss - 0.925).abs() < 1e-6, "{loss}");
    }
}
