//! Errors of the trainer.

use std::path::{Path, PathBuf};

/// What can stop a training run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrainError {
    /// A bad or inconsistent configuration, or a run folder in the wrong state.
    #[error("training config: {0}")]
    Config(String),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, #[source] source: std::io::Error },
    /// Simulating data failed.
    #[error("training data: {0}")]
    Data(String),
    /// The network failed.
    #[error("model: {0}")]
    Model(String),
    /// A checkpoint could not be written or read.
    #[error("checkpoint: {0}")]
    Checkpoint(String),
    /// The loss or gradients became non-finite.
    #[error("training diverged: {0}; lower optimizer.learning_rate or set optimizer.grad_clip_norm")]
    Diverged(String),
}

impl TrainError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }
}
