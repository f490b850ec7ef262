//! Trainer tests on the CPU with a tiny config: learning, checkpoints, exact resume.

use std::path::Path;

use burn::tensor::Device;
use mutinf_models::InfoNetConfig;
use mutinf_train::{Silent, TrainConfig, TrainObserver, ValidationReport, train};

mod common;
use common::{TINY, config, request};

#[derive(Default)]
struct Record {
    validations: Vec<ValidationReport>,
    stop_at: Option<u64>,
    step: u64,
}

impl TrainObserver for Record {
    fn on_step(&mut self, r: &mutinf_train::StepReport) {
        self.step = r.step;
    }
    fn on_validation(&mut self, r: &ValidationReport) {
        self.validations.push(r.clone());
    }
    fn should_stop(&mut self) -> bool {
        self.stop_at == Some(self.step)
    }
}

#[test]
fn data_family_is_checked_and_chooses_the_stream() {
    use mutinf_train::data::make_step_batch;
    let mut c = config(40);
    c.data.family = "paper-eval".into();
    let e = c.check().unwrap_err().to_string();
    assert!(e.contains("data.family") && e.contains("paper-mixed"), "{e}");
    c.data.family = "paper-mixed".into();
    c.check().unwrap();
    let mixed = make_step_batch(&c.data, &c.model, c.seed, 3).unwrap();
    c.data.family = "paper-train".into();
    let paper = make_step_batch(&c.data, &c.model, c.seed, 3).unwrap();
    // Same step, same N, different mixtures.
    assert_eq!(mixed.samples, paper.samples);
    assert_ne!(mixed.batch.context, paper.batch.context);
}

#[test]
fn config_round_trips_through_toml_and_rejects_typos() {
    let c = config(40);
    assert_eq!(TrainConfig::from_toml(&c.to_toml()).unwrap(), c);
    let bad = TINY.replace("batch_size", "batch_sise");
    assert!(TrainConfig::from_toml(&bad).is_err());
    let load = |file: &str| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs").join(file);
        TrainConfig::load(&path).unwrap_or_else(|e| panic!("{file}: {e}"))
    };
    for file in ["infonet-tiny.toml", "infonet-paper.toml", "infonet-sharp.toml"] {
        load(file);
    }
    // The GPU recipe trains the same network as the CPU one (same checkpoint shape and cost).
    assert_eq!(load("infonet-small-gpu.toml").model, load("infonet-small.toml").model);
    // The fast config is the small network read on a 16 x 16 table, nothing else.
    let small = load("infonet-small.toml");
    let fast = load("infonet-fast.toml");
    assert_eq!(fast.model, InfoNetConfig { grid: 16, ..small.model.clone() });
    assert_eq!((fast.optimizer, fast.data, fast.validation), (small.optimizer, small.data, small.validation));
}

const STEPS: u64 = 120;

#[test]
fn tiny_run_improves_validation_loss_and_writes_artifacts() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("run");
    let mut rec = Record::default();
    // 120 steps: the tiny network's validation loss moves by ~1e-3 in 40 steps, less than the
    // noise between data streams, so a shorter run improves for some seeds and not others.
    let summary = train(request(Some(config(STEPS)), &out, false), &mut rec).unwrap();
    assert_eq!(summary.steps, STEPS);
    let first = &rec.validations[0];
    let last = rec.validations.last().unwrap();
    assert_eq!((first.step, last.step), (0, STEPS));
    assert!(last.val_loss < first.val_loss, "val loss {} -> {}", first.val_loss, last.val_loss);
    assert!(out.join("best.safetensors").is_file());
    assert!(out.join("config.toml").is_file());
    // keep_last = 2, every 4: the last two remain.
    let names: Vec<String> = std::fs::read_dir(out.join("checkpoints"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, vec![format!("step-{:08}", STEPS - 4), format!("step-{STEPS:08}")]);
    let metrics = std::fs::read_to_string(out.join("metrics.jsonl")).unwrap();
    assert_eq!(metrics.lines().filter(|l| l.contains("\"train\"")).count() as u64, STEPS);
    // The best checkpoint loads with its metadata.
    let (_, meta) = mutinf_models::load_checkpoint(&out.join("best.safetensors"), &Device::flex()).unwrap();
    assert!(meta.contains_key(mutinf_train::TRAIN_CONFIG_KEY));
    // The last checkpoint books all steps to this machine's CPU, in one span.
    let (_, meta) =
        mutinf_models::load_checkpoint(&out.join(format!("checkpoints/step-{STEPS:08}/model.safetensors")), &Device::flex()).unwrap();
    let spans: Vec<mutinf_train::HardwareSpan> = serde_json::from_str(&meta[mutinf_train::HARDWARE_KEY]).unwrap();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!((spans[0].from_step, spans[0].to_step), (0, STEPS));
    assert!(spans[0].device.contains("Cpu") && spans[0].machine.contains("cores"), "{spans:?}");
    assert!(spans[0].seconds > 0.0 && spans[0].seconds <= summary_seconds(&out) + 1e-6);
    // A second fresh run into the same folder is refused.
    assert!(train(request(Some(config(40)), &out, false), &mut Silent).is_err());
}

/// Training wall seconds recorded in the run's newest state.
fn summary_seconds(run: &std::path::Path) -> f64 {
    let state = std::fs::read_to_string(run.join(format!("checkpoints/step-{STEPS:08}/state.json"))).unwrap();
    serde_json::from_str::<mutinf_train::RunState>(&state).unwrap().wall_seconds
}
