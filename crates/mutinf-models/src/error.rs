//! Errors of the InfoNet crate; every message says what is wrong and what to do.

use std::path::PathBuf;

/// What can go wrong building, running, saving or loading an InfoNet.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// A configuration field out of range.
    #[error("invalid InfoNet config: {field} = {value}: {reason}")]
    InvalidConfig { field: String, value: String, reason: String },

    /// x and y of different lengths.
    #[error("x has {x} samples but y has {y}; InfoNet needs paired samples")]
    LengthMismatch { x: usize, y: usize },

    /// A NaN or infinite sample.
    #[error("the samples contain the non-finite value {0}; remove or impute it first")]
    NonFinite(f64),

    /// Too few samples in a sequence.
    #[error("InfoNet needs at least {min} samples per sequence, got {n}")]
    TooFewSamples { n: usize, min: usize },

    /// No sequences at all.
    #[error("the batch has no sequences; pass at least one (x, y) pair of sequences")]
    EmptyBatch,

    /// Sequences of different lengths in one batch.
    #[error("all sequences of a batch must have the same length: found {first} and {other}; estimate them in separate batches")]
    RaggedBatch { first: usize, other: usize },

    /// Reading, writing or parsing a checkpoint failed.
    #[error("checkpoint {}: {reason}", path.display())]
    Checkpoint { path: PathBuf, reason: String },

    /// The checkpoint was written for a differently configured network.
    #[error(
        "checkpoint {} was trained with a different InfoNet config ({difference}); \
         load it with the config stored in the file (`load_checkpoint`) or pick a matching checkpoint",
        path.display()
    )]
    ConfigMismatch { path: PathBuf, difference: String },

    /// A checkpoint's metadata value that does not parse.
    #[error("checkpoint metadata {key}: {reason}")]
    Metadata { key: String, reason: String },

    /// The input data failed validation (sliced MI works on [`mutinf_core::PairedSamples`]).
    #[error(transparent)]
    Data(#[from] mutinf_core::MutinfError),

    /// The backend failed while running the network.
    #[error("the compute backend failed: {0}")]
    Backend(String),
}

impl From<ModelError> for mutinf_core::MutinfError {
    fn from(e: ModelError) -> Self {
        match e {
            ModelError::LengthMismatch { x, y } => Self::LengthMismatch { x_rows: x, y_rows: y },
            ModelError::TooFewSamples { n, min } => Self::too_few(n, min, "InfoNet"),
            ModelError::InvalidConfig { field, value, reason } => Self::invalid(field, value, reason),
            ModelError::Data(inner) => inner,
            other => Self::EstimationFailed { method: "InfoNet".into(), reason: other.to_string() },
        }
    }
}
