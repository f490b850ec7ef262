//! # mutinf-models
//!
//! InfoNet (Hu et al., 2024, redesigned): a Perceiver reads N copula-transformed pairs
//! (u, v) and writes a G x G lookup table T over the unit square; a fixed Gaussian blur
//! smooths it and the Donsker-Varadhan bound
//! `mean T(joint) − log mean exp T(permuted)` read from it by bilinear interpolation is the
//! MI estimate in nats. The network is trained (crate `mutinf-train`) to maximise that bound on
//! simulated Gaussian mixtures, so a forward pass replaces an optimisation per dataset.
//!
//! The code is backend-agnostic: everything takes a burn [`Device`](burn::tensor::Device)
//! (`Device::flex()`, `Device::ndarray()`, or a wgpu device with the `gpu` feature).
//!
//! ```no_run
//! use mutinf_models::{load_checkpoint};
//! # fn main() -> Result<(), mutinf_models::ModelError> {
//! let device = burn::tensor::Device::flex();
//! let (net, _metadata) = load_checkpoint("runs/infonet-small/best.safetensors".as_ref(), &device)?;
//! let x: Vec<f64> = (0..1000).map(|i| (i as f64).sin()).collect();
//! let y: Vec<f64> = x.iter().map(|v| v * v).collect();
//! let mi_nats = net.estimate(&x, &y, 0)?;
//! # Ok(())
//! # }
//! ```

mod batch;
pub mod calibration;
mod checkpoint;
mod config;
mod error;
mod estimate;
mod network;
mod sliced;
pub mod readout;

pub use batch::{CopulaSequence, Fold, PreparedBatch, estimate_folds, prepare_batch, prepare_batch_seeded};
pub use checkpoint::{
    CONFIG_KEY, VERSION_KEY, load_checkpoint, load_checkpoint_bytes, load_checkpoint_expecting, load_weights, read_config, read_metadata,
    metadata_from_bytes, save_checkpoint,
};
pub use calibration::{CALIBRATION_KEY, Calibration};
pub use config::InfoNetConfig;
pub use error::ModelError;
pub use estimate::{InfoNetEstimator, MAX_TABLE_SCALE, Readout};
pub use network::{AttentionBlock, InfoNet, MAX_TENSOR_ELEMENTS, Mlp};
pub use sliced::SLICE_BATCH;
