//! Errors of the trainer.
//!
//! Each variant's message says what failed; an underlying error is kept as its
//! [`source`](std::error::Error::source) and is *not* repeated in the message, so a caller
//! that prints the whole chain (e.g. `anyhow`'s `{:#}`) shows every cause exactly once.

use std::fmt::Display;
use std::path::{Path, PathBuf};

/// A boxed underlying error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// The trainer's result type.
pub type Result<T, E = TrainError> = std::result::Result<T, E>;

/// What can stop a training run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TrainError {
    /// A bad or inconsistent configuration, or a run folder in the wrong state (a plain
    /// validation message with no underlying error).
    #[error("training config: {0}")]
    Config(String),
    /// A training config file that is not valid TOML (or does not match the schema).
    #[error("training config {} could not be parsed", path.display())]
    ConfigFile {
        /// The config file.
        path: PathBuf,
        /// The parser's error.
        #[source]
        source: toml::de::Error,
    },
    /// Training config text (not read from a file) that is not valid TOML.
    #[error("training config could not be parsed")]
    ConfigText(#[source] toml::de::Error),
    /// The model section of a training config failed the network's own checks.
    #[error("training config{}: invalid model section", path.as_ref().map(|p| format!(" {}", p.display())).unwrap_or_default())]
    ModelConfig {
        /// The config file, when the config was read from one.
        path: Option<PathBuf>,
        /// The network's complaint.
        #[source]
        source: mutinf_models::ModelError,
    },
    /// The run folder is held by another live training process.
    #[error(
        "{} is in use by training process {pid}; wait for it or stop it (kill {pid}) before resuming",
        path.display()
    )]
    RunFolderInUse {
        /// The run folder.
        path: PathBuf,
        /// The process holding `train.lock`.
        pid: u32,
    },
    /// A file could not be read or written (the OS error is the source).
    #[error("{}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Simulating data failed.
    #[error("simulating training data ({what})")]
    Data {
        /// The step that failed.
        what: String,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// A data-producing thread ended before delivering its batches.
    #[error("the training-data thread stopped")]
    DataThreadStopped,
    /// The network failed.
    #[error("the network failed")]
    Model(#[from] mutinf_models::ModelError),
    /// The compute backend failed (errors burn reports without a usable source).
    #[error("the compute backend failed: {0}")]
    Backend(String),
    /// A checkpoint (or another run file) could not be written or read.
    #[error("checkpoint {what}")]
    Checkpoint {
        /// The file, or a short description of what was being read or written.
        what: String,
        /// Why.
        #[source]
        source: BoxError,
    },
    /// The loss or gradients became non-finite.
    #[error("training diverged: {0}; lower optimizer.learning_rate or set optimizer.grad_clip_norm")]
    Diverged(String),
}

impl TrainError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io { path: path.to_path_buf(), source }
    }

    /// A [`TrainError::Data`] failure while doing `what`.
    pub(crate) fn data(what: impl Display, source: impl Into<BoxError>) -> Self {
        Self::Data { what: what.to_string(), source: source.into() }
    }

    /// A [`TrainError::Checkpoint`] failure on `what` (a path or a short description).
    pub(crate) fn checkpoint(what: impl Display, source: impl Into<BoxError>) -> Self {
        Self::Checkpoint { what: what.to_string(), source: source.into() }
    }

    /// A [`TrainError::ModelConfig`] without a file.
    pub(crate) fn model_config(source: mutinf_models::ModelError) -> Self {
        Self::ModelConfig { path: None, source }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    /// The message and every source, joined with ": " (what `anyhow`'s `{:#}` prints).
    fn chain(e: &dyn std::error::Error) -> String {
        let mut out = e.to_string();
        let mut cur = e.source();
        while let Some(s) = cur {
            out.push_str(": ");
            out.push_str(&s.to_string());
            cur = s.source();
        }
        out
    }

    #[test]
    fn io_keeps_its_source_and_does_not_repeat_it() {
        let os = std::io::Error::new(std::io::ErrorKind::NotFound, "no such thing here");
        let e = TrainError::io(Path::new("/runs/x/config.toml"), os);
        assert!(e.source().is_some());
        assert_eq!(e.to_string(), "/runs/x/config.toml");
        assert!(!e.to_string().contains("no such thing here"));
        assert_eq!(chain(&e), "/runs/x/config.toml: no such thing here");
    }

    #[test]
    fn config_file_keeps_the_parse_error() {
        let source = toml::from_str::<toml::Table>("steps = = 3").unwrap_err();
        let detail = source.to_string();
        let e = TrainError::ConfigFile { path: "cfg.toml".into(), source };
        assert!(e.source().is_some());
        assert_eq!(e.to_string(), "training config cfg.toml could not be parsed");
        assert!(chain(&e).ends_with(&detail));
    }

    #[test]
    fn data_and_checkpoint_keep_their_source() {
        let parse = serde_json::from_str::<u32>("x").unwrap_err();
        let e = TrainError::checkpoint("metrics line 3 of m.jsonl", parse);
        assert!(e.source().is_some());
        assert_eq!(e.to_string(), "checkpoint metrics line 3 of m.jsonl");
        let e = TrainError::data("copula transform", mutinf_models::ModelError::EmptyBatch);
        assert!(e.source().is_some());
        assert!(chain(&e).starts_with("simulating training data (copula transform): the batch has no sequences"));
        let e = TrainError::from(mutinf_models::ModelError::EmptyBatch);
        assert!(e.source().is_some() && !e.to_string().contains("no sequences"));
    }

    #[test]
    fn run_folder_in_use_says_what_to_do() {
        let e = TrainError::RunFolderInUse { path: "runs/a".into(), pid: 42 };
        assert_eq!(
            e.to_string(),
            "runs/a is in use by training process 42; wait for it or stop it (kill 42) before resuming"
        );
    }
}
