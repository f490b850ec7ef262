//! The training record a checkpoint carries in its safetensors header, as one typed value.
//!
//! The header is a flat string → string map; [`CheckpointMetadata`] is its typed view, written
//! by the trainers (`mutinf train`, `mutinf train-head`) through [`to_map`](CheckpointMetadata::to_map)
//! and read by everything else through [`from_map`](CheckpointMetadata::from_map). The network's
//! own configuration ([`CONFIG_KEY`](crate::CONFIG_KEY), the regression readout's
//! `mutinf.regressor_config`) and calibration stay under their keys, written with the weights.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::ModelError;

/// Key of the step count.
pub const STEP_KEY: &str = "mutinf.step";
/// Key of the training wall seconds.
pub const WALL_SECONDS_KEY: &str = "mutinf.wall_seconds";
/// Key of the training device.
pub const DEVICE_KEY: &str = "mutinf.device";
/// Key of the hardware spans (JSON array).
pub const HARDWARE_KEY: &str = "mutinf.hardware";
/// Key of the validation scores at the checkpoint's step (JSON object).
pub const VALIDATION_KEY: &str = "mutinf.validation";
/// Key of the whole InfoNet training config (TOML).
pub const TRAIN_CONFIG_KEY: &str = "mutinf.train_config";
/// Key of the regression head's training config (JSON).
pub const HEAD_TRAIN_CONFIG_KEY: &str = "mutinf.head_train_config";
/// Key of the training families and their shares (JSON).
pub const FAMILIES_KEY: &str = "mutinf.families";
/// Key of the Monte-Carlo standard error the training truths were computed to (nats).
pub const TRUTH_STD_ERROR_KEY: &str = "mutinf.truth_std_error";
/// Key of the trainer's crate version.
pub const TRAIN_VERSION_KEY: &str = "mutinf.train_version";

/// A checkpoint's training record. Every field is optional: older files and other trainers
/// write a subset; keys this type does not know are kept in [`other`](Self::other).
///
/// ```
/// use mutinf_models::metadata::CheckpointMetadata;
/// let meta = CheckpointMetadata { step: Some(8000), wall_seconds: Some(5320.0), ..Default::default() };
/// let map = meta.to_map();
/// assert_eq!(map["mutinf.step"], "8000");
/// assert_eq!(CheckpointMetadata::from_map(&map).unwrap(), meta);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CheckpointMetadata {
    /// Optimiser steps completed.
    pub step: Option<u64>,
    /// Training wall seconds up to this checkpoint.
    pub wall_seconds: Option<f64>,
    /// The device that ran the last training span.
    pub device: Option<String>,
    /// Which device and machine trained which steps (the trainer's spans, as JSON).
    pub hardware: Option<serde_json::Value>,
    /// Validation scores at this step (the trainer's report, as JSON).
    pub validation: Option<serde_json::Value>,
    /// The InfoNet training config (TOML text).
    pub train_config: Option<String>,
    /// The regression head's training config (JSON).
    pub head_train_config: Option<serde_json::Value>,
    /// The training families and their shares.
    pub families: Option<serde_json::Value>,
    /// The standard error the training truths were computed to (nats).
    pub truth_std_error: Option<f64>,
    /// The trainer's crate version.
    pub train_version: Option<String>,
    /// Every other key of the header (network config, calibration, versions, …), verbatim.
    pub other: BTreeMap<String, String>,
}

impl CheckpointMetadata {
    /// The typed view of a header map. A known key whose value does not parse is an error
    /// naming it (a checkpoint edited by hand, or written by another program).
    pub fn from_map(map: &BTreeMap<String, String>) -> Result<Self, ModelError> {
        let mut meta = Self::default();
        for (key, value) in map {
            let bad = |reason: String| ModelError::Metadata { key: key.clone(), reason };
            let number = |v: &str| v.parse::<f64>().map_err(|e| bad(format!("'{v}' is not a number: {e}")));
            let json = |v: &str| serde_json::from_str::<serde_json::Value>(v).map_err(|e| bad(format!("not JSON: {e}")));
            match key.as_str() {
                STEP_KEY => meta.step = Some(value.parse().map_err(|e| bad(format!("'{value}' is not a step count: {e}")))?),
                WALL_SECONDS_KEY => meta.wall_seconds = Some(number(value)?),
                DEVICE_KEY => meta.device = Some(value.clone()),
                HARDWARE_KEY => meta.hardware = Some(json(value)?),
                VALIDATION_KEY => meta.validation = Some(json(value)?),
                TRAIN_CONFIG_KEY => meta.train_config = Some(value.clone()),
                HEAD_TRAIN_CONFIG_KEY => meta.head_train_config = Some(json(value)?),
                FAMILIES_KEY => meta.families = Some(json(value)?),
                TRUTH_STD_ERROR_KEY => meta.truth_std_error = Some(number(value)?),
                TRAIN_VERSION_KEY => meta.train_version = Some(value.clone()),
                _ => {
                    meta.other.insert(key.clone(), value.clone());
                }
            }
        }
        Ok(meta)
    }

    /// The header map: set fields under their keys (numbers as text, JSON values compact),
    /// then [`other`](Self::other).
    pub fn to_map(&self) -> BTreeMap<String, String> {
        let mut map = self.other.clone();
        let mut put = |key: &str, value: Option<String>| {
            if let Some(v) = value {
                map.insert(key.to_string(), v);
            }
        };
        put(STEP_KEY, self.step.map(|s| s.to_string()));
        put(WALL_SECONDS_KEY, self.wall_seconds.map(|s| format!("{s:.1}")));
        put(DEVICE_KEY, self.device.clone());
        put(HARDWARE_KEY, self.hardware.as_ref().map(serde_json::Value::to_string));
        put(VALIDATION_KEY, self.validation.as_ref().map(serde_json::Value::to_string));
        put(TRAIN_CONFIG_KEY, self.train_config.clone());
        put(HEAD_TRAIN_CONFIG_KEY, self.head_train_config.as_ref().map(serde_json::Value::to_string));
        put(FAMILIES_KEY, self.families.as_ref().map(serde_json::Value::to_string));
        put(TRUTH_STD_ERROR_KEY, self.truth_std_error.map(|s| s.to_string()));
        put(TRAIN_VERSION_KEY, self.train_version.clone());
        map
    }

    /// A numeric validation score by name (`"gauss_mae"`, `"order_accuracy"`, `"mae"`, …).
    pub fn validation_score(&self, name: &str) -> Option<f64> {
        self.validation.as_ref()?.get(name)?.as_f64()
    }

    /// Reads the typed record of the checkpoint file at `path`.
    pub fn read(path: &std::path::Path) -> Result<Self, ModelError> {
        Self::from_map(&crate::read_metadata(path)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_record_round_trips_and_unknown_keys_survive() {
        let meta = CheckpointMetadata {
            step: Some(12),
            wall_seconds: Some(3.5),
            device: Some("Cpu".into()),
            hardware: Some(serde_json::json!([{"from_step": 0, "to_step": 12}])),
            validation: Some(serde_json::json!({"gauss_mae": 0.014})),
            train_config: Some("seed = 1\n".into()),
            head_train_config: Some(serde_json::json!({"steps": 10})),
            families: Some(serde_json::json!({"paper": 0.3})),
            truth_std_error: Some(0.005),
            train_version: Some("0.1.0".into()),
            other: BTreeMap::from([("mutinf.infonet_config".into(), "{}".into())]),
        };
        assert_eq!(CheckpointMetadata::from_map(&meta.to_map()).unwrap(), meta);
        assert_eq!(meta.validation_score("gauss_mae"), Some(0.014));
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let map = BTreeMap::from([(STEP_KEY.to_string(), "twelve".to_string())]);
        let err = CheckpointMetadata::from_map(&map).unwrap_err().to_string();
        assert!(err.contains("mutinf.step") && err.contains("twelve"), "{err}");
    }
}
