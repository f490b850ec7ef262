//! The InfoNet checkpoints committed in `checkpoints/` (trained by this crate's trainer:
//! `infonet-small` on `configs/infonet-small.toml`, `infonet-fast` on `configs/infonet-fast.toml`)
//! load, carry their training metadata, match the config they say they were trained with, and
//! estimate MI sensibly on seeded Gaussian data.

use std::path::PathBuf;

use burn::tensor::Device;
use mutinf_models::{InfoNetConfig, load_checkpoint, load_checkpoint_expecting, read_metadata};
use mutinf_train::{TrainConfig, gaussian_pairs};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn workspace_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

#[test]
fn committed_checkpoint_loads_with_its_metadata_and_estimates() {
    check_committed("checkpoints/infonet-small.safetensors", "configs/infonet-small.toml");
}

#[test]
fn fast_checkpoint_loads_with_its_metadata_and_estimates() {
    check_committed("checkpoints/infonet-fast.safetensors", "configs/infonet-fast.toml");
}

fn check_committed(checkpoint: &str, config_file: &str) {
    let path = workspace_path(checkpoint);
    let meta = read_metadata(&path).expect("metadata is readable");
    for key in ["mutinf.step", "mutinf.wall_seconds", "mutinf.device", "mutinf.hardware", "mutinf.validation", "mutinf.train_config", "mutinf.infonet_config"] {
        assert!(meta.contains_key(key), "checkpoint metadata lacks {key}: {:?}", meta.keys().collect::<Vec<_>>());
    }
    let step = meta["mutinf.step"].parse::<u64>().unwrap();
    assert!(step > 0);
    // The hardware history covers every step, in order, and adds up to the recorded wall time.
    let spans: Vec<mutinf_train::HardwareSpan> = serde_json::from_str(&meta[mutinf_train::HARDWARE_KEY]).unwrap();
    assert_eq!(spans.first().map(|s| s.from_step), Some(0));
    assert_eq!(spans.last().map(|s| s.to_step), Some(step));
    assert!(spans.windows(2).all(|w| w[0].to_step == w[1].from_step), "{spans:?}");
    let seconds: f64 = spans.iter().map(|s| s.seconds).sum();
    let wall: f64 = meta["mutinf.wall_seconds"].parse().unwrap();
    assert!((seconds - wall).abs() < 1.0, "spans {seconds} s vs wall {wall} s");
    let validation: serde_json::Value = serde_json::from_str(&meta["mutinf.validation"]).unwrap();
    assert!(validation["gauss_mae"].as_f64().unwrap() < 0.05, "{validation}");

    // The network inside is exactly the config it ships with.
    let config = TrainConfig::load(&workspace_path(config_file)).unwrap();
    let device = Device::flex();
    let net = load_checkpoint_expecting(&path, &config.model, &device).unwrap_or_else(|e| panic!("{checkpoint} vs {config_file}: {e}"));

    let mut rng = StdRng::seed_from_u64(2026);
    let (x, y) = gaussian_pairs(0.0, 2000, &mut rng);
    let independent = net.estimate(&x, &y, 0).unwrap();
    assert!(independent.abs() < 0.03, "rho = 0: {independent}");
    let (x, y) = gaussian_pairs(0.9, 2000, &mut rng);
    let dependent = net.estimate(&x, &y, 0).unwrap();
    let truth = -0.5 * (1.0f64 - 0.81).ln();
    assert!((dependent - truth).abs() < 0.1, "rho = 0.9: {dependent} vs {truth}");
    // The same network through the plain loader gives the same number.
    let (same, _) = load_checkpoint(&path, &device).unwrap();
    assert_eq!(same.estimate(&x, &y, 0).unwrap(), dependent);
}

#[test]
fn committed_checkpoint_rejects_a_different_config() {
    let path = workspace_path("checkpoints/infonet-small.safetensors");
    let config = TrainConfig::load(&workspace_path("configs/infonet-small.toml")).unwrap();
    let other = InfoNetConfig { grid: config.model.grid * 2, ..config.model.clone() };
    let err = load_checkpoint_expecting(&path, &other, &Device::flex()).expect_err("a different grid must not load");
    assert!(err.to_string().contains("grid") || err.to_string().contains("config"), "{err}");
}
