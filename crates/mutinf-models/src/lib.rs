//! # mutinf-models
//!
//! InfoNet (Hu et al., 2024, redesigned) in two readouts, both feed-forward: no optimisation per
//! data set.
//!
//! - **Regression** ([`regression`], the default of `mutinf estimate`): exact k-NN statistics of
//!   the copula sample as tokens, a set encoder and a head trained on the *true* MI of simulated
//!   distributions output the median and a 90 % interval of I(X;Y) in one pass; no table.
//! - **Table** ([`InfoNet`]): a Perceiver reads N copula-transformed pairs (u, v) and writes a
//!   G x G lookup table T over the unit square; a fixed Gaussian blur smooths it and the
//!   Donsker-Varadhan bound `mean T(joint) − log mean exp T(permuted)` read from it by bilinear
//!   interpolation is the MI estimate in nats (the paper's method; [`Readout`] picks how the
//!   bound is read). The table is a density-ratio estimate in its own right and differentiable.
//!
//! Trained networks are built in ([`pretrained`]): no file is needed.
//!
//! ```
//! use mutinf_core::{Estimator, MiEstimate, PairedSamples};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let device = burn::tensor::Device::flex();
//! let x: Vec<f64> = (0..1000).map(|i| (i as f64 * 0.013).sin()).collect();
//! let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| v * v + 0.1 * (i as f64 * 7.1).cos()).collect();
//! let samples = PairedSamples::from_columns(&x, &y)?;
//! let est = mutinf_models::regression::RegressionEstimator::pretrained("infonet-gt", &device)?;
//! let one: MiEstimate = est.estimate(&samples)?;
//! let table = mutinf_models::InfoNetEstimator::pretrained("infonet-small", &device)?;
//! let many: Vec<MiEstimate> = table.estimate_many(&[samples.clone(), samples.swapped()])?;
//! assert!(one.mi > 0.0 && many.len() == 2);
//! # Ok(())
//! # }
//! ```
//!
//! The code is backend-agnostic: everything takes a burn [`Device`](burn::tensor::Device)
//! (`Device::flex()`, `Device::ndarray()`, or a wgpu device with the `gpu` feature).

mod batch;
pub mod calibration;
mod checkpoint;
mod config;
mod error;
mod estimate;
pub mod metadata;
mod network;
pub mod notes;
mod sliced;
pub mod pretrained;
pub mod readout;
pub mod regression;

pub use batch::{CopulaSequence, Fold, PreparedBatch, estimate_folds, prepare_batch, prepare_batch_seeded};
pub use checkpoint::{
    CONFIG_KEY, VERSION_KEY, load_checkpoint, load_checkpoint_bytes, load_checkpoint_expecting, load_weights, read_config, read_metadata,
    metadata_from_bytes, save_checkpoint,
};
pub use calibration::{CALIBRATION_KEY, Calibration};
pub use config::InfoNetConfig;
pub use error::ModelError;
pub use estimate::{InfoNetEstimator, InfoNetEstimatorBuilder, MAX_TABLE_SCALE, Readout};
pub use network::{AttentionBlock, InfoNet, MAX_TENSOR_ELEMENTS, Mlp, TOKEN_CHUNK};
pub use sliced::SLICE_BATCH;
