//! Errors of the bindings and how they reach Python: a user's mistake (bad data, options or
//! checkpoint) is a `ValueError` with the library's message; an internal failure is a
//! `RuntimeError`.

use pyo3::PyErr;
use pyo3::exceptions::{PyRuntimeError, PyValueError};

/// What can go wrong in a call.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Data or parameters the library rejected.
    #[error(transparent)]
    Mutinf(#[from] mutinf_core::MutinfError),
    /// A checkpoint that cannot be used, or a network that failed.
    #[error(transparent)]
    Model(#[from] mutinf_models::ModelError),
    /// Options the bindings cannot read (unknown name, wrong type).
    #[error("{0}")]
    Options(String),
    /// A result that could not be serialised (a bug, not a user error).
    #[error("internal error while returning the result: {0}")]
    Json(#[from] serde_json::Error),
}

/// The Python exception for `error`, whose message is the whole cause chain ("cannot read or
/// write data.csv: No such file or directory"), as the CLI prints it.
pub fn to_py(error: Error) -> PyErr {
    let message = chain(&error);
    match error {
        Error::Json(_) => PyRuntimeError::new_err(message),
        Error::Model(mutinf_models::ModelError::Backend(_)) => PyRuntimeError::new_err(message),
        _ => PyValueError::new_err(message),
    }
}

/// `error` and its sources joined by ": ", skipping a source whose text the message already
/// holds (some messages quote their cause).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let part = cause.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = cause.source();
    }
    text
}
