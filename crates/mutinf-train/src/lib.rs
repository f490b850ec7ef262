//! # mutinf-train
//!
//! Trains [`InfoNet`](mutinf_models::InfoNet) by maximising its Donsker-Varadhan bound on
//! batches of freshly simulated Gaussian mixtures (the InfoNet paper's training family):
//! Adam with warmup, decay and global gradient-norm clipping; a fixed seeded validation set
//! (Gaussian ρ grid with analytic truth, held-out training-family bound, GMM order triplets);
//! `metrics.jsonl`; atomic safetensors checkpoints with metadata; exact resume.
//!
//! ```no_run
//! use mutinf_train::{TrainConfig, TrainRequest, Silent, train};
//! # fn main() -> Result<(), mutinf_train::TrainError> {
//! let config = TrainConfig::load("configs/infonet-small.toml".as_ref())?;
//! let request = TrainRequest {
//!     config: Some(config),
//!     out: "runs/infonet-small".into(),
//!     device: burn::tensor::Device::flex(),
//!     resume: false,
//!     steps: None,
//! };
//! let summary = train(request, &mut Silent)?;
//! println!("best model: {:?}", summary.best);
//! # Ok(())
//! # }
//! ```

mod calibrate;
mod checkpoint;
pub mod regression;
mod config;
pub mod data;
mod error;
mod metrics;
mod trainer;
mod validation;

pub use calibrate::{CalibrationReport, CalibrationRequest, fit_calibration};
pub use checkpoint::{HARDWARE_KEY, HardwareSpan, RunDir, RunLock, RunState, TRAIN_CONFIG_KEY};
pub use config::{CheckpointConfig, DataConfig, Decay, OptimizerConfig, TrainConfig, ValidationConfig};
pub use error::{BoxError, Result, TrainError};
pub use metrics::{MetricLine, Metrics, parse_metrics, read_metrics};
pub use trainer::{Silent, StepReport, TrainObserver, TrainRequest, TrainSummary, clip_global_norm, train};
pub use validation::{GaussPoint, ValidationReport, ValidationSet, gaussian_pairs, gaussian_sequences};
