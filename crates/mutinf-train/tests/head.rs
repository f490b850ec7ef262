//! The regression head's trainer: a killed-and-resumed run equals an uninterrupted one, and its
//! checkpoints load as estimators with their metadata.

use mutinf_models::regression::{RegressorConfig, load_regressor};
use mutinf_train::regression::{HeadDataConfig, HeadMetric, HeadTrainConfig, HeadTrainRequest, HeadObserver, train_head};

struct Quiet;
impl HeadObserver for Quiet {}

fn config() -> HeadTrainConfig {
    HeadTrainConfig {
        seed: 3,
        steps: 10,
        checkpoint_every: 3,
        validate_every: 5,
        model: RegressorConfig::new().with_d_token(8).with_d_head(8).with_activation("relu".into()),
        data: HeadDataConfig { batch_size: 4, min_samples: 40, max_samples: 80, ..Default::default() },
        optimizer: Default::default(),
    }
}

fn losses(dir: &std::path::Path) -> Vec<(u64, f64)> {
    HeadMetric::read_all(&dir.join("metrics.jsonl"))
        .unwrap()
        .into_iter()
        .filter_map(|m| match m {
            HeadMetric::Train { step, loss, .. } => Some((step, loss)),
            HeadMetric::Validation { .. } => None,
        })
        .collect()
}

#[test]
fn a_resumed_run_equals_an_uninterrupted_one() {
    let device = burn::tensor::Device::flex();
    let whole = tempfile::tempdir().unwrap();
    let request = |out: &std::path::Path, config: Option<HeadTrainConfig>, steps: Option<u64>| HeadTrainRequest {
        config,
        out: out.to_path_buf(),
        device: device.clone(),
        steps,
    };
    train_head(request(whole.path(), Some(config()), None), &mut Quiet).unwrap();
    let parts = tempfile::tempdir().unwrap();
    // Stop at step 6 (a checkpoint step), then resume to 10.
    train_head(request(parts.path(), Some(config()), Some(6)), &mut Quiet).unwrap();
    let summary = train_head(request(parts.path(), None, Some(10)), &mut Quiet).unwrap();
    assert_eq!(summary.steps, 10);
    assert_eq!(losses(whole.path()), losses(parts.path()));
    // A new run into a folder that holds one is refused with the way out.
    let err = train_head(request(parts.path(), Some(config()), None), &mut Quiet).unwrap_err().to_string();
    assert!(err.contains("--resume"), "{err}");
    // The best model loads as a regression network with its training metadata.
    let (net, meta) = load_regressor(&whole.path().join("best.safetensors"), &device).unwrap();
    assert_eq!(net.config().d_token, 8);
    for key in ["mutinf.head_train_config", "mutinf.families", "mutinf.truth_std_error", "mutinf.step", "mutinf.hardware", "mutinf.validation"] {
        assert!(meta.contains_key(key), "{key}");
    }
}
