//! The crate's one error type. Every message names the component or field, the problem, and the fix.

use mutinf_core::MutinfError;

/// Result alias for this crate.
pub type Result<T, E = GmmError> = std::result::Result<T, E>;

/// Everything that can go wrong building, fitting or using a Gaussian mixture.
///
/// Variants carry the offending values so callers can build their own messages; the `Display`
/// text is written for the person who supplied the parameters.
///
/// ```
/// use mutinf_gmm::{GaussianMixture, GmmError};
/// let err = GaussianMixture::new(vec![0.5, 0.4], vec![vec![0.0], vec![1.0]], vec![vec![vec![1.0]], vec![vec![1.0]]])
///     .unwrap_err();
/// assert!(matches!(err, GmmError::WeightSum { .. }));
/// assert!(err.to_string().contains("normalise"));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum GmmError {
    /// No components were given.
    #[error(
        "a Gaussian mixture needs at least one component; pass one weight, mean and covariance per component"
    )]
    NoComponents,

    /// Weights, means and covariances differ in count.
    #[error(
        "got {weights} weights, {means} means and {covariances} covariances; \
         pass exactly one weight, one mean and one covariance per component"
    )]
    ComponentCountMismatch {
        weights: usize,
        means: usize,
        covariances: usize,
    },

    /// A mean or covariance has the wrong number of entries.
    #[error(
        "component {component}: {what} has {found} entries but the mixture is {expected}-dimensional \
         (set by component 0's mean); give every mean d entries and every covariance d rows of d entries"
    )]
    DimensionMismatch {
        component: usize,
        what: String,
        expected: usize,
        found: usize,
    },

    /// A weight, mean or covariance entry is NaN or infinite.
    #[error(
        "component {component}: {what} is {value}; every weight, mean and covariance entry must be finite"
    )]
    NonFinite {
        component: usize,
        what: String,
        value: f64,
    },

    /// A weight is zero or negative.
    #[error(
        "component {component}: weight {value} is not positive; give it a positive weight or drop the component"
    )]
    NonPositiveWeight { component: usize, value: f64 },

    /// The weights do not sum to one.
    #[error(
        "weights sum to {sum}, not 1 (tolerance 1e-9); normalise them by dividing each by their sum"
    )]
    WeightSum { sum: f64 },

    /// A covariance is not symmetric.
    #[error(
        "component {component}: covariance is not symmetric (entry ({row},{col}) = {upper} but ({col},{row}) = {lower}); \
         pass a symmetric matrix, e.g. (S + S^T) / 2"
    )]
    NotSymmetric {
        component: usize,
        row: usize,
        col: usize,
        upper: f64,
        lower: f64,
    },

    /// A covariance is not positive definite.
    #[error(
        "component {component}: covariance is not positive definite (Cholesky failed at pivot {pivot}); \
         make it symmetric positive definite, e.g. add a small multiple of the identity"
    )]
    NotPositiveDefinite { component: usize, pivot: usize },

    /// A coordinate block is empty, out of range, repeated or overlaps the other block.
    #[error("invalid coordinates for {block}: {reason}")]
    InvalidCoordinates { block: String, reason: String },

    /// A parameter (of a family, Monte-Carlo options, EM config, ...) is outside its range.
    #[error("invalid {name} = {value}: {reason}")]
    InvalidParameter {
        name: String,
        value: String,
        reason: String,
    },

    /// Data passed to EM contains NaN or infinity.
    #[error(
        "data has the non-finite value {value} at row {row}, column {column} (0-based); remove or impute NaN/inf rows before fitting"
    )]
    NonFiniteData {
        row: usize,
        column: usize,
        value: f64,
    },

    /// Too few rows to fit the requested model.
    #[error(
        "EM with {components} components in {dim} dimensions needs at least {min} rows, got {rows}; \
         supply more rows or ask for fewer components"
    )]
    TooFewRows {
        rows: usize,
        min: usize,
        components: usize,
        dim: usize,
    },

    /// A covariance lost positive definiteness during EM.
    #[error(
        "EM: covariance of component {component} became singular at iteration {iteration}; \
         increase reg_covar (e.g. 1e-6) or ask for fewer components"
    )]
    SingularCovariance { component: usize, iteration: usize },

    /// The size-norm model was given no animals.
    #[error(
        "size-norm model: no animals given; pass one T x KD pose array per animal (at least one)"
    )]
    NoAnimals,

    /// Two animals' pose arrays have different numbers of columns.
    #[error(
        "size-norm model: animal {animal} has {found} columns but animal 0 has {expected}; every animal \
         needs the same keypoint layout (T x KD, K keypoints in D dimensions, in the same order)"
    )]
    AnimalDimMismatch {
        animal: usize,
        expected: usize,
        found: usize,
    },

    /// The latent dimension exceeds the observed dimension.
    #[error(
        "size-norm model: latent dimension M = {latent} exceeds the observed dimension KD = {observed}; \
         choose 1 <= M <= KD (the latent pose is a compression of the keypoints)"
    )]
    LatentTooLarge { latent: usize, observed: usize },

    /// An animal has too few frames for the requested model.
    #[error(
        "size-norm model: animal {animal} has {frames} frames but needs at least {min} \
         (max(components = {components}, latent dimension + 2 = {latent_plus_two})); \
         supply more frames or lower the latent dimension / component count"
    )]
    TooFewFrames {
        animal: usize,
        frames: usize,
        min: usize,
        components: usize,
        latent_plus_two: usize,
    },

    /// An animal's pose array contains NaN or infinity.
    #[error(
        "size-norm model: animal {animal} has the non-finite value {value} at frame {frame}, column {column} \
         (0-based); remove or impute NaN/inf frames before fitting"
    )]
    NonFiniteFrame {
        animal: usize,
        frame: usize,
        column: usize,
        value: f64,
    },

    /// A covariance or normal-equation matrix lost positive definiteness during size-norm EM.
    #[error(
        "size-norm EM: {what} became singular at iteration {iteration}; raise reg_covar or \
         min_noise_variance, add a map prior (map_prior > 0), or fit fewer components / a smaller latent dimension"
    )]
    SizeNormSingular { what: String, iteration: usize },

    /// A per-animal view of a size-norm model (e.g. its observed mixture) is invalid.
    #[error("size-norm model, animal {animal}: {source}")]
    AnimalModel {
        animal: usize,
        #[source]
        source: Box<GmmError>,
    },

    /// MI-level bucketing ran out of draws before a level was full.
    #[error(
        "MI-level bucketing: level {level} holds {filled} of {wanted} mixtures after {draws} draws; \
         widen half_width, raise max_draws, or drop that level"
    )]
    LevelUnfilled {
        level: f64,
        filled: usize,
        wanted: usize,
        draws: usize,
    },
}

impl GmmError {
    /// Shorthand for [`GmmError::InvalidParameter`].
    pub fn invalid(
        name: impl Into<String>,
        value: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> Self {
        Self::InvalidParameter {
            name: name.into(),
            value: value.to_string(),
            reason: reason.into(),
        }
    }

    pub(crate) fn coords(block: &str, reason: impl Into<String>) -> Self {
        Self::InvalidCoordinates {
            block: block.into(),
            reason: reason.into(),
        }
    }
}

/// Lets callers use `?` on mixture code inside functions returning [`mutinf_core::Result`].
///
/// Data problems map onto their `mutinf-core` counterparts; everything else is a parameter
/// problem and becomes [`MutinfError::InvalidParameter`] carrying this crate's full message.
///
/// ```
/// use mutinf_gmm::GaussianMixture;
/// fn build() -> mutinf_core::Result<GaussianMixture> {
///     Ok(GaussianMixture::bivariate_gaussian(1.5)?)
/// }
/// assert!(build().unwrap_err().to_string().contains("rho"));
/// ```
impl From<GmmError> for MutinfError {
    fn from(e: GmmError) -> Self {
        match e {
            GmmError::NonFiniteData { row, column, value } => MutinfError::NonFinite {
                row,
                column: format!("column {column}"),
                value,
            },
            GmmError::NonFiniteFrame {
                animal,
                frame,
                column,
                value,
            } => MutinfError::NonFinite {
                row: frame,
                column: format!("animal {animal}, column {column}"),
                value,
            },
            GmmError::TooFewFrames {
                animal,
                frames,
                min,
                ..
            } => MutinfError::TooFewSamples {
                n: frames,
                min,
                what: format!("size-norm fitting (animal {animal})"),
                hint: " or lower the latent dimension / component count".into(),
            },
            GmmError::TooFewRows { rows, min, .. } => MutinfError::TooFewSamples {
                n: rows,
                min,
                what: "EM fitting of a Gaussian mixture".into(),
                hint: " or ask for fewer components".into(),
            },
            GmmError::InvalidParameter {
                name,
                value,
                reason,
            } => MutinfError::InvalidParameter {
                name,
                value,
                reason,
            },
            other => {
                let reason = other.to_string();
                MutinfError::InvalidParameter {
                    name: "Gaussian mixture".into(),
                    value: other.subject(),
                    reason,
                }
            }
        }
    }
}

impl GmmError {
    /// A short label of what the error is about, used as the `value` when converting.
    fn subject(&self) -> String {
        match self {
            Self::DimensionMismatch { component, .. }
            | Self::NonFinite { component, .. }
            | Self::NonPositiveWeight { component, .. }
            | Self::NotSymmetric { component, .. }
            | Self::NotPositiveDefinite { component, .. }
            | Self::SingularCovariance { component, .. } => format!("component {component}"),
            Self::WeightSum { sum } => format!("weights summing to {sum}"),
            Self::InvalidCoordinates { block, .. } => block.clone(),
            Self::LevelUnfilled { level, .. } => format!("MI level {level}"),
            Self::AnimalDimMismatch { animal, .. } | Self::AnimalModel { animal, .. } => {
                format!("animal {animal}")
            }
            Self::LatentTooLarge { latent, .. } => format!("latent dimension {latent}"),
            _ => "parameters".into(),
        }
    }
}
