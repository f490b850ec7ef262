//! The InfoNet network: samples → Perceiver latents → G x G lookup table.

use std::f64::consts::PI;

use burn::module::{Module, Param};
use burn::nn::attention::{MhaInput, MultiHeadAttention, MultiHeadAttentionConfig};
use burn::nn::{Gelu, Initializer, LayerNorm, LayerNormConfig, Linear, LinearConfig};
use burn::tensor::{Device, Tensor, TensorData};

use crate::batch::PreparedBatch;
use crate::readout::{blur, blur_matrix, dv_bound};
use crate::{InfoNetConfig, ModelError};

/// Two linear layers with a GELU between them.
#[derive(Module, Debug)]
pub struct Mlp {
    fc1: Linear,
    fc2: Linear,
    act: Gelu,
}

impl Mlp {
    fn new(d_in: usize, d_hidden: usize, d_out: usize, device: &Device) -> Self {
        Self {
            fc1: LinearConfig::new(d_in, d_hidden).init(device),
            fc2: LinearConfig::new(d_hidden, d_out).init(device),
            act: Gelu::new(),
        }
    }

    fn forward<const D: usize>(&self, x: Tensor<D>) -> Tensor<D> {
        self.fc2.forward(self.act.forward(self.fc1.forward(x)))
    }
}

/// The most elements one intermediate tensor of a pass may hold (2^27 f32 = 512 MiB): the decoder
/// splits its attention into query blocks, and estimates split their batches, to stay under it.
pub const MAX_TENSOR_ELEMENTS: usize = 1 << 27;

/// Context tokens the encoder embeds and attends to at a time. A sequence with more tokens is
/// streamed through the encoder's cross-attention in chunks of this many (an exact online
/// softmax), so its memory no longer grows with N: at N = 10^6 the unchunked pass held ~1 GB of
/// attention scores and ~0.8 GB of token activations. A fixed number, not one derived from the
/// batch, so a sequence's estimate does not depend on the pass it runs in.
pub const TOKEN_CHUNK: usize = 8192;

fn attention(d: usize, heads: usize, device: &Device) -> MultiHeadAttention {
    MultiHeadAttentionConfig::new(d, heads).with_dropout(0.0).init(device)
}

/// Pre-LayerNorm attention block: `q += Attn(LN(q), LN(kv)); q += MLP(LN(q))`. With `kv = None`
/// it is a self-attention block.
#[derive(Module, Debug)]
pub struct AttentionBlock {
    norm_q: LayerNorm,
    norm_kv: Option<LayerNorm>,
    attn: MultiHeadAttention,
    norm_mlp: LayerNorm,
    mlp: Mlp,
}

impl AttentionBlock {
    fn new(config: &InfoNetConfig, cross: bool, device: &Device) -> Self {
        let d = config.d_model;
        Self {
            norm_q: LayerNormConfig::new(d).init(device),
            norm_kv: cross.then(|| LayerNormConfig::new(d).init(device)),
            attn: attention(d, config.heads, device),
            norm_mlp: LayerNormConfig::new(d).init(device),
            mlp: Mlp::new(d, d * config.mlp_ratio, d, device),
        }
    }

    /// # Shapes
    /// - q: `[B, Lq, d]`, kv: `[B, Lk, d]` (ignored for self-attention) → `[B, Lq, d]`
    fn forward(&self, q: Tensor<3>, kv: Option<Tensor<3>>) -> Tensor<3> {
        let qn = self.norm_q.forward(q.clone());
        let kvn = match (&self.norm_kv, kv) {
            (Some(norm), Some(kv)) => norm.forward(kv),
            _ => qn.clone(),
        };
        let x = q + self.attn.forward(MhaInput::new(qn, kvn.clone(), kvn)).context;
        x.clone() + self.mlp.forward(self.norm_mlp.forward(x))
    }

    /// The cross-attention block with the keys and values streamed in chunks: the same result
    /// as `forward(q, Some(kv))` (up to float rounding) where `kv` is the concatenation of
    /// `kv_chunk(range)` over consecutive ranges of `chunk` keys covering `0..lk`, but only one
    /// chunk's keys, values and scores exist at a time. The softmax is merged across chunks
    /// online: each chunk keeps its row maximum m, its sum of exp(s − m) and its weighted values,
    /// and the running state is rescaled by exp(m_old − m_new) when a larger maximum arrives.
    ///
    /// # Shapes
    /// - q: `[B, Lq, d]`, each `kv_chunk(range)`: `[B, range.len(), d]` → `[B, Lq, d]`
    fn forward_streamed(
        &self,
        q: Tensor<3>,
        lk: usize,
        chunk: usize,
        kv_chunk: impl Fn(std::ops::Range<usize>) -> Tensor<3>,
    ) -> Tensor<3> {
        let query = self.query_heads(q.clone());
        let scale = (self.attn.d_k as f32).sqrt();
        let chunk = chunk.max(1);
        // (row maximum [B, h, Lq, 1], sum of exp(s − max) [B, h, Lq, 1], weighted values [B, h, Lq, dk])
        let mut state: Option<(Tensor<4>, Tensor<4>, Tensor<4>)> = None;
        for start in (0..lk).step_by(chunk) {
            let (key, value) = self.key_value_heads(kv_chunk(start..(start + chunk).min(lk)));
            let scores = query.clone().matmul(key).div_scalar(scale);
            let max = scores.clone().max_dim(3);
            let weights = (scores - max.clone()).exp();
            let sum = weights.clone().sum_dim(3);
            let values = weights.matmul(value);
            state = Some(match state {
                None => (max, sum, values),
                Some((old_max, old_sum, old_values)) => {
                    let new_max = old_max.clone().max_pair(max.clone());
                    let keep = (old_max - new_max.clone()).exp();
                    let add = (max - new_max.clone()).exp();
                    (new_max, old_sum * keep.clone() + sum * add.clone(), old_values * keep + values * add)
                }
            });
        }
        let (_, sum, values) = state.expect("forward_streamed needs at least one key");
        self.finish(q, values / sum)
    }

    /// The queries `[Bq, Lq, d]` normalised, projected and split into heads: `[Bq, h, Lq, dk]`.
    fn query_heads(&self, q: Tensor<3>) -> Tensor<4> {
        let [bq, lq, _] = q.dims();
        let (h, dk) = (self.attn.n_heads, self.attn.d_k);
        self.attn.query.forward(self.norm_q.forward(q)).reshape([bq, lq, h, dk]).swap_dims(1, 2)
    }

    /// The keys' side `[B, Lk, d]` normalised (cross-attention), projected and split into heads:
    /// the keys transposed, `[B, h, dk, Lk]`, and the values, `[B, h, Lk, dk]`.
    fn key_value_heads(&self, kv: Tensor<3>) -> (Tensor<4>, Tensor<4>) {
        let [b, lk, _] = kv.dims();
        let (h, dk) = (self.attn.n_heads, self.attn.d_k);
        let kvn = match &self.norm_kv {
            Some(norm) => norm.forward(kv),
            None => kv,
        };
        let key = self.attn.key.forward(kvn.clone()).reshape([b, lk, h, dk]).swap_dims(1, 2).transpose();
        let value = self.attn.value.forward(kvn).reshape([b, lk, h, dk]).swap_dims(1, 2);
        (key, value)
    }

    /// The block's output from the attention context per head `[B, h, Lq, dk]`: heads merged,
    /// output projection plus the residual `q` (`[B, Lq, d]`, or `[1, Lq, d]` broadcast), then
    /// the residual MLP.
    fn finish(&self, q: Tensor<3>, context: Tensor<4>) -> Tensor<3> {
        let [b, h, lq, dk] = context.dims();
        let x = self.attn.output.forward(context.swap_dims(1, 2).reshape([b, lq, h * dk])) + q;
        x.clone() + self.mlp.forward(self.norm_mlp.forward(x))
    }

    /// The cross-attention block for queries shared by the whole batch: the same result as
    /// `forward(q.expand([B, Lq, d]), Some(kv))`, but the query-side work (LayerNorm and query
    /// projection of the G² grid queries) is done once instead of once per sequence, and the
    /// batch dimension broadcasts through the attention product.
    ///
    /// # Shapes
    /// - q: `[1, Lq, d]`, kv: `[B, Lk, d]` → `[B, Lq, d]`
    fn forward_shared_queries(&self, q: Tensor<3>, kv: Tensor<3>) -> Tensor<3> {
        self.forward_shared_queries_within(q, kv, MAX_TENSOR_ELEMENTS)
    }

    /// [`forward_shared_queries`](Self::forward_shared_queries) with the attention scores
    /// computed in query blocks of at most `max_elements` elements each.
    fn forward_shared_queries_within(&self, q: Tensor<3>, kv: Tensor<3>, max_elements: usize) -> Tensor<3> {
        let [_, lq, _] = q.dims();
        let [b, lk, _] = kv.dims();
        let (h, dk) = (self.attn.n_heads, self.attn.d_k);
        let query = self.query_heads(q.clone());
        let (key, value) = self.key_value_heads(kv);
        // The scores [B, h, Lq, Lk] are the largest tensor of the network (G² queries for every
        // sequence): computed in blocks of queries so that none exceeds `max_elements` (GPU
        // backends cap a single buffer; wgpu at 2 GiB).
        let block = (max_elements / (b * h * lk).max(1)).clamp(1, lq);
        let scale = (dk as f32).sqrt();
        let contexts: Vec<Tensor<4>> = (0..lq)
            .step_by(block)
            .map(|start| {
                let end = (start + block).min(lq);
                let q_block = query.clone().slice([0..1, 0..h, start..end, 0..dk]);
                // [1, h, Lb, dk] x [B, h, dk, Lk] broadcasts over the batch → [B, h, Lb, Lk].
                let scores = q_block.matmul(key.clone()).div_scalar(scale);
                burn::tensor::activation::softmax(scores, 3).matmul(value.clone())
            })
            .collect();
        let context = if contexts.len() == 1 { contexts.into_iter().next().unwrap() } else { Tensor::cat(contexts, 2) };
        self.finish(q, context)
    }
}

/// InfoNet: reads a batch of copula-transformed sequences and returns, per sequence, a lookup
/// table T over the unit square whose Donsker-Varadhan bound estimates I(X; Y).
///
/// Build it with [`InfoNetConfig::init`]; estimate MI with [`InfoNet::estimate`] /
/// [`InfoNet::estimate_batch`]; train it by maximising [`InfoNet::bound`].
#[derive(Module, Debug)]
pub struct InfoNet {
    /// Fourier features of a pair → d.
    token_embed: Mlp,
    /// The L learned latents `[L, d]`.
    latents: Param<Tensor<2>>,
    /// Latents attend to the sample tokens.
    encoder_cross: AttentionBlock,
    /// Self-attention over the latents.
    encoder_self: Vec<AttentionBlock>,
    /// Fourier features of a cell centre → d.
    query_embed: Mlp,
    /// Grid queries attend to the latents.
    decoder_cross: AttentionBlock,
    /// LN → MLP → one value per cell.
    head_norm: LayerNorm,
    head: Mlp,
    /// Constant: frequencies pi 2^k `[F]` (not trained, not saved).
    frequencies: Tensor<1>,
    /// Constant: Fourier features of the G² cell centres `[G², 2 + 4F]`.
    cell_features: Tensor<2>,
    /// Constant: the blur matrix `[G, G]` (see [`blur_matrix`]).
    blur_kernel: Tensor<2>,
    /// The configuration the network was built from (sizes, R, holdout).
    #[module(skip)]
    config: InfoNetConfig,
    /// Optional monotone correction of the raw bound (from the checkpoint; see
    /// [`Calibration`](crate::Calibration)).
    #[module(skip)]
    calibration: Option<crate::Calibration>,
    /// Forward passes an estimate runs at the same time (see [`InfoNet::with_lanes`]).
    #[module(skip)]
    lanes: usize,
    /// How estimates read the bound (see [`InfoNet::with_readout`]).
    #[module(skip)]
    readout: crate::Readout,
}

fn frequencies(config: &InfoNetConfig) -> Vec<f64> {
    (0..config.fourier_frequencies).map(|k| PI * 2f64.powi(k as i32)).collect()
}

/// Fourier features of points in the unit square: `[u − ½, v − ½, sin(f u)…, cos(f u)…,
/// sin(f v)…, cos(f v)…]`, width `2 + 4F`.
fn fourier_host(u: f64, v: f64, freqs: &[f64], out: &mut Vec<f32>) {
    out.push((u - 0.5) as f32);
    out.push((v - 0.5) as f32);
    for t in [u, v] {
        out.extend(freqs.iter().map(|f| (f * t).sin() as f32));
        out.extend(freqs.iter().map(|f| (f * t).cos() as f32));
    }
}

impl InfoNetConfig {
    /// Builds a freshly initialised network on `device` (seed the device first with
    /// `device.seed(..)` for reproducible weights).
    pub fn init(&self, device: &Device) -> Result<InfoNet, ModelError> {
        self.check()?;
        let d = self.d_model;
        let features = 2 + 4 * self.fourier_frequencies;
        let freqs = frequencies(self);
        let g = self.grid;
        let mut cells = Vec::with_capacity(g * g * features);
        for i in 0..g {
            for j in 0..g {
                fourier_host((i as f64 + 0.5) / g as f64, (j as f64 + 0.5) / g as f64, &freqs, &mut cells);
            }
        }
        let freqs32: Vec<f32> = freqs.iter().map(|f| *f as f32).collect();
        Ok(InfoNet {
            token_embed: Mlp::new(features, d * self.mlp_ratio, d, device),
            latents: Initializer::Normal { mean: 0.0, std: 0.02 }.init([self.latents, d], device),
            encoder_cross: AttentionBlock::new(self, true, device),
            encoder_self: (0..self.self_blocks).map(|_| AttentionBlock::new(self, false, device)).collect(),
            query_embed: Mlp::new(features, d * self.mlp_ratio, d, device),
            decoder_cross: AttentionBlock::new(self, true, device),
            head_norm: LayerNormConfig::new(d).init(device),
            head: Mlp::new(d, d * self.mlp_ratio, 1, device),
            frequencies: Tensor::from_data(TensorData::new(freqs32, [self.fourier_frequencies]), device),
            cell_features: Tensor::from_data(TensorData::new(cells, [g * g, features]), device),
            blur_kernel: Tensor::from_data(TensorData::new(blur_matrix(g, self.blur_sigma), [g, g]), device),
            config: self.clone(),
            calibration: None,
            lanes: 1,
            readout: crate::Readout::default(),
        })
    }
}

/// Serialises seeded initialisations: the backends' random generator is process-wide.
pub(crate) static INIT_LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl InfoNetConfig {
    /// Builds a network whose initial weights depend only on `seed` (and the config), even
    /// when other threads draw random numbers on the same backend at the same time.
    pub fn init_seeded(&self, device: &Device, seed: u64) -> Result<InfoNet, ModelError> {
        let _guard = INIT_LOCK.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        device.seed(seed);
        Ok(self.init(device)?.materialize())
    }
}

impl InfoNet {
    /// The calibration applied to estimates, if the checkpoint carried one.
    pub fn calibration(&self) -> Option<&crate::Calibration> {
        self.calibration.as_ref()
    }

    /// Sets (or removes) the calibration applied by [`Readout::Trained`](crate::Readout), and
    /// selects the readout it belongs to: `Trained` with a calibration (it was fitted to that
    /// readout's values), the default [`Readout::ScaleFitted`](crate::Readout) without.
    /// Call [`with_readout`](Self::with_readout) afterwards to choose otherwise.
    pub fn with_calibration(mut self, calibration: Option<crate::Calibration>) -> Self {
        self.readout = if calibration.is_some() { crate::Readout::Trained } else { crate::Readout::default() };
        self.calibration = calibration;
        self
    }

    /// Runs up to `lanes` forward passes of an estimate at the same time (default 1).
    ///
    /// For CPU backends: their operators parallelise poorly over cores at InfoNet's sizes (on
    /// 2 cores one pass with 2 threads is only ~1.2x faster than with 1), so an estimate splits
    /// its sequences (or, for a single pair, its two folds) into `lanes` independent passes run
    /// in parallel; set it to the number of cores. Memory stays within the same budget (each
    /// lane gets a share of [`MAX_TENSOR_ELEMENTS`]). Keep 1 on a GPU, where one large pass is
    /// best. Estimates do not depend on it beyond float rounding.
    ///
    /// ```
    /// use mutinf_models::InfoNetConfig;
    /// let net = InfoNetConfig::new().with_grid(8).init(&burn::tensor::Device::flex()).unwrap();
    /// assert_eq!(net.with_lanes(4).lanes(), 4);
    /// ```
    pub fn with_lanes(mut self, lanes: usize) -> Self {
        self.lanes = lanes.max(1);
        self
    }

    /// Sets how [`estimate`](Self::estimate), [`estimate_batch`](Self::estimate_batch) and
    /// [`estimate_sequences`](Self::estimate_sequences) read the bound (default
    /// [`Readout::ScaleFitted`](crate::Readout::ScaleFitted), or
    /// [`Readout::Trained`](crate::Readout::Trained) for a calibrated network).
    ///
    /// ```
    /// use mutinf_models::{InfoNetConfig, Readout};
    /// let net = InfoNetConfig::new().with_grid(8).init(&burn::tensor::Device::flex()).unwrap();
    /// assert_eq!(net.with_readout(Readout::ScaleFitted).readout(), Readout::ScaleFitted);
    /// ```
    pub fn with_readout(mut self, readout: crate::Readout) -> Self {
        self.readout = readout;
        self
    }

    /// How estimates read the bound (see [`with_readout`](Self::with_readout)).
    pub fn readout(&self) -> crate::Readout {
        self.readout
    }

    /// Concurrent forward passes per estimate (see [`with_lanes`](Self::with_lanes)).
    pub fn lanes(&self) -> usize {
        self.lanes
    }

    /// Side G of the table.
    pub fn grid(&self) -> usize {
        self.config.grid
    }

    /// The configuration the network was built from.
    pub fn config(&self) -> &InfoNetConfig {
        &self.config
    }

    /// The device the network's tensors live on.
    pub fn device(&self) -> Device {
        self.blur_kernel.device()
    }

    /// The most elements any unblocked intermediate tensor of a pass holds per sequence with
    /// `tokens` context tokens: the token MLP and the encoder's attention scores (over at most
    /// [`TOKEN_CHUNK`] tokens at a time), the grid MLP, and the scores an estimate reads on the
    /// host. (The decoder's scores are computed in query blocks; see [`MAX_TENSOR_ELEMENTS`].)
    /// Used to size an estimate's passes.
    pub fn elements_per_sequence(&self, tokens: usize) -> usize {
        let c = &self.config;
        let hidden = c.d_model * c.mlp_ratio.max(1);
        let cells = c.grid * c.grid;
        // The encoder sees at most TOKEN_CHUNK tokens at a time; the scores the bound reads
        // ((1 + R) per scored pair) are kept on the host.
        let streamed = tokens.min(TOKEN_CHUNK);
        let readout = tokens * (1 + c.permutations);
        [streamed * hidden, cells * hidden.max(c.d_model), c.heads * c.latents * streamed, readout]
            .into_iter()
            .max()
            .unwrap_or(1)
    }

    /// The constant blur matrix `[G, G]`.
    pub fn blur_kernel(&self) -> Tensor<2> {
        self.blur_kernel.clone()
    }

    /// Fourier features of the tokens, computed on the device.
    ///
    /// # Shapes
    /// - points: `[B, N, 2]` → `[B, N, 2 + 4F]`
    fn token_features(&self, points: Tensor<3>) -> Tensor<3> {
        let [b, n, _] = points.dims();
        let f = self.frequencies.dims()[0];
        if f == 0 {
            return points - 0.5;
        }
        let scaled = points.clone().unsqueeze_dim::<4>(3) * self.frequencies.clone().reshape([1, 1, 1, f]);
        let sin = scaled.clone().sin();
        let cos = scaled.cos();
        // Order per coordinate: sin…, cos… (matches `fourier_host`).
        let per_coord = Tensor::cat(vec![sin, cos], 3).reshape([b, n, 4 * f]);
        Tensor::cat(vec![points - 0.5, per_coord], 2)
    }

    /// The latents after the encoder, with the tokens streamed in chunks of `chunk` when a
    /// sequence has more than that.
    ///
    /// # Shapes
    /// - points: `[B, N, 2]` → `[B, L, d]`
    fn encode(&self, points: Tensor<3>, chunk: usize) -> Tensor<3> {
        let [b, n, _] = points.dims();
        let [l, d] = self.latents.dims();
        let latents = self.latents.val().unsqueeze_dim::<3>(0).expand([b, l, d]);
        let embed = |points: Tensor<3>| self.token_embed.forward(self.token_features(points));
        let mut latents = if n <= chunk {
            self.encoder_cross.forward(latents, Some(embed(points)))
        } else {
            // Long sequences: embed and attend to the tokens a chunk at a time (same result).
            self.encoder_cross
                .forward_streamed(latents, n, chunk, |range| embed(points.clone().slice([0..b, range, 0..2])))
        };
        for block in &self.encoder_self {
            latents = block.forward(latents, None);
        }
        latents
    }

    /// The raw (unblurred) table.
    ///
    /// # Shapes
    /// - points: `[B, N, 2]` copula pairs in (0, 1) → `[B, G, G]`
    pub fn raw_table(&self, points: Tensor<3>) -> Tensor<3> {
        let [b, _, _] = points.dims();
        let latents = self.encode(points, TOKEN_CHUNK);
        let g = self.config.grid;
        // The grid queries are the same for every sequence: embed them once, not B times.
        let queries = self.query_embed.forward(self.cell_features.clone()).unsqueeze_dim::<3>(0);
        let decoded = self.decoder_cross.forward_shared_queries(queries, latents);
        self.head.forward(self.head_norm.forward(decoded)).reshape([b, g, g])
    }

    /// The smoothed table the bound reads: the raw table under the fixed blur.
    ///
    /// # Shapes
    /// - points: `[B, N, 2]` → `[B, G, G]`
    pub fn table(&self, points: Tensor<3>) -> Tensor<3> {
        blur(self.raw_table(points), &self.blur_kernel)
    }

    /// The Donsker-Varadhan bound of every sequence of a prepared batch, `[B]` (nats).
    /// Training maximises its mean.
    pub fn bound(&self, batch: &PreparedBatch, device: &Device) -> Tensor<1> {
        let (joint, marginal) = self.scores(batch, device);
        dv_bound(joint, marginal)
    }

    /// The smoothed tables of a prepared batch read at its scored pairs, `[B, n]`, and at their
    /// R permutations, `[B, R, n]`: what [`bound`](Self::bound) combines.
    pub fn scores(&self, batch: &PreparedBatch, device: &Device) -> (Tensor<2>, Tensor<3>) {
        let points = Tensor::<3>::from_data(
            TensorData::new(batch.context.clone(), [batch.batch, batch.n_context, 2]),
            device,
        );
        batch.plan.read(self.table(points), device)
    }
}

#[cfg(test)]
mod tests {
    use burn::tensor::{Distribution, Tensor};

    use super::*;

    /// A cross-attention block (d = 16, 4 heads), one set of 9 shared queries `[1, 9, 16]` and
    /// keys for 3 sequences `[3, 5, 16]`, all random.
    fn block_queries_keys() -> (AttentionBlock, Tensor<3>, Tensor<3>) {
        let device = Device::flex();
        let config = InfoNetConfig::new().with_d_model(16).with_heads(4);
        let block = AttentionBlock::new(&config, true, &device);
        let q = Tensor::<3>::random([1, 9, 16], Distribution::Normal(0.0, 1.0), &device);
        let kv = Tensor::<3>::random([3, 5, 16], Distribution::Normal(0.0, 1.0), &device);
        (block, q, kv)
    }

    #[test]
    fn shared_queries_equal_expanded_queries() {
        let (block, q, kv) = block_queries_keys();
        let expanded = block.forward(q.clone().expand([3, 9, 16]), Some(kv.clone()));
        let shared = block.forward_shared_queries(q, kv);
        assert_eq!(shared.dims(), [3, 9, 16]);
        let diff = (expanded - shared).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-5, "max difference {diff}");
    }

    #[test]
    fn streamed_keys_equal_one_pass() {
        // 23 random keys in chunks of 1, 5 (the last ragged), all and more than all: with random
        // keys the running maximum changes between chunks, so the rescaling is exercised.
        let device = Device::flex();
        let config = InfoNetConfig::new().with_d_model(16).with_heads(4);
        let block = AttentionBlock::new(&config, true, &device);
        let q = Tensor::<3>::random([2, 7, 16], Distribution::Normal(0.0, 1.0), &device);
        let kv = Tensor::<3>::random([2, 23, 16], Distribution::Normal(0.0, 1.0), &device);
        let whole = block.forward(q.clone(), Some(kv.clone()));
        for chunk in [1, 5, 23, 40] {
            let streamed = block.forward_streamed(q.clone(), 23, chunk, |r| kv.clone().slice([0..2, r, 0..16]));
            let diff = (whole.clone() - streamed).abs().max().into_scalar::<f32>();
            assert!(diff < 1e-5, "chunk {chunk}: max difference {diff}");
        }
    }

    #[test]
    fn streamed_encoder_equals_one_pass() {
        // 2 sequences of 300 tokens in chunks of 64 (5 chunks, the last ragged).
        let device = Device::flex();
        let net = InfoNetConfig::new().with_d_model(16).with_heads(4).with_grid(8).init(&device).unwrap();
        let points = Tensor::<3>::random([2, 300, 2], Distribution::Uniform(0.0, 1.0), &device);
        let whole = net.encode(points.clone(), usize::MAX);
        let streamed = net.encode(points, 64);
        let diff = (whole - streamed).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-4, "max difference {diff}");
    }

    #[test]
    fn query_blocks_do_not_change_the_result() {
        // 3 sequences x 4 heads x 5 keys = 60 elements per query: a budget of 250 elements
        // forces blocks of 4 queries, the last one ragged (9 = 4 + 4 + 1).
        let (block, q, kv) = block_queries_keys();
        let whole = block.forward_shared_queries_within(q.clone(), kv.clone(), usize::MAX);
        let blocked = block.forward_shared_queries_within(q, kv, 250);
        let diff = (whole - blocked).abs().max().into_scalar::<f32>();
        assert!(diff < 1e-6, "max difference {diff}");
    }
}
