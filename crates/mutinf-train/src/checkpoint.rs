//! The run folder: config, metrics log, step checkpoints (atomic, keep last k) and the best model.
//!
//! ```text
//! RUN/config.toml                       the TrainConfig of the run
//! RUN/metrics.jsonl                     one JSON object per step / validation
//! RUN/checkpoints/step-00001200/        model.safetensors (weights + metadata), model.bpk and
//!                                       optimizer.bpk (exact resume state), state.json
//! RUN/best.safetensors, RUN/best.json   the best model by the validation metric
//! ```
//! A checkpoint folder is written under a temporary name and renamed when complete, so a run
//! killed at any moment leaves only complete checkpoints.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use burn::module::Module;
use burn::optim::ModuleOptimizer;
use mutinf_models::{InfoNet, save_checkpoint};
use serde::{Deserialize, Serialize};

use crate::validation::ValidationReport;
use crate::{TrainConfig, TrainError};

/// Key of the hardware spans (see [`mutinf_models::metadata`]).
pub use mutinf_models::metadata::HARDWARE_KEY;

/// Key of the whole training config, TOML (see [`mutinf_models::metadata`]).
pub use mutinf_models::metadata::TRAIN_CONFIG_KEY;

/// Progress that a resume restores.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunState {
    /// Optimiser steps completed.
    pub step: u64,
    /// Training wall-clock seconds so far (validation included).
    pub wall_seconds: f64,
    /// Best validation score so far (lower is better).
    pub best_score: Option<f64>,
    /// Step of the best score.
    pub best_step: Option<u64>,
    /// Where the steps so far were trained, in order: one span per run of consecutive steps on
    /// the same device and machine (a resume elsewhere starts a new span).
    #[serde(default)]
    pub hardware: Vec<HardwareSpan>,
}

/// Consecutive training steps on one device of one machine.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardwareSpan {
    /// The burn device (`Device<Flex(Cpu)>`, `Device<Cube(Wgpu(..))>`).
    pub device: String,
    /// The machine ([`Machine`](mutinf_core::machine::Machine) as text).
    pub machine: String,
    /// Steps `from_step + 1 ..= to_step` ran here.
    pub from_step: u64,
    /// Last step of the span.
    pub to_step: u64,
    /// Wall seconds spent (validation included).
    pub seconds: f64,
}

impl RunState {
    /// Books `seconds` of work that ended at `self.step` to `device` on `machine`, extending the
    /// last span when it is the same hardware.
    ///
    /// ```
    /// let mut s = mutinf_train::RunState::default();
    /// s.step = 1;
    /// s.charge("cpu", "box", 2.0);
    /// s.step = 2;
    /// s.charge("cpu", "box", 1.0);
    /// s.step = 3;
    /// s.charge("gpu", "box", 0.5);
    /// assert_eq!(s.hardware.len(), 2);
    /// assert_eq!((s.hardware[0].from_step, s.hardware[0].to_step, s.hardware[0].seconds), (0, 2, 3.0));
    /// assert_eq!((s.hardware[1].from_step, s.hardware[1].to_step), (2, 3));
    /// ```
    pub fn charge(&mut self, device: &str, machine: &str, seconds: f64) {
        match self.hardware.last_mut() {
            Some(last) if last.device == device && last.machine == machine => {
                last.to_step = self.step;
                last.seconds += seconds;
            }
            _ => {
                let from_step = self.hardware.last().map_or(0, |l| l.to_step);
                self.hardware.push(HardwareSpan {
                    device: device.to_string(),
                    machine: machine.to_string(),
                    from_step,
                    to_step: self.step,
                    seconds,
                });
            }
        }
    }
}

/// Exclusive use of a run folder by one training process: `RUN/train.lock` holds its pid and is
/// removed when the guard drops. A lock whose process is gone (killed) is taken over.
pub struct RunLock {
    path: PathBuf,
}

impl RunLock {
    /// Takes the lock of `root`, or explains who holds it.
    pub fn acquire(root: &Path) -> Result<Self, TrainError> {
        fs::create_dir_all(root).map_err(io(root))?;
        let path = root.join("train.lock");
        if let Ok(text) = fs::read_to_string(&path)
            && let Ok(pid) = text.trim().parse::<u32>()
        {
            let alive = Path::new("/proc").join(pid.to_string()).exists() && pid != std::process::id();
            if alive {
                return Err(TrainError::RunFolderInUse { path: root.to_path_buf(), pid });
            }
        }
        fs::write(&path, std::process::id().to_string()).map_err(io(&path))?;
        Ok(Self { path })
    }
}

impl Drop for RunLock {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// A run folder.
pub struct RunDir {
    root: PathBuf,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> TrainError + '_ {
    move |e| TrainError::io(path, e)
}

impl RunDir {
    /// Creates a new run folder (refusing one that already holds checkpoints) and saves the config.
    pub fn create(root: &Path, config: &TrainConfig) -> Result<Self, TrainError> {
        let run = Self { root: root.to_path_buf() };
        if !run.checkpoints()?.is_empty() {
            return Err(TrainError::Config(format!(
                "{} already holds a run; continue it with --resume {} or choose another --out",
                root.display(),
                root.display()
            )));
        }
        fs::create_dir_all(root.join("checkpoints")).map_err(io(root))?;
        run.write_atomic(&root.join("config.toml"), config.to_toml().as_bytes())?;
        let metrics = root.join("metrics.jsonl");
        fs::write(&metrics, b"").map_err(io(&metrics))?;
        Ok(run)
    }

    /// Opens an existing run folder.
    pub fn open(root: &Path) -> Result<Self, TrainError> {
        if !root.join("config.toml").is_file() {
            return Err(TrainError::Config(format!("{} is not a run folder (no config.toml)", root.display())));
        }
        Ok(Self { root: root.to_path_buf() })
    }

    /// Replaces the run's saved config (e.g. after `--steps` changed the total).
    pub fn save_config(&self, config: &TrainConfig) -> Result<(), TrainError> {
        self.write_atomic(&self.root.join("config.toml"), config.to_toml().as_bytes())
    }

    /// The run's saved config.
    pub fn load_config(&self) -> Result<TrainConfig, TrainError> {
        TrainConfig::load(&self.root.join("config.toml"))
    }

    /// Complete step checkpoints, oldest first.
    pub fn checkpoints(&self) -> Result<Vec<PathBuf>, TrainError> {
        let dir = self.root.join("checkpoints");
        if !dir.is_dir() {
            return Ok(Vec::new());
        }
        let mut out: Vec<PathBuf> = fs::read_dir(&dir)
            .map_err(io(&dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir() && p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("step-")))
            .collect();
        out.sort();
        Ok(out)
    }

    /// The newest checkpoint and its state.
    pub fn latest_state(&self) -> Result<(PathBuf, RunState), TrainError> {
        let dir = self.checkpoints()?.pop().ok_or_else(|| {
            TrainError::Config(format!("{} has no checkpoint to resume from; start a new run instead", self.root.display()))
        })?;
        let path = dir.join("state.json");
        let text = fs::read_to_string(&path).map_err(io(&path))?;
        let state = serde_json::from_str(&text).map_err(|e| TrainError::checkpoint(path.display(), e))?;
        Ok((dir, state))
    }

    /// Loads weights (with their parameter ids, so the optimiser state matches) and optimiser state.
    pub fn load_training_state(&self, dir: &Path, model: InfoNet, optim: ModuleOptimizer) -> Result<(InfoNet, ModuleOptimizer), TrainError> {
        let model = model
            .try_load_file(dir.join("model.bpk"))
            .map_err(|e| TrainError::checkpoint(dir.join("model.bpk").display(), e))?;
        let optim = optim
            .load(dir.join("optimizer.bpk"))
            .map_err(|e| TrainError::checkpoint(dir.join("optimizer.bpk").display(), e))?;
        Ok((model, optim))
    }

    /// Drops metric lines past `step` (written after the checkpoint a resume starts from), and
    /// lines that do not parse as a [`MetricLine`](crate::MetricLine).
    /// Returns how many non-empty lines did not parse (so a resume can say so).
    pub fn truncate_metrics(&self, step: u64) -> Result<usize, TrainError> {
        let path = self.root.join("metrics.jsonl");
        let text = fs::read_to_string(&path).unwrap_or_default();
        let unreadable = crate::parse_metrics(&text).unreadable.len();
        let kept: Vec<&str> = text
            .lines()
            .filter(|line| serde_json::from_str::<crate::MetricLine>(line).is_ok_and(|m| m.step() <= step))
            .collect();
        let mut out = kept.join("\n");
        if !out.is_empty() {
            out.push('\n');
        }
        self.write_atomic(&path, out.as_bytes())?;
        Ok(unreadable)
    }

    /// Appends one line to `metrics.jsonl` (read back by [`read_metrics`](crate::read_metrics)).
    pub fn log(&self, line: &crate::MetricLine) -> Result<(), TrainError> {
        let path = self.root.join("metrics.jsonl");
        let json = serde_json::to_string(line).map_err(|e| TrainError::checkpoint(path.display(), e))?;
        let mut f = fs::OpenOptions::new().create(true).append(true).open(&path).map_err(io(&path))?;
        writeln!(f, "{json}").map_err(io(&path))
    }

    /// Checks `best.safetensors` on resume: a file whose header does not read (truncated,
    /// overwritten) is renamed to `best.safetensors.damaged` so it is never announced as the best
    /// model; the next validation writes a new one. Returns what it found, as notes.
    pub fn check_best(&self) -> Result<Vec<String>, TrainError> {
        let best = self.best_path();
        if !best.exists() {
            return Ok(Vec::new());
        }
        match mutinf_models::read_metadata(&best) {
            Ok(_) => Ok(Vec::new()),
            Err(e) => {
                let aside = best.with_extension("safetensors.damaged");
                fs::rename(&best, &aside).map_err(io(&best))?;
                Ok(vec![format!(
                    "{} was damaged ({e}); moved it to {} — the next validation writes a new best model",
                    best.display(),
                    aside.display()
                )])
            }
        }
    }

    /// Path of the best model.
    pub fn best_path(&self) -> PathBuf {
        self.root.join("best.safetensors")
    }

    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<(), TrainError> {
        let tmp = path.with_extension("tmp");
        fs::write(&tmp, bytes).map_err(io(&tmp))?;
        fs::rename(&tmp, path).map_err(io(path))
    }

    fn metadata(config: &TrainConfig, state: &RunState, validation: Option<&ValidationReport>, device: &str) -> BTreeMap<String, String> {
        mutinf_models::metadata::CheckpointMetadata {
            step: Some(state.step),
            wall_seconds: Some(state.wall_seconds),
            device: Some(device.to_string()),
            hardware: serde_json::to_value(&state.hardware).ok(),
            validation: validation.and_then(|v| serde_json::to_value(v).ok()),
            train_config: Some(config.to_toml()),
            train_version: Some(env!("CARGO_PKG_VERSION").to_string()),
            ..Default::default()
        }
        .to_map()
    }

    /// Writes checkpoint `step-XXXXXXXX` atomically and prunes old ones.
    pub fn write_checkpoint(
        &self,
        config: &TrainConfig,
        model: &InfoNet,
        optim: &ModuleOptimizer,
        state: &RunState,
        validation: Option<&ValidationReport>,
        device: &str,
    ) -> Result<PathBuf, TrainError> {
        let dir = self.root.join("checkpoints");
        let name = format!("step-{:08}", state.step);
        let final_dir = dir.join(&name);
        let tmp = dir.join(format!(".{name}.tmp"));
        if tmp.exists() {
            fs::remove_dir_all(&tmp).map_err(io(&tmp))?;
        }
        fs::create_dir_all(&tmp).map_err(io(&tmp))?;
        save_checkpoint(&model.valid(), &tmp.join("model.safetensors"), &Self::metadata(config, state, validation, device))
            .map_err(|e| TrainError::checkpoint(tmp.join("model.safetensors").display(), e))?;
        model.clone().save_file(tmp.join("model.bpk")).map_err(|e| TrainError::checkpoint(tmp.join("model.bpk").display(), e))?;
        optim.save(tmp.join("optimizer.bpk")).map_err(|e| TrainError::checkpoint(tmp.join("optimizer.bpk").display(), e))?;
        let state_json = serde_json::to_string_pretty(state).map_err(|e| TrainError::checkpoint("state.json (serialising)", e))?;
        fs::write(tmp.join("state.json"), state_json).map_err(io(&tmp))?;
        if final_dir.exists() {
            fs::remove_dir_all(&final_dir).map_err(io(&final_dir))?;
        }
        fs::rename(&tmp, &final_dir).map_err(io(&final_dir))?;
        let all = self.checkpoints()?;
        let excess = all.len().saturating_sub(config.checkpoint.keep_last);
        for old in &all[..excess] {
            fs::remove_dir_all(old).map_err(io(old))?;
        }
        Ok(final_dir)
    }

    /// Saves `best.safetensors` (+ `best.json`) when `report` beats the best score so far.
    pub fn update_best(
        &self,
        config: &TrainConfig,
        model: &InfoNet,
        state: &mut RunState,
        report: &ValidationReport,
        device: &str,
    ) -> Result<bool, TrainError> {
        let score = if config.validation.best_metric == "val_loss" { report.val_loss } else { report.gauss_mae };
        if state.best_score.is_some_and(|b| b <= score) || !score.is_finite() {
            return Ok(false);
        }
        state.best_score = Some(score);
        state.best_step = Some(report.step);
        let best = self.best_path();
        // save_checkpoint itself writes to a scratch file and renames it into place.
        save_checkpoint(&model.valid(), &best, &Self::metadata(config, state, Some(report), device))
            .map_err(|e| TrainError::checkpoint(best.display(), e))?;
        let json = serde_json::to_string_pretty(report).map_err(|e| TrainError::checkpoint("best.json (serialising)", e))?;
        self.write_atomic(&self.root.join("best.json"), json.as_bytes())?;
        Ok(true)
    }
}
