//! Saving and loading [`MiRegressor`] weights as safetensors with metadata.
//!
//! The header holds the [`RegressorConfig`] as JSON under [`REGRESSOR_CONFIG_KEY`]; loading is
//! config → init → weights, all-or-nothing. A table (DV) InfoNet checkpoint has no such key and
//! is refused with a message that says which readouts it supports.

use std::collections::BTreeMap;
use std::path::Path;

use burn::module::Module;
use burn::store::{ModuleSnapshot, SafetensorsStore};
use burn::tensor::Device;

use super::network::{MiRegressor, RegressorConfig};
use crate::checkpoint::{CONFIG_KEY, VERSION_KEY, metadata_from_bytes, read_metadata};
use crate::ModelError;

/// Metadata key of a regression checkpoint's [`RegressorConfig`] (JSON).
pub const REGRESSOR_CONFIG_KEY: &str = "mutinf.regressor_config";

fn err(path: &Path, reason: impl Into<String>) -> ModelError {
    ModelError::Checkpoint { path: path.to_path_buf(), reason: reason.into() }
}

/// Writes `model` to `path` (atomically: a scratch file, then a rename) with its config and
/// `metadata` in the header.
pub fn save_regressor(model: &MiRegressor, path: &Path, metadata: &BTreeMap<String, String>) -> Result<(), ModelError> {
    let config = serde_json::to_string(model.config()).map_err(|e| err(path, e.to_string()))?;
    let scratch = path.with_extension("safetensors.partial");
    let mut store = SafetensorsStore::from_file(&scratch)
        .overwrite(true)
        .metadata(REGRESSOR_CONFIG_KEY, config)
        .metadata(VERSION_KEY, env!("CARGO_PKG_VERSION"));
    for (k, v) in metadata {
        store = store.metadata(k.clone(), v.clone());
    }
    model.save_into(&mut store).map_err(|e| err(path, format!("could not write: {e}")))?;
    std::fs::rename(&scratch, path).map_err(|e| err(path, format!("could not move the finished file into place: {e}")))
}

/// Loads a regression checkpoint from a file on `device`; returns the network and its metadata.
pub fn load_regressor(path: &Path, device: &Device) -> Result<(MiRegressor, BTreeMap<String, String>), ModelError> {
    let meta = read_metadata(path)?;
    let config = config_from_metadata(&meta, path)?;
    let store = SafetensorsStore::from_file(path).validate(true).allow_partial(false);
    Ok((load_from_store(config.init_seeded(device, 0)?, store, path)?, meta))
}

/// Loads a regression checkpoint held in memory; `origin` names it in errors.
pub fn load_regressor_bytes(
    bytes: &[u8],
    origin: &Path,
    device: &Device,
) -> Result<(MiRegressor, BTreeMap<String, String>), ModelError> {
    let meta = metadata_from_bytes(bytes, origin)?;
    let config = config_from_metadata(&meta, origin)?;
    let store = SafetensorsStore::from_bytes(Some(bytes.to_vec())).validate(true).allow_partial(false);
    Ok((load_from_store(config.init_seeded(device, 0)?, store, origin)?, meta))
}

/// Whether a checkpoint's metadata describes a regression network.
pub fn is_regressor(meta: &BTreeMap<String, String>) -> bool {
    meta.contains_key(REGRESSOR_CONFIG_KEY)
}

fn config_from_metadata(meta: &BTreeMap<String, String>, path: &Path) -> Result<RegressorConfig, ModelError> {
    let Some(json) = meta.get(REGRESSOR_CONFIG_KEY) else {
        let what = if meta.contains_key(CONFIG_KEY) {
            "it is a table InfoNet checkpoint without a regression head; read it with --readout trained or \
             scale-fitted, or pick a regression checkpoint (embedded:infonet-gt)"
        } else {
            "it has no regression config: not a mutinf regression checkpoint"
        };
        return Err(err(path, format!("no '{REGRESSOR_CONFIG_KEY}' metadata: {what}")));
    };
    let mut value: serde_json::Value =
        serde_json::from_str(json).map_err(|e| err(path, format!("the stored regressor config cannot be read ({e})")))?;
    // Checkpoints written before `activation` existed were GELU networks.
    if let Some(object) = value.as_object_mut() {
        object.entry("activation").or_insert_with(|| "gelu".into());
    }
    let config: RegressorConfig =
        serde_json::from_value(value).map_err(|e| err(path, format!("the stored regressor config cannot be read ({e})")))?;
    config.check().map_err(|e| err(path, format!("the stored regressor config is invalid: {e}")))?;
    Ok(config)
}

/// The shared all-or-nothing load, then a check that every weight is finite.
fn load_from_store(model: MiRegressor, store: SafetensorsStore, path: &Path) -> Result<MiRegressor, ModelError> {
    let model = crate::checkpoint::load_from_store(model, store, path)?;
    // A checkpoint whose weights are not finite would read NaN for every input.
    let mut finite = FiniteCheck(true);
    model.visit(&mut finite);
    if !finite.0 {
        return Err(err(path, "its weights contain NaN or infinite values (a diverged run); use another checkpoint"));
    }
    Ok(model)
}

/// Visits every float parameter and records whether all are finite.
struct FiniteCheck(bool);

impl burn::module::ModuleVisitor for FiniteCheck {
    fn visit_float<const D: usize>(&mut self, param: &burn::module::Param<burn::tensor::Tensor<D>>) {
        let sum: f32 = param.val().abs().sum().into_scalar::<f32>();
        self.0 &= sum.is_finite();
    }
}
