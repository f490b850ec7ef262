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

/// The Python exception for `error`.
pub fn to_py(error: Error) -> PyErr {
    match error {
        Error::Json(_) => PyRuntimeError::new_err(error.to_string()),
        Error::Model(mutinf_models::ModelError::Backend(_)) => PyRuntimeError::new_err(error.to_string()),
        _ => PyValueError::new_err(error.to_string()),
    }
}
