//! One line of a run's `metrics.jsonl` ([`MetricLine`]) and its reader ([`read_metrics`]),
//! beside the writer ([`RunDir::log`](crate::RunDir::log)): `mutinf train --plot` and resume read
//! the file through them, so the format lives in one place.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{StepReport, TrainError, ValidationReport};

/// One line of `metrics.jsonl`: `{"kind": "train", "report": …}` or
/// `{"kind": "validation", "wall_seconds": …, "report": …}`.
///
/// ```
/// use mutinf_train::MetricLine;
/// let line = r#"{"kind":"validation","wall_seconds":12.5,"report":{"step":40,"val_loss":-0.1,"gauss_mae":0.02,"gauss":[],"order_accuracy":null,"seconds":0.3}}"#;
/// let parsed: MetricLine = serde_json::from_str(line).unwrap();
/// assert_eq!(parsed.step(), 40);
/// assert_eq!(serde_json::to_string(&parsed).unwrap(), line); // the writer's format
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MetricLine {
    /// One optimiser step.
    Train {
        /// The step's loss, learning rate, gradient norm, timing.
        report: StepReport,
    },
    /// One validation pass.
    Validation {
        /// Training wall seconds of the run when the pass ran.
        wall_seconds: f64,
        /// The pass's scores.
        report: ValidationReport,
    },
}

impl MetricLine {
    /// The step the line belongs to.
    pub fn step(&self) -> u64 {
        match self {
            Self::Train { report } => report.step,
            Self::Validation { report, .. } => report.step,
        }
    }
}

/// The parsed lines of a `metrics.jsonl`, in file order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metrics {
    /// Every line that parsed.
    pub lines: Vec<MetricLine>,
    /// 1-based numbers of non-empty lines that did not parse (a line another process is still
    /// writing, or an edited file).
    pub unreadable: Vec<usize>,
}

impl Metrics {
    /// The training steps' reports, in order.
    pub fn train(&self) -> impl Iterator<Item = &StepReport> {
        self.lines.iter().filter_map(|l| match l {
            MetricLine::Train { report } => Some(report),
            MetricLine::Validation { .. } => None,
        })
    }

    /// The validation passes' reports, in order.
    pub fn validations(&self) -> impl Iterator<Item = &ValidationReport> {
        self.lines.iter().filter_map(|l| match l {
            MetricLine::Validation { report, .. } => Some(report),
            MetricLine::Train { .. } => None,
        })
    }
}

/// Parses `text` (the contents of a `metrics.jsonl`).
pub fn parse_metrics(text: &str) -> Metrics {
    let mut metrics = Metrics::default();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match serde_json::from_str(line) {
            Ok(parsed) => metrics.lines.push(parsed),
            Err(_) => metrics.unreadable.push(i + 1),
        }
    }
    metrics
}

/// Reads a run's `metrics.jsonl`.
///
/// # Errors
/// [`TrainError::Io`] when the file cannot be read.
pub fn read_metrics(path: &Path) -> Result<Metrics, TrainError> {
    let text = std::fs::read_to_string(path).map_err(|e| TrainError::Io { path: path.to_path_buf(), source: e })?;
    Ok(parse_metrics(&text))
}
