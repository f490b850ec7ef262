//! [`TrainConfig`]: everything a run needs, loaded from TOML and saved with every checkpoint.

use std::path::Path;

use mutinf_models::InfoNetConfig;
use serde::{Deserialize, Serialize};

use crate::TrainError;

/// A whole training run: the network, the optimiser, the data, validation and checkpoints.
/// A run is reproducible from this struct alone (see `configs/infonet-*.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrainConfig {
    /// Seeds the initial weights, the data stream and the permutations.
    pub seed: u64,
    /// Optimiser steps in the run (also the horizon of the learning-rate decay).
    pub steps: u64,
    /// The network.
    pub model: InfoNetConfig,
    /// Adam, learning-rate schedule, clipping.
    pub optimizer: OptimizerConfig,
    /// Simulated training data.
    pub data: DataConfig,
    /// The fixed validation set.
    pub validation: ValidationConfig,
    /// Checkpointing.
    pub checkpoint: CheckpointConfig,
}

/// Adam with linear warmup, a decay and global gradient-norm clipping.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptimizerConfig {
    /// Peak learning rate.
    pub learning_rate: f64,
    /// Steps of linear warmup from 0 to the peak.
    #[serde(default)]
    pub warmup_steps: u64,
    /// Decay after warmup.
    #[serde(default)]
    pub decay: Decay,
    /// Clip the global gradient norm (all parameters together) to this value; 0 disables.
    #[serde(default)]
    pub grad_clip_norm: f64,
    /// Adam beta1.
    #[serde(default = "default_beta1")]
    pub beta1: f32,
    /// Adam beta2.
    #[serde(default = "default_beta2")]
    pub beta2: f32,
    /// Adam epsilon.
    #[serde(default = "default_epsilon")]
    pub epsilon: f32,
}

fn default_beta1() -> f32 {
    0.9
}
fn default_beta2() -> f32 {
    0.999
}
fn default_epsilon() -> f32 {
    1e-8
}

/// Learning-rate decay after warmup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Decay {
    /// Constant learning rate.
    #[default]
    Constant,
    /// Cosine from the peak down to `final_fraction` x peak at the last step.
    Cosine {
        /// Learning rate at the last step as a fraction of the peak.
        final_fraction: f64,
    },
    /// Multiply by `gamma` every `every` steps (the official InfoNet: 0.9 every 8000).
    Step {
        /// Factor per period.
        gamma: f64,
        /// Period in steps.
        every: u64,
    },
}

/// The simulated training stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataConfig {
    /// Sequences per step (a fresh GMM for each).
    pub batch_size: usize,
    /// Smallest N per sequence; each step draws N uniformly in `[min_samples, max_samples]`
    /// (rounded to a multiple of 2), the same N for the whole batch.
    pub min_samples: usize,
    /// Largest N per sequence.
    pub max_samples: usize,
    /// The GMM family: `"paper-train"` (the InfoNet paper's training family) or `"paper-mixed"`
    /// (half its components' covariances drawn as `A Aᵀ + 0.01 I`, the evaluation family's rule,
    /// for more thin, near-deterministic components).
    #[serde(default = "default_family")]
    pub family: String,
    /// Batches prepared ahead by each background thread.
    #[serde(default = "default_prefetch")]
    pub prefetch: usize,
    /// Background threads preparing batches (each builds every `threads`-th step; the stream is
    /// the same for any number). One keeps up with a CPU; a GPU consumes a large batch faster
    /// than one thread can simulate it.
    #[serde(default = "default_data_threads")]
    pub threads: usize,
}

fn default_family() -> String {
    "paper-train".into()
}
fn default_prefetch() -> usize {
    4
}
fn default_data_threads() -> usize {
    1
}

/// The fixed, seeded validation set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValidationConfig {
    /// Validate every this many steps (and at step 0 and at the end).
    pub every: u64,
    /// Seed of the validation set (independent of the training seed).
    pub seed: u64,
    /// Samples N per validation sequence.
    pub samples: usize,
    /// Correlations of the bivariate Gaussian grid (analytic truth −½ log(1 − ρ²)).
    pub rho: Vec<f64>,
    /// Sequences per ρ.
    pub repeats: usize,
    /// Training-family sequences whose mean bound is the validation loss.
    pub family_sequences: usize,
    /// GMM triplets (X, Y, Z) for order accuracy; 0 disables.
    #[serde(default)]
    pub triplets: usize,
    /// Components K of the triplet GMMs (cycled over).
    #[serde(default = "default_triplet_k")]
    pub triplet_components: Vec<usize>,
    /// Which score picks the best checkpoint: `"gauss_mae"` or `"val_loss"`.
    #[serde(default = "default_best")]
    pub best_metric: String,
}

fn default_triplet_k() -> Vec<usize> {
    vec![1, 2, 3, 5]
}
fn default_best() -> String {
    "gauss_mae".into()
}

/// Checkpointing of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointConfig {
    /// Write a checkpoint every this many steps (and at the end).
    pub every: u64,
    /// Keep the newest this many step checkpoints (the best is kept separately).
    pub keep_last: usize,
}

impl TrainConfig {
    /// Reads and checks a TOML file.
    pub fn load(path: &Path) -> Result<Self, TrainError> {
        let text = std::fs::read_to_string(path).map_err(|e| TrainError::io(path, e))?;
        let config: Self =
            toml::from_str(&text).map_err(|source| TrainError::ConfigFile { path: path.to_path_buf(), source })?;
        config.check().map_err(|e| match e {
            TrainError::Config(reason) => TrainError::Config(format!("{}: {reason}", path.display())),
            TrainError::ModelConfig { path: None, source } => {
                TrainError::ModelConfig { path: Some(path.to_path_buf()), source }
            }
            other => other,
        })?;
        Ok(config)
    }

    /// Parses and checks TOML text.
    pub fn from_toml(text: &str) -> Result<Self, TrainError> {
        let config: Self = toml::from_str(text).map_err(TrainError::ConfigText)?;
        config.check()?;
        Ok(config)
    }

    /// The config as TOML.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("a TrainConfig always serialises")
    }

    /// Checks every field; the error names the field.
    pub fn check(&self) -> Result<(), TrainError> {
        self.model.check().map_err(TrainError::model_config)?;
        let fail = |msg: &str| Err(TrainError::Config(msg.to_string()));
        if self.steps == 0 {
            return fail("steps must be at least 1");
        }
        let o = &self.optimizer;
        if !(o.learning_rate.is_finite() && o.learning_rate > 0.0) {
            return fail("optimizer.learning_rate must be positive");
        }
        if !(o.grad_clip_norm.is_finite() && o.grad_clip_norm >= 0.0) {
            return fail("optimizer.grad_clip_norm must be >= 0 (0 disables clipping)");
        }
        match o.decay {
            Decay::Cosine { final_fraction } if !(0.0..=1.0).contains(&final_fraction) => {
                return fail("optimizer.decay.final_fraction must lie in [0, 1]");
            }
            Decay::Step { gamma, every } if !(gamma > 0.0 && every > 0) => {
                return fail("optimizer.decay: step decay needs gamma > 0 and every >= 1");
            }
            _ => {}
        }
        let d = &self.data;
        if d.batch_size == 0 {
            return fail("data.batch_size must be at least 1");
        }
        if d.min_samples < 2 * mutinf_models::InfoNetConfig::MIN_SAMPLES || d.max_samples < d.min_samples {
            return fail("data.min_samples must be >= 32 and data.max_samples >= data.min_samples");
        }
        crate::data::family_by_name(&d.family)?;
        let v = &self.validation;
        if v.every == 0 || v.samples < 32 || v.repeats == 0 {
            return fail("validation: every >= 1, samples >= 32 and repeats >= 1 are required");
        }
        if v.rho.iter().any(|r| !(r.is_finite() && r.abs() < 1.0)) {
            return fail("validation.rho: every correlation must lie in (-1, 1)");
        }
        if v.best_metric != "gauss_mae" && v.best_metric != "val_loss" {
            return fail("validation.best_metric must be \"gauss_mae\" or \"val_loss\"");
        }
        if self.checkpoint.every == 0 || self.checkpoint.keep_last == 0 {
            return fail("checkpoint.every and checkpoint.keep_last must be at least 1");
        }
        Ok(())
    }

    /// Learning rate at `step` (0-based) under warmup and decay.
    pub fn learning_rate(&self, step: u64) -> f64 {
        let o = &self.optimizer;
        if step < o.warmup_steps {
            return o.learning_rate * (step + 1) as f64 / o.warmup_steps as f64;
        }
        let after = (step - o.warmup_steps) as f64;
        match o.decay {
            Decay::Constant => o.learning_rate,
            Decay::Cosine { final_fraction } => {
                let span = self.steps.saturating_sub(o.warmup_steps).max(1) as f64;
                let t = (after / span).min(1.0);
                let cos = 0.5 * (1.0 + (std::f64::consts::PI * t).cos());
                o.learning_rate * (final_fraction + (1.0 - final_fraction) * cos)
            }
            Decay::Step { gamma, every } => o.learning_rate * gamma.powi((after as u64 / every) as i32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base(decay: Decay) -> TrainConfig {
        let mut c: TrainConfig =
            toml::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../configs/infonet-small.toml")).unwrap())
                .unwrap();
        c.steps = 110;
        c.optimizer.learning_rate = 1.0;
        c.optimizer.warmup_steps = 10;
        c.optimizer.decay = decay;
        c
    }

    #[test]
    fn warmup_then_cosine_reaches_the_final_fraction() {
        let c = base(Decay::Cosine { final_fraction: 0.1 });
        assert!((c.learning_rate(0) - 0.1).abs() < 1e-12);
        assert!((c.learning_rate(9) - 1.0).abs() < 1e-12);
        assert!((c.learning_rate(10) - 1.0).abs() < 1e-12);
        assert!((c.learning_rate(60) - 0.55).abs() < 1e-12);
        assert!((c.learning_rate(110) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn step_decay_multiplies_every_period() {
        let c = base(Decay::Step { gamma: 0.5, every: 20 });
        assert_eq!(c.learning_rate(29), 1.0);
        assert_eq!(c.learning_rate(30), 0.5);
        assert_eq!(c.learning_rate(70), 0.125);
    }
}
