//! Saving and loading InfoNet weights as safetensors with metadata.
//!
//! A checkpoint is one `.safetensors` file. Its header metadata holds the whole
//! [`InfoNetConfig`] as JSON under [`CONFIG_KEY`] (plus whatever the caller adds: training
//! config, step, validation scores, ...), so loading is always config → init → weights. Files
//! are written atomically (scratch file + rename). A truncated file, a file from another
//! network, or a file from a differently configured InfoNet gives an error, never a panic.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use burn::store::{ModuleSnapshot, SafetensorsStore};
use burn::tensor::Device;

use crate::{InfoNet, InfoNetConfig, ModelError};

/// Metadata key of the network's configuration (JSON).
pub const CONFIG_KEY: &str = "mutinf.infonet_config";
/// Metadata key of the version of `mutinf-models` that wrote the file.
pub const VERSION_KEY: &str = "mutinf.models_version";

fn err(path: &Path, reason: impl Into<String>) -> ModelError {
    ModelError::Checkpoint { path: path.to_path_buf(), reason: reason.into() }
}

/// Writes `model` to `path` with its config and `metadata` in the header.
pub fn save_checkpoint(model: &InfoNet, path: &Path, metadata: &BTreeMap<String, String>) -> Result<(), ModelError> {
    let config = serde_json::to_string(model.config()).map_err(|e| err(path, e.to_string()))?;
    let mut store = SafetensorsStore::from_file(path)
        .overwrite(true)
        .metadata(CONFIG_KEY, config)
        .metadata(VERSION_KEY, env!("CARGO_PKG_VERSION"));
    if let Some(calibration) = model.calibration() {
        let json = serde_json::to_string(calibration).map_err(|e| err(path, e.to_string()))?;
        store = store.metadata(crate::CALIBRATION_KEY, json);
    }
    for (k, v) in metadata {
        store = store.metadata(k.clone(), v.clone());
    }
    model.save_into(&mut store).map_err(|e| err(path, format!("could not write: {e}")))
}

/// Reads the header metadata of a checkpoint after checking the file is complete.
pub fn read_metadata(path: &Path) -> Result<BTreeMap<String, String>, ModelError> {
    let mut file = std::fs::File::open(path).map_err(|e| err(path, format!("cannot open: {e}")))?;
    let file_len = file.metadata().map_err(|e| err(path, e.to_string()))?.len();
    let mut len_bytes = [0u8; 8];
    file.read_exact(&mut len_bytes)
        .map_err(|_| err(path, "too short to be a safetensors file (truncated or not a checkpoint)"))?;
    let header_len = checked_header_len(len_bytes, file_len, path)?;
    let mut header = vec![0u8; header_len];
    file.read_exact(&mut header).map_err(|e| err(path, e.to_string()))?;
    parse_header(&header, file_len, path)
}

/// Length of the JSON header from the file's first 8 bytes, checked against the file size.
fn checked_header_len(len_bytes: [u8; 8], file_len: u64, origin: &Path) -> Result<usize, ModelError> {
    let header_len = u64::from_le_bytes(len_bytes);
    if header_len > 100_000_000 || 8 + header_len > file_len {
        return Err(err(origin, "the header is cut off or invalid (truncated or not a safetensors file)"));
    }
    Ok(header_len as usize)
}

/// Parses the JSON header, checks that the tensors it describes end exactly at the end of the
/// file (a truncated or padded file is an error), and returns the `__metadata__` map.
fn parse_header(header: &[u8], file_len: u64, origin: &Path) -> Result<BTreeMap<String, String>, ModelError> {
    let path = origin;
    let header_len = header.len() as u64;
    let header: serde_json::Value = serde_json::from_slice(header)
        .map_err(|e| err(path, format!("the header is not valid JSON ({e}); not a safetensors file")))?;
    let obj = header.as_object().ok_or_else(|| err(path, "the header is not a JSON object"))?;
    let mut data_end = 0u64;
    for (name, info) in obj {
        if name == "__metadata__" {
            continue;
        }
        let end = info
            .get("data_offsets")
            .and_then(|o| o.get(1))
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| err(path, format!("tensor '{name}' has no data offsets")))?;
        data_end = data_end.max(end);
    }
    let expected = 8 + header_len + data_end;
    if file_len != expected {
        return Err(err(
            path,
            format!("the file has {file_len} bytes but its header describes {expected}; it is truncated or corrupt — use another checkpoint"),
        ));
    }
    let mut out = BTreeMap::new();
    if let Some(meta) = obj.get("__metadata__").and_then(|m| m.as_object()) {
        for (k, v) in meta {
            out.insert(k.clone(), v.as_str().unwrap_or_default().to_string());
        }
    }
    Ok(out)
}

/// [`read_metadata`] for a checkpoint held in memory; `origin` names it in errors.
pub fn metadata_from_bytes(bytes: &[u8], origin: &Path) -> Result<BTreeMap<String, String>, ModelError> {
    let len_bytes: [u8; 8] = bytes
        .get(..8)
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| err(origin, "too short to be a safetensors file (truncated or not a checkpoint)"))?;
    let header_len = checked_header_len(len_bytes, bytes.len() as u64, origin)?;
    parse_header(&bytes[8..8 + header_len], bytes.len() as u64, origin)
}

/// Loads a checkpoint held in memory (e.g. one embedded in a binary with `include_bytes!`):
/// config from the header, network on `device`, weights. `origin` names it in errors.
pub fn load_checkpoint_bytes(
    bytes: &[u8],
    origin: &Path,
    device: &Device,
) -> Result<(InfoNet, BTreeMap<String, String>), ModelError> {
    let meta = metadata_from_bytes(bytes, origin)?;
    let config = config_from_metadata(&meta, origin)?;
    let model = config.init(device)?;
    let store = SafetensorsStore::from_bytes(Some(bytes.to_vec())).validate(true).allow_partial(false);
    let model = load_from_store(model, store, origin)?;
    let calibration = calibration_from_metadata(&meta, origin)?;
    Ok((model.with_calibration(calibration), meta))
}

/// The network configuration stored in a checkpoint.
pub fn read_config(path: &Path) -> Result<InfoNetConfig, ModelError> {
    config_from_metadata(&read_metadata(path)?, path)
}

fn config_from_metadata(meta: &BTreeMap<String, String>, path: &Path) -> Result<InfoNetConfig, ModelError> {
    let json = meta
        .get(CONFIG_KEY)
        .ok_or_else(|| err(path, format!("no '{CONFIG_KEY}' metadata: not an InfoNet checkpoint")))?;
    serde_json::from_str(json).map_err(|e| err(path, format!("the stored config cannot be read ({e})")))
}

/// Loads a checkpoint: reads its config, builds the network on `device`, loads the weights.
/// Returns the network and the header metadata.
pub fn load_checkpoint(path: &Path, device: &Device) -> Result<(InfoNet, BTreeMap<String, String>), ModelError> {
    let meta = read_metadata(path)?;
    let config = config_from_metadata(&meta, path)?;
    let model = load_from_store(config.init(device)?, file_store(path), path)?;
    let calibration = calibration_from_metadata(&meta, path)?;
    Ok((model.with_calibration(calibration), meta))
}

/// Loads a checkpoint into a network built from `expected`, failing with
/// [`ModelError::ConfigMismatch`] when the file was written for another config.
pub fn load_checkpoint_expecting(path: &Path, expected: &InfoNetConfig, device: &Device) -> Result<InfoNet, ModelError> {
    let meta = read_metadata(path)?;
    let stored = config_from_metadata(&meta, path)?;
    if &stored != expected {
        let a = serde_json::to_value(&stored).unwrap_or_default();
        let b = serde_json::to_value(expected).unwrap_or_default();
        let mut diffs = Vec::new();
        if let (Some(a), Some(b)) = (a.as_object(), b.as_object()) {
            for (k, va) in a {
                if b.get(k) != Some(va) {
                    diffs.push(format!("{k}: file {va}, expected {}", b.get(k).cloned().unwrap_or_default()));
                }
            }
        }
        return Err(ModelError::ConfigMismatch { path: path.to_path_buf(), difference: diffs.join(", ") });
    }
    let model = load_from_store(expected.init(device)?, file_store(path), path)?;
    Ok(model.with_calibration(calibration_from_metadata(&meta, path)?))
}

/// The calibration stored under [`CALIBRATION_KEY`](crate::CALIBRATION_KEY), if any.
fn calibration_from_metadata(
    meta: &BTreeMap<String, String>,
    path: &Path,
) -> Result<Option<crate::Calibration>, ModelError> {
    let Some(json) = meta.get(crate::CALIBRATION_KEY) else { return Ok(None) };
    let calibration: crate::Calibration =
        serde_json::from_str(json).map_err(|e| err(path, format!("the stored calibration cannot be read ({e})")))?;
    calibration.check().map_err(|e| err(path, format!("the stored calibration is invalid: {e}")))?;
    Ok(Some(calibration))
}

/// Loads the weights of `path` into an already built network; every tensor must match.
pub fn load_weights(model: InfoNet, path: &Path) -> Result<InfoNet, ModelError> {
    read_metadata(path)?;
    load_from_store(model, file_store(path), path)
}

/// A validating, all-or-nothing store reading `path`.
fn file_store(path: &Path) -> SafetensorsStore {
    SafetensorsStore::from_file(path).validate(true).allow_partial(false)
}

/// Loads every weight of `store` into `model` (any of our networks); a missing, unused or
/// mismatched tensor is an error.
pub(crate) fn load_from_store<M: ModuleSnapshot>(mut model: M, mut store: SafetensorsStore, path: &Path) -> Result<M, ModelError> {
    let result = model.load_from(&mut store).map_err(|e| err(path, format!("cannot load weights: {e}")))?;
    if !result.errors.is_empty() || !result.missing.is_empty() || !result.unused.is_empty() {
        return Err(err(
            path,
            format!(
                "weights do not fit this network: {} errors ({}), missing {:?}, unused {:?}",
                result.errors.len(),
                result.errors.iter().map(|e| format!("{e:?}")).collect::<Vec<_>>().join("; "),
                result.missing.iter().map(|m| &m.0).collect::<Vec<_>>(),
                result.unused
            ),
        ));
    }
    Ok(model)
}
