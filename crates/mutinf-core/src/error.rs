//! The one error type of mutinf's libraries. Every message says what is wrong *and* what to do.

use std::path::PathBuf;

/// Result alias used across mutinf crates.
pub type Result<T, E = MutinfError> = std::result::Result<T, E>;

/// Everything that can go wrong between reading a file and returning an estimate.
///
/// Variants carry the offending values (row, column, shapes) so callers can build their own
/// messages; the `Display` text is written for the person who supplied the data.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MutinfError {
    /// A NaN or infinite value in the data.
    #[error(
        "column '{column}' has the non-finite value {value} at row {row} (0-based data row); \
         remove or impute NaN/inf values before estimating MI"
    )]
    NonFinite { row: usize, column: String, value: f64 },

    /// Every value of a column is the same.
    #[error(
        "column '{column}' is constant (every value is {value}); it carries no information — \
         drop it or pick another column"
    )]
    ConstantColumn { column: String, value: f64 },

    /// Fewer samples than a method needs.
    #[error("{what} needs at least {min} samples, got {n}; supply more rows{hint}")]
    TooFewSamples { n: usize, min: usize, what: String, hint: String },

    /// X and Y do not have the same number of rows.
    #[error("X has {x_rows} rows but Y has {y_rows}; X and Y must be paired row by row")]
    LengthMismatch { x_rows: usize, y_rows: usize },

    /// X or Y has no columns.
    #[error("{block} has no columns; select at least one column for {block}")]
    EmptyBlock { block: String },

    /// A file could not be opened, read or written. The OS error is the `source()`, not part of
    /// the message, so printing the chain (as the CLI does) shows it once.
    #[error("cannot read or write {}", path.display())]
    Io { path: PathBuf, #[source] source: std::io::Error },

    /// A CSV row has a different number of fields than the first row.
    #[error(
        "{}, line {line}: expected {expected} fields like the first row, found {found}; \
         every row needs one value per column",
        path.display()
    )]
    RaggedRow { path: PathBuf, line: usize, expected: usize, found: usize },

    /// A CSV field is not a number.
    #[error(
        "{}, line {line}, column '{column}': cannot read '{text}' as a number; \
         fix or remove that value (missing values are not allowed)",
        path.display()
    )]
    Parse { path: PathBuf, line: usize, column: String, text: String },

    /// A file is empty, truncated or in an unsupported layout.
    #[error("{}: {reason}", path.display())]
    Format { path: PathBuf, reason: String },

    /// A column name that is not in the file.
    #[error("unknown column '{name}'; the file's columns are: {available}")]
    UnknownColumn { name: String, available: String },

    /// A column index past the last column.
    #[error("column index {index} is out of range: the file has {count} columns (0-based indices 0..={})", count.saturating_sub(1))]
    ColumnOutOfRange { index: usize, count: usize },

    /// A parameter outside its valid range.
    #[error("invalid {name} = {value}: {reason}")]
    InvalidParameter { name: String, value: String, reason: String },

    /// An estimator ran but could not produce a trustworthy value (e.g. a diverging optimisation).
    #[error("{method} failed: {reason}")]
    EstimationFailed { method: String, reason: String },
}

impl MutinfError {
    /// Shorthand for [`MutinfError::InvalidParameter`].
    ///
    /// ```
    /// let e = mutinf_core::MutinfError::invalid("k", 0, "k must be at least 1");
    /// assert_eq!(e.to_string(), "invalid k = 0: k must be at least 1");
    /// ```
    pub fn invalid(name: impl Into<String>, value: impl std::fmt::Display, reason: impl Into<String>) -> Self {
        Self::InvalidParameter { name: name.into(), value: value.to_string(), reason: reason.into() }
    }

    /// Shorthand for [`MutinfError::TooFewSamples`] without a hint.
    pub fn too_few(n: usize, min: usize, what: impl Into<String>) -> Self {
        Self::TooFewSamples { n, min, what: what.into(), hint: String::new() }
    }

    /// Shorthand for [`MutinfError::Io`].
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io { path: path.into(), source }
    }
}
