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
    let header_len = u64::from_le_bytes(len_bytes);
    if header_len > 100_000_000 || 8 + header_len > file_len {
        return Err(err(path, "the header is cut off or invalid (truncated or not a safetensors file)"));
    }
    let mut header = vec![0u8; header_len as usize];
    file.read_exact(&mut header).map_err(|e| err(path, e.to_string()))?;
    let header: serde_json::Value = serde_json::from_slice(&header)
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

/// The network configuration stored in a checkpoint.
pub fn read_config(path: &Path) -> Result<InfoNetConfig, ModelError> {
    let meta = read_metadata(path)?;
    let json = meta
        .get(CONFIG_KEY)
        .ok_or_else(|| err(path, format!("no '{CONFIG_KEY}' metadata: not an InfoNet checkpoint")))?;
    serde_json::from_str(json).map_err(|e| err(path, format!("the stored config cannot be read ({e})")))
}

/// Loads a checkpoint: reads its config, builds the network on `device`, loads the weights.
/// Returns the network and the header metadata.
pub fn load_checkpoint(path: &Path, device: &Device) -> Result<(InfoNet, BTreeMap<String, String>), ModelError> {
    let config = read_config(path)?;
    let model = config.init(device)?;
    let model = load_weights(model, path)?;
    Ok((model, read_metadata(path)?))
}

/// Loads a checkpoint into a network built from `expected`, failing with
/// [`ModelError::ConfigMismatch`] when the file was written for another config.
pub fn load_checkpoint_expecting(path: &Path, expected: &InfoNetConfig, device: &Device) -> Result<InfoNet, ModelError> {
    let stored = read_config(path)?;
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
    load_weights(expected.init(device)?, path)
}

/// Loads the weights of `path` into an already built network; every tensor must match.
pub fn load_weights(mut model: InfoNet, path: &Path) -> Result<InfoNet, ModelError> {
    read_metadata(path)?;
    let mut store = SafetensorsStore::from_file(path).validate(true).allow_partial(false);
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
