//! The regression head's training loop: pinball loss against true MI, Adam with warmup and a
//! cosine decay, global-norm clipping, a fixed validation set, typed metrics, atomic resumable
//! checkpoints.
//!
//! A run folder holds `config.toml`, `metrics.jsonl` (one [`HeadMetric`] per line), `latest/`
//! (weights and optimiser state for an exact resume, plus `state.json`), `best.safetensors` (best
//! validation error so far) and `last.safetensors`, both loadable with
//! [`load_regressor`](mutinf_models::regression::load_regressor) and carrying their metadata.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, sync_channel};
use std::thread::JoinHandle;
use std::time::Instant;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor, TensorData};
use mutinf_models::regression::{MiRegressor, RegressorConfig, save_regressor};
use serde::{Deserialize, Serialize};

use super::data::{HeadBatch, HeadDataConfig, head_batch};
use super::validation::{HeadValidation, HeadValidationSet};
use crate::{RunLock, TrainError, clip_global_norm};

/// Optimiser settings of a head run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadOptimizer {
    /// Peak learning rate (Adam).
    pub learning_rate: f64,
    /// Learning rate at the last step (cosine decay from the peak).
    pub final_learning_rate: f64,
    /// Steps of linear warmup.
    pub warmup_steps: u64,
    /// Global gradient-norm clip (0 = none).
    pub grad_clip_norm: f64,
}

impl Default for HeadOptimizer {
    fn default() -> Self {
        Self { learning_rate: 1e-3, final_learning_rate: 1e-5, warmup_steps: 200, grad_clip_norm: 1.0 }
    }
}

/// A head training run's configuration (`configs/infonet-gt.toml`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadTrainConfig {
    /// Seed of the weights and of the data stream.
    pub seed: u64,
    /// Total optimiser steps.
    pub steps: u64,
    /// Write `latest/` every this many steps.
    pub checkpoint_every: u64,
    /// Validate (and update `best.safetensors`) every this many steps.
    pub validate_every: u64,
    /// Network sizes.
    pub model: RegressorConfig,
    /// Training distributions.
    #[serde(default)]
    pub data: HeadDataConfig,
    /// Optimiser.
    #[serde(default)]
    pub optimizer: HeadOptimizer,
}

impl HeadTrainConfig {
    /// Reads and checks a TOML config.
    pub fn load(path: &Path) -> Result<Self, TrainError> {
        let text = fs::read_to_string(path).map_err(|e| TrainError::io(path, e))?;
        let config: Self = toml::from_str(&text).map_err(|source| TrainError::ConfigFile { path: path.to_path_buf(), source })?;
        config.check()?;
        Ok(config)
    }

    /// Checks every field.
    pub fn check(&self) -> Result<(), TrainError> {
        self.model.check().map_err(TrainError::model_config)?;
        self.data.check()?;
        if self.steps == 0 || self.checkpoint_every == 0 || self.validate_every == 0 {
            return Err(TrainError::Config("steps, checkpoint_every and validate_every must be at least 1".into()));
        }
        let o = &self.optimizer;
        if !(o.learning_rate > 0.0 && o.final_learning_rate >= 0.0 && o.final_learning_rate <= o.learning_rate) {
            return Err(TrainError::Config(format!(
                "optimizer: need 0 <= final_learning_rate ({}) <= learning_rate ({}), learning_rate > 0",
                o.final_learning_rate, o.learning_rate
            )));
        }
        Ok(())
    }

    /// The learning rate of step `step` (0-based): linear warmup, then cosine to the final rate.
    pub fn learning_rate(&self, step: u64) -> f64 {
        let o = &self.optimizer;
        if step < o.warmup_steps {
            return o.learning_rate * (step + 1) as f64 / o.warmup_steps as f64;
        }
        let span = self.steps.saturating_sub(o.warmup_steps).max(1) as f64;
        let t = ((step - o.warmup_steps) as f64 / span).min(1.0);
        o.final_learning_rate + 0.5 * (o.learning_rate - o.final_learning_rate) * (1.0 + (std::f64::consts::PI * t).cos())
    }
}

/// Where a run stands; `latest/state.json`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HeadRunState {
    /// Steps completed.
    pub step: u64,
    /// Training wall-clock seconds, across resumes.
    pub wall_seconds: f64,
    /// Best validation mean |error| so far (nats).
    pub best_error: Option<f64>,
    /// Seconds spent per machine description (e.g. "16 cores x86_64, flex"), across resumes.
    pub hardware: BTreeMap<String, f64>,
}

/// One line of `metrics.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeadMetric {
    /// An optimiser step.
    Train {
        /// Steps completed.
        step: u64,
        /// Pinball loss of the batch.
        loss: f64,
        /// Mean |median − truth| of the batch (nats).
        error: f64,
        /// Learning rate used.
        learning_rate: f64,
        /// Gradient norm before clipping.
        grad_norm: f64,
        /// Samples per sequence.
        n: usize,
        /// Seconds of the step.
        seconds: f64,
    },
    /// A validation pass.
    Validation {
        /// Steps completed.
        step: u64,
        /// The scores.
        report: HeadValidation,
        /// Training wall-clock so far.
        wall_seconds: f64,
    },
}

impl HeadMetric {
    /// Reads a `metrics.jsonl`; a line that does not parse is an error naming the line.
    pub fn read_all(path: &Path) -> Result<Vec<HeadMetric>, TrainError> {
        let text = fs::read_to_string(path).map_err(|e| TrainError::io(path, e))?;
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| {
                    TrainError::checkpoint(
                        format_args!("metrics line {} of {} (truncated or edited metrics file)", i + 1, path.display()),
                        e,
                    )
                })
            })
            .collect()
    }
}

/// What to run.
#[derive(Debug, Clone)]
pub struct HeadTrainRequest {
    /// A new run's config; `None` to resume (the run folder's own config is used).
    pub config: Option<HeadTrainConfig>,
    /// The run folder.
    pub out: PathBuf,
    /// Where to compute (autodiff is added here).
    pub device: Device,
    /// Overrides the total number of steps (persisted).
    pub steps: Option<u64>,
}

/// Receives progress.
pub trait HeadObserver {
    /// After every step.
    fn on_step(&mut self, _metric: &HeadMetric, _total: u64) {}
    /// After every validation.
    fn on_validation(&mut self, _report: &HeadValidation, _step: u64) {}
    /// Return true to stop after the current step (a checkpoint is written first).
    fn should_stop(&mut self) -> bool {
        false
    }
}

/// What a finished or stopped run left.
#[derive(Debug, Clone)]
pub struct HeadTrainSummary {
    /// Steps completed.
    pub steps: u64,
    /// `best.safetensors`, if a validation ran.
    pub best: Option<PathBuf>,
    /// The last validation.
    pub last_validation: Option<HeadValidation>,
}

/// Runs or resumes a head training run.
pub fn train_head(request: HeadTrainRequest, observer: &mut dyn HeadObserver) -> Result<HeadTrainSummary, TrainError> {
    let root = request.out.clone();
    let config_path = root.join("config.toml");
    let resuming = request.config.is_none();
    let mut config = match &request.config {
        Some(c) => {
            c.check()?;
            if config_path.exists() {
                return Err(TrainError::Config(format!(
                    "{} already holds a run; resume it (--resume) or choose a new --out",
                    root.display()
                )));
            }
            c.clone()
        }
        None => HeadTrainConfig::load(&config_path)?,
    };
    let _lock = RunLock::acquire(&root)?;
    if let Some(steps) = request.steps {
        config.steps = steps;
        config.check()?;
    }
    write_atomic(&config_path, toml::to_string(&config).map_err(|e| TrainError::checkpoint(format_args!("{} (serialising the config)", config_path.display()), e))?.as_bytes())?;

    let device = request.device.clone().autodiff();
    let mut model = config.model.init_seeded(&device, config.seed)?;
    let mut optim: ModuleOptimizer = AdamConfig::new().init();
    let latest = root.join("latest");
    let mut state = HeadRunState::default();
    if resuming {
        if !latest.join("state.json").exists() {
            return Err(TrainError::Config(format!("{} has no checkpoint to resume from", root.display())));
        }
        let text = fs::read_to_string(latest.join("state.json")).map_err(|e| TrainError::io(&latest.join("state.json"), e))?;
        state = serde_json::from_str(&text).map_err(|e| TrainError::checkpoint(latest.join("state.json").display(), e))?;
        model = model
            .try_load_file(latest.join("model.bpk"))
            .map_err(|e| TrainError::checkpoint(latest.join("model.bpk").display(), e))?;
        optim = optim
            .load(latest.join("optimizer.bpk"))
            .map_err(|e| TrainError::checkpoint(latest.join("optimizer.bpk").display(), e))?;
        truncate_metrics(&root.join("metrics.jsonl"), state.step)?;
    }
    let machine = format!("{}, {:?}", mutinf_core::machine::Machine::detect(), request.device);
    let validation = HeadValidationSet::build()?;
    let mut last_validation = None;
    let mut stream = Prefetch::start(config.data.clone(), config.seed, state.step, config.steps);
    while state.step < config.steps {
        let started = Instant::now();
        let batch = stream.next()?;
        let (loss_value, error, grad_norm, updated) = {
            let pred = model.forward_batch(&batch.batch);
            let target = Tensor::<1>::from_data(TensorData::new(batch.truths.clone(), [batch.truths.len()]), &device);
            let median: Vec<f32> = pred
                .clone()
                .narrow(1, 1, 1)
                .into_data()
                .try_to_vec()
                .map_err(|e| TrainError::Backend(format!("step {}: reading the predictions: {e:?}", state.step + 1)))?;
            let error = median.iter().zip(&batch.truths).map(|(m, t)| f64::from((m - t).abs())).sum::<f64>() / median.len() as f64;
            let loss = MiRegressor::pinball_loss(pred, target);
            let loss_value = f64::from(loss.clone().into_scalar::<f32>());
            if !loss_value.is_finite() {
                return Err(TrainError::Diverged(format!("the loss is {loss_value} at step {}", state.step + 1)));
            }
            let mut grads = GradientsParams::from_grads(loss.backward(), &model);
            let grad_norm = clip_global_norm(&model, &mut grads, config.optimizer.grad_clip_norm)?;
            let lr = config.learning_rate(state.step);
            (loss_value, error, grad_norm, optim.step(lr, model, grads))
        };
        model = updated;
        state.step += 1;
        let seconds = started.elapsed().as_secs_f64();
        state.wall_seconds += seconds;
        *state.hardware.entry(machine.clone()).or_default() += seconds;
        let metric = HeadMetric::Train {
            step: state.step,
            loss: loss_value,
            error,
            learning_rate: config.learning_rate(state.step - 1),
            grad_norm,
            n: batch.batch.n,
            seconds,
        };
        append_metric(&root, &metric)?;
        observer.on_step(&metric, config.steps);
        let last = state.step == config.steps;
        let stop = observer.should_stop();
        if state.step % config.validate_every == 0 || last {
            let started = Instant::now();
            let report = validation.evaluate(&model.valid())?;
            state.wall_seconds += started.elapsed().as_secs_f64();
            append_metric(&root, &HeadMetric::Validation { step: state.step, report: report.clone(), wall_seconds: state.wall_seconds })?;
            observer.on_validation(&report, state.step);
            if state.best_error.is_none_or(|b| report.mean_abs_error < b) {
                state.best_error = Some(report.mean_abs_error);
                save_regressor(&model.valid(), &root.join("best.safetensors"), &metadata(&config, &state, &report))
                    .map_err(|e| TrainError::checkpoint(root.join("best.safetensors").display(), e))?;
            }
            last_validation = Some(report);
        }
        if state.step % config.checkpoint_every == 0 || last || stop {
            write_latest(&root, &model, &optim, &state)?;
            if let Some(report) = &last_validation {
                save_regressor(&model.valid(), &root.join("last.safetensors"), &metadata(&config, &state, report))
                    .map_err(|e| TrainError::checkpoint(root.join("last.safetensors").display(), e))?;
            }
        }
        if stop {
            break;
        }
    }
    drop(stream);
    let best = root.join("best.safetensors");
    Ok(HeadTrainSummary { steps: state.step, best: best.exists().then_some(best), last_validation })
}

/// The metadata a head checkpoint carries: config, families, truth precision, steps, wall time,
/// hardware, validation scores.
fn metadata(config: &HeadTrainConfig, state: &HeadRunState, report: &HeadValidation) -> BTreeMap<String, String> {
    mutinf_models::metadata::CheckpointMetadata {
        step: Some(state.step),
        wall_seconds: Some(state.wall_seconds),
        hardware: serde_json::to_value(&state.hardware).ok(),
        validation: serde_json::to_value(report).ok(),
        head_train_config: serde_json::to_value(config).ok(),
        families: serde_json::to_value(&config.data.families).ok(),
        truth_std_error: Some(config.data.truth_std_error),
        train_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        ..Default::default()
    }
    .to_map()
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), TrainError> {
    let tmp = path.with_extension("partial");
    fs::write(&tmp, bytes).map_err(|e| TrainError::io(&tmp, e))?;
    fs::rename(&tmp, path).map_err(|e| TrainError::io(path, e))
}

fn append_metric(root: &Path, metric: &HeadMetric) -> Result<(), TrainError> {
    let path = root.join("metrics.jsonl");
    let mut f = fs::OpenOptions::new().create(true).append(true).open(&path).map_err(|e| TrainError::io(&path, e))?;
    let line = serde_json::to_string(metric).map_err(|e| TrainError::checkpoint("a metrics line (serialising)", e))?;
    writeln!(f, "{line}").map_err(|e| TrainError::io(&path, e))
}

/// Drops metric lines past `step` (written after the checkpoint a resume starts from); a line
/// that does not parse (a write cut by a kill) ends the kept history, and is reported.
fn truncate_metrics(path: &Path, step: u64) -> Result<(), TrainError> {
    if !path.exists() {
        return Ok(());
    }
    let text = fs::read_to_string(path).map_err(|e| TrainError::io(path, e))?;
    let mut kept = String::new();
    for line in text.lines() {
        let Ok(metric) = serde_json::from_str::<HeadMetric>(line) else {
            eprintln!("note: {}: dropped an unreadable line (cut by a kill) and what followed it", path.display());
            break;
        };
        let s = match &metric {
            HeadMetric::Train { step, .. } | HeadMetric::Validation { step, .. } => *step,
        };
        if s > step {
            break;
        }
        kept.push_str(line);
        kept.push('\n');
    }
    write_atomic(path, kept.as_bytes())
}

/// Writes `latest/` atomically: a scratch folder, then a rename over the old one.
fn write_latest(root: &Path, model: &MiRegressor, optim: &ModuleOptimizer, state: &HeadRunState) -> Result<(), TrainError> {
    let tmp = root.join(".latest.tmp");
    let old = root.join(".latest.old");
    for d in [&tmp, &old] {
        if d.exists() {
            fs::remove_dir_all(d).map_err(|e| TrainError::io(d, e))?;
        }
    }
    fs::create_dir_all(&tmp).map_err(|e| TrainError::io(&tmp, e))?;
    model.clone().save_file(tmp.join("model.bpk")).map_err(|e| TrainError::checkpoint(tmp.join("model.bpk").display(), e))?;
    optim.save(tmp.join("optimizer.bpk")).map_err(|e| TrainError::checkpoint(tmp.join("optimizer.bpk").display(), e))?;
    let json = serde_json::to_string_pretty(state).map_err(|e| TrainError::checkpoint("state.json (serialising)", e))?;
    fs::write(tmp.join("state.json"), json).map_err(|e| TrainError::io(&tmp.join("state.json"), e))?;
    let latest = root.join("latest");
    if latest.exists() {
        fs::rename(&latest, &old).map_err(|e| TrainError::io(&latest, e))?;
    }
    fs::rename(&tmp, &latest).map_err(|e| TrainError::io(&latest, e))?;
    if old.exists() {
        fs::remove_dir_all(&old).map_err(|e| TrainError::io(&old, e))?;
    }
    Ok(())
}

/// Batches prepared ahead on a background thread (two in flight).
struct Prefetch {
    rx: Option<Receiver<Result<HeadBatch, TrainError>>>,
    handle: Option<JoinHandle<()>>,
}

impl Prefetch {
    fn start(data: HeadDataConfig, seed: u64, from: u64, to: u64) -> Self {
        let (tx, rx) = sync_channel(2);
        let handle = std::thread::spawn(move || {
            for step in from..to {
                if tx.send(head_batch(&data, seed, step)).is_err() {
                    return;
                }
            }
        });
        Self { rx: Some(rx), handle: Some(handle) }
    }

    fn next(&mut self) -> Result<HeadBatch, TrainError> {
        self.rx
            .as_ref()
            .and_then(|rx| rx.recv().ok())
            .unwrap_or_else(|| Err(TrainError::DataThreadStopped))
    }
}

impl Drop for Prefetch {
    fn drop(&mut self) {
        // Closing the channel ends the producer at its next send.
        self.rx.take();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
