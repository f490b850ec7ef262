//! [`InfoNetConfig`]: every size and constant of the network, saved with each checkpoint.

use burn::config::Config;

use crate::ModelError;

/// Sizes and fixed constants of an [`InfoNet`](crate::InfoNet).
///
/// Loading always goes config → [`init`](InfoNetConfig::init) → weights, so a checkpoint stores
/// this whole struct and refuses to load into a network built from a different one.
///
/// ```
/// use mutinf_models::InfoNetConfig;
/// let config = InfoNetConfig::new().with_grid(16).with_self_blocks(1);
/// config.check().unwrap();
/// assert_eq!(config.grid, 16);
/// ```
#[derive(Config, Debug, PartialEq)]
pub struct InfoNetConfig {
    /// Number of learned latent vectors L the Perceiver compresses the N samples into.
    #[config(default = 64)]
    pub latents: usize,
    /// Width d of tokens, latents and grid queries.
    #[config(default = 64)]
    pub d_model: usize,
    /// Attention heads in every attention layer (must divide `d_model`).
    #[config(default = 4)]
    pub heads: usize,
    /// Self-attention blocks S over the latents (pre-LayerNorm, GELU MLP).
    #[config(default = 3)]
    pub self_blocks: usize,
    /// Hidden width of every MLP as a multiple of `d_model`.
    #[config(default = 2)]
    pub mlp_ratio: usize,
    /// Fourier frequencies F per coordinate: features sin/cos(pi 2^k u), k = 0..F, for the
    /// sample tokens and for the grid queries.
    #[config(default = 6)]
    pub fourier_frequencies: usize,
    /// Side G of the lookup table T (G x G cells covering the unit square).
    #[config(default = 32)]
    pub grid: usize,
    /// Standard deviation of the fixed Gaussian blur on T, in rank units (fraction of the unit
    /// square), so it means the same at every `grid`. 0 disables the blur.
    #[config(default = 0.02)]
    pub blur_sigma: f64,
    /// Permutations R averaged in the marginal term of the Donsker-Varadhan bound.
    #[config(default = 5)]
    pub permutations: usize,
    /// Score the bound on samples the network did not see: the table is predicted from one half
    /// of each sequence and read on the other half (estimates average both directions). `false`
    /// reads the bound on the same samples the table was predicted from, as the official
    /// InfoNet does, which lets training learn an upward bias at independence.
    #[config(default = true)]
    pub holdout: bool,
}

impl InfoNetConfig {
    /// Checks every field; the error names the field and the fix.
    pub fn check(&self) -> Result<(), ModelError> {
        let bad = |field: &str, value: String, reason: &str| {
            Err(ModelError::InvalidConfig { field: field.to_string(), value, reason: reason.to_string() })
        };
        if self.latents == 0 {
            return bad("latents", self.latents.to_string(), "needs at least 1 latent");
        }
        if self.d_model == 0 || self.heads == 0 || !self.d_model.is_multiple_of(self.heads) {
            return bad(
                "d_model",
                format!("{} with heads = {}", self.d_model, self.heads),
                "d_model must be a positive multiple of heads",
            );
        }
        if self.mlp_ratio == 0 {
            return bad("mlp_ratio", self.mlp_ratio.to_string(), "must be at least 1");
        }
        if self.grid < 2 {
            return bad("grid", self.grid.to_string(), "the table needs at least 2 x 2 cells");
        }
        if !(self.blur_sigma.is_finite() && (0.0..=0.5).contains(&self.blur_sigma)) {
            return bad("blur_sigma", self.blur_sigma.to_string(), "must lie in [0, 0.5] (rank units)");
        }
        if self.permutations == 0 {
            return bad("permutations", self.permutations.to_string(), "needs at least 1 permutation");
        }
        if self.fourier_frequencies > 16 {
            return bad("fourier_frequencies", self.fourier_frequencies.to_string(), "at most 16 (2^15 pi is already below f32 resolution)");
        }
        Ok(())
    }

    /// Minimum sequence length the network accepts.
    pub const MIN_SAMPLES: usize = 16;
}
