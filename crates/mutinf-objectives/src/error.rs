//! The crate's error type.

/// What can go wrong when MI is used as an objective.
#[derive(Debug, thiserror::Error)]
pub enum ObjectiveError {
    /// Bad user input: the message says what is wrong and how to fix it.
    #[error("{0}")]
    InvalidInput(String),

    /// Loading or running the pretrained InfoNet failed.
    #[error("InfoNet MI term: {0}")]
    Model(#[from] mutinf_models::ModelError),

    /// The data failed mutinf's checks (non-finite values, constant columns, ...).
    #[error(transparent)]
    Data(#[from] mutinf_core::MutinfError),

    /// A tensor could not be read back from the backend.
    #[error("the compute backend failed: {0}")]
    Backend(String),
}

/// `Result` with [`ObjectiveError`].
pub type Result<T, E = ObjectiveError> = std::result::Result<T, E>;

/// A tensor's values on the host as `f32`.
pub(crate) fn host<const D: usize>(tensor: burn::tensor::Tensor<D>) -> Result<Vec<f32>> {
    tensor.into_data().try_into_vec::<f32>().map_err(|e| ObjectiveError::Backend(format!("{e:?}")))
}
