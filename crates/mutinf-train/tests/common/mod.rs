//! Shared by the trainer's test binaries: the tiny config (`configs/infonet-tiny.toml`, seconds
//! per run on a CPU) and the request that trains it into a folder.

use std::path::Path;

use burn::tensor::Device;
use mutinf_train::{TrainConfig, TrainRequest};

pub const TINY: &str = include_str!("../../../../configs/infonet-tiny.toml");

pub fn config(steps: u64) -> TrainConfig {
    let mut c = TrainConfig::from_toml(TINY).unwrap();
    c.steps = steps;
    c
}

pub fn request(config: Option<TrainConfig>, out: &Path, resume: bool) -> TrainRequest {
    TrainRequest { config, out: out.to_path_buf(), device: Device::flex(), resume, steps: None }
}

#[allow(dead_code)] // used by some of the test binaries that include this module
/// `request` with a step target (the CLI's `--steps`).
pub trait WithSteps {
    fn with_steps(self, steps: u64) -> Self;
}

impl WithSteps for TrainRequest {
    fn with_steps(mut self, steps: u64) -> Self {
        self.steps = Some(steps);
        self
    }
}
