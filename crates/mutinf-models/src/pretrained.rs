//! The checkpoints built into the library (cargo feature `pretrained`, on by default), so Rust
//! users, the CLI and the Python package get the trained networks with no file on disk.
//!
//! ```
//! let names = mutinf_models::pretrained::names();
//! assert!(names.contains(&"infonet-small"));
//! let device = burn::tensor::Device::flex();
//! let err = mutinf_models::pretrained::infonet("no-such-model", &device).unwrap_err();
//! assert!(err.to_string().contains("infonet-small"));
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use burn::tensor::Device;

use crate::regression::{MiRegressor, load_regressor_bytes};
use crate::{InfoNet, ModelError, load_checkpoint_bytes};

/// What a built-in checkpoint holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PretrainedKind {
    /// A table InfoNet (DV readouts: trained, scale-fitted).
    Table,
    /// A regression network (the regression readout).
    Regression,
}

/// The built-in checkpoints: name, kind, bytes (about 0.8 MB per table network, 36 kB for the
/// regression network).
static EMBEDDED: &[(&str, PretrainedKind, &[u8])] = &[
    // The regression readout's network (checkpoints/README.md): the default of `mutinf estimate`.
    ("infonet-gt", PretrainedKind::Regression, include_bytes!("../../../checkpoints/infonet-gt.safetensors")),
    // The same recipe with ReLU instead of GELU: about 3x cheaper network, a little less accurate.
    ("infonet-gt-fast", PretrainedKind::Regression, include_bytes!("../../../checkpoints/infonet-gt-fast.safetensors")),
    // The shipped table model: 32 x 32 table (checkpoints/README.md).
    ("infonet-small", PretrainedKind::Table, include_bytes!("../../../checkpoints/infonet-small.safetensors")),
    // The same network resumed on a 16 x 16 table: faster, a little less accurate.
    ("infonet-fast", PretrainedKind::Table, include_bytes!("../../../checkpoints/infonet-fast.safetensors")),
];

/// Names of the built-in checkpoints, in a stable order.
pub fn names() -> Vec<&'static str> {
    EMBEDDED.iter().map(|(n, _, _)| *n).collect()
}

/// The kind of the built-in checkpoint `name`, if there is one.
pub fn kind(name: &str) -> Option<PretrainedKind> {
    EMBEDDED.iter().find(|(n, _, _)| *n == name).map(|(_, k, _)| *k)
}

fn bytes(name: &str, want: PretrainedKind) -> Result<(&'static [u8], String), ModelError> {
    let origin = format!("embedded:{name}");
    match EMBEDDED.iter().find(|(n, _, _)| *n == name) {
        Some((_, kind, bytes)) if *kind == want => Ok((bytes, origin)),
        Some((_, kind, _)) => Err(ModelError::Checkpoint {
            path: origin.into(),
            reason: format!(
                "it is a {kind:?} checkpoint, not a {want:?} one; the {want:?} checkpoints are {}",
                names_of(want).join(", ")
            ),
        }),
        None => Err(ModelError::Checkpoint {
            path: origin.into(),
            reason: format!("no built-in checkpoint has that name; the built-in ones are {}", names().join(", ")),
        }),
    }
}

fn names_of(kind: PretrainedKind) -> Vec<&'static str> {
    EMBEDDED.iter().filter(|(_, k, _)| *k == kind).map(|(n, _, _)| *n).collect()
}

/// Loads the built-in table InfoNet `name` on `device`, with its metadata.
pub fn infonet(name: &str, device: &Device) -> Result<(InfoNet, BTreeMap<String, String>), ModelError> {
    let (bytes, origin) = bytes(name, PretrainedKind::Table)?;
    load_checkpoint_bytes(bytes, Path::new(&origin), device)
}

/// Loads the built-in regression network `name` on `device`, with its metadata.
pub fn regressor(name: &str, device: &Device) -> Result<(MiRegressor, BTreeMap<String, String>), ModelError> {
    let (bytes, origin) = bytes(name, PretrainedKind::Regression)?;
    load_regressor_bytes(bytes, Path::new(&origin), device)
}

/// Prefix that names a built-in checkpoint where a checkpoint path is expected
/// (`embedded:infonet-gt`), in the CLI's `--checkpoint` and Python's `checkpoint=`.
pub const EMBEDDED_PREFIX: &str = "embedded:";

/// The built-in regression network used when no checkpoint is given (the default readout).
pub const DEFAULT_REGRESSION: &str = "infonet-gt";

/// The built-in table network used when no checkpoint is given for a table readout.
pub const DEFAULT_TABLE: &str = "infonet-small";

/// The built-in name a checkpoint argument refers to (`embedded:NAME`), or `None` for a file.
///
/// ```
/// use std::path::Path;
/// use mutinf_models::pretrained::embedded_name;
/// assert_eq!(embedded_name(Path::new("embedded:infonet-gt")), Some("infonet-gt"));
/// assert_eq!(embedded_name(Path::new("runs/a/best.safetensors")), None);
/// ```
pub fn embedded_name(checkpoint: &Path) -> Option<&str> {
    checkpoint.to_str().and_then(|s| s.strip_prefix(EMBEDDED_PREFIX))
}

/// Whether a checkpoint argument (`None`: the default, [`DEFAULT_REGRESSION`]) holds a
/// regression network: a built-in one of that kind, or a file whose metadata says so. An
/// unreadable file answers `false`, so the table loader reports what is wrong with it.
///
/// ```
/// use std::path::Path;
/// use mutinf_models::pretrained::holds_regression;
/// assert!(holds_regression(None));
/// assert!(!holds_regression(Some(Path::new("embedded:infonet-small"))));
/// ```
pub fn holds_regression(checkpoint: Option<&Path>) -> bool {
    match checkpoint {
        None => kind(DEFAULT_REGRESSION) == Some(PretrainedKind::Regression),
        Some(path) => match embedded_name(path) {
            Some(name) => kind(name) == Some(PretrainedKind::Regression),
            None => crate::read_metadata(path).is_ok_and(|meta| crate::regression::is_regressor(&meta)),
        },
    }
}
