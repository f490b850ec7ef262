//! Shared by the trainer's test binaries: a tiny config (seconds per run on a CPU) and the
//! request that trains it into a folder.

use std::path::Path;

use burn::tensor::Device;
use mutinf_train::{TrainConfig, TrainRequest};

pub const TINY: &str = r#"
seed = 5
steps = 40

[model]
latents = 8
d_model = 16
heads = 2
self_blocks = 1
mlp_ratio = 2
fourier_frequencies = 3
grid = 8
blur_sigma = 0.05
permutations = 2
holdout = true

[optimizer]
learning_rate = 1e-2
warmup_steps = 2
grad_clip_norm = 1.0
decay = { kind = "cosine", final_fraction = 0.5 }

[data]
batch_size = 16
min_samples = 200
max_samples = 256
prefetch = 2

[validation]
every = 10
seed = 3
samples = 256
rho = [0.0, 0.8]
repeats = 2
family_sequences = 32
triplets = 0
best_metric = "val_loss"

[checkpoint]
every = 4
keep_last = 2
"#;

pub fn config(steps: u64) -> TrainConfig {
    let mut c = TrainConfig::from_toml(TINY).unwrap();
    c.steps = steps;
    c
}

pub fn request(config: Option<TrainConfig>, out: &Path, resume: bool) -> TrainRequest {
    TrainRequest { config, out: out.to_path_buf(), device: Device::flex(), resume, steps: None }
}
