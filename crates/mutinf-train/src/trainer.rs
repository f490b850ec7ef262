//! The training loop: maximise the DV bound on simulated batches, validate, checkpoint, resume.

use std::path::{Path, PathBuf};
use std::time::Instant;

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::{AdamConfig, GradientsParams, ModuleOptimizer};
use burn::tensor::{Device, Tensor};
use mutinf_models::InfoNet;
use serde::{Deserialize, Serialize};

use crate::checkpoint::{RunDir, RunState};
use crate::data::DataStream;
use crate::validation::{ValidationReport, ValidationSet};
use crate::{TrainConfig, TrainError};

/// What to run.
#[derive(Debug, Clone)]
pub struct TrainRequest {
    /// The run's configuration (ignored when resuming: the run folder's own `config.toml` is used).
    pub config: Option<TrainConfig>,
    /// The run folder: `config.toml`, `metrics.jsonl`, `checkpoints/`, `best.safetensors`.
    pub out: PathBuf,
    /// Where to compute (`Device::flex()`, `Device::ndarray()`, a wgpu device); autodiff is
    /// added here.
    pub device: Device,
    /// Continue the run saved in `out` from its newest checkpoint.
    pub resume: bool,
    /// Overrides `steps` (the total, not additional steps; it also moves a cosine horizon).
    pub steps: Option<u64>,
}

/// One optimiser step, as reported to the observer and logged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepReport {
    /// Steps completed (1 after the first update).
    pub step: u64,
    /// Total steps of the run.
    pub total_steps: u64,
    /// −mean DV bound of the batch.
    pub loss: f64,
    /// Learning rate used.
    pub learning_rate: f64,
    /// Global gradient norm before clipping.
    pub grad_norm: f64,
    /// Samples per sequence this step.
    pub samples: usize,
    /// Seconds of this step (forward, backward, update; waiting for data included).
    pub seconds: f64,
    /// Training wall-clock so far (across resumes).
    pub wall_seconds: f64,
}

/// Receives progress; every method has a no-op default.
pub trait TrainObserver {
    /// Called once before the first step, with the run's state.
    fn on_start(&mut self, _config: &TrainConfig, _start_step: u64, _parameters: usize) {}
    /// Called after each optimiser step.
    fn on_step(&mut self, _report: &StepReport) {}
    /// Called after each validation pass.
    fn on_validation(&mut self, _report: &ValidationReport) {}
    /// Called after each checkpoint is written.
    fn on_checkpoint(&mut self, _path: &Path, _step: u64) {}
    /// Return true to stop after the current step (a checkpoint is written first).
    fn should_stop(&mut self) -> bool {
        false
    }
}

/// An observer that ignores everything.
pub struct Silent;
impl TrainObserver for Silent {}

/// What a finished (or stopped) run left behind.
#[derive(Debug, Clone)]
pub struct TrainSummary {
    /// Steps completed.
    pub steps: u64,
    /// The newest checkpoint folder.
    pub last_checkpoint: PathBuf,
    /// The best model so far (`best.safetensors`), if any validation ran.
    pub best: Option<PathBuf>,
    /// The last validation.
    pub last_validation: Option<ValidationReport>,
    /// The trained network (inference copy).
    pub model: InfoNet,
    /// What a resume found and did about it (a damaged best model set aside, unreadable metric
    /// lines dropped, a step target the run had already reached).
    pub notes: Vec<String>,
}

/// Global L2 norm of all gradients, and scaling of all gradients, by parameter id.
struct GradNorm<'a> {
    grads: &'a GradientsParams,
    total: Vec<Tensor<1>>,
}

impl ModuleVisitor for GradNorm<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.get::<D>(param.id) {
            self.total.push(g.powi_scalar(2).sum());
        }
    }
}

struct GradScale<'a> {
    grads: &'a mut GradientsParams,
    scale: f64,
}

impl ModuleVisitor for GradScale<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.remove::<D>(param.id) {
            self.grads.register(param.id, g * self.scale);
        }
    }
}

/// Clips the global gradient norm to `max_norm` (0 = no clipping); returns the norm before.
pub fn clip_global_norm<M: Module>(model: &M, grads: &mut GradientsParams, max_norm: f64) -> Result<f64, TrainError> {
    let mut v = GradNorm { grads, total: Vec::new() };
    model.visit(&mut v);
    if v.total.is_empty() {
        return Ok(0.0);
    }
    let sq: f32 = Tensor::cat(v.total, 0).sum().into_scalar::<f32>();
    let norm = f64::from(sq).sqrt();
    if !norm.is_finite() {
        return Err(TrainError::Diverged(format!("the gradient norm is {norm}")));
    }
    if max_norm > 0.0 && norm > max_norm {
        model.visit(&mut GradScale { grads, scale: max_norm / norm });
    }
    Ok(norm)
}

fn adam(config: &TrainConfig) -> ModuleOptimizer {
    let o = &config.optimizer;
    AdamConfig::new().with_beta_1(o.beta1).with_beta_2(o.beta2).with_epsilon(o.epsilon).init()
}

/// Runs (or resumes) a training run.
pub fn train(request: TrainRequest, observer: &mut dyn TrainObserver) -> Result<TrainSummary, TrainError> {
    let device = request.device.clone().autodiff();
    let (run, mut config, state) = if request.resume {
        let run = RunDir::open(&request.out)?;
        let config = run.load_config()?;
        let state = run.latest_state()?;
        (run, config, Some(state))
    } else {
        let config = request.config.clone().ok_or_else(|| TrainError::Config("a new run needs a config".into()))?;
        (RunDir::create(&request.out, &config)?, config, None)
    };
    let _lock = crate::checkpoint::RunLock::acquire(&request.out)?;
    let mut notes = Vec::new();
    if request.resume && request.config.is_some() {
        return Err(TrainError::Config(format!(
            "a config was given with --resume; the run in {} keeps its own config.toml: edit that file to change the run",
            request.out.display()
        )));
    }
    if let (Some(steps), Some((_, latest))) = (request.steps, &state)
        && steps <= latest.step
    {
        notes.push(format!(
            "the run was already at step {} and --steps {steps} asks for no more; nothing was trained (give a larger --steps to continue)",
            latest.step
        ));
    }
    if let Some(steps) = request.steps {
        config.steps = steps;
        config.check()?;
        // Persist the new total so a later plain --resume keeps it.
        run.save_config(&config)?;
    }
    let mut model = config.model.init_seeded(&device, config.seed).map_err(TrainError::model_config)?;
    let mut optim = adam(&config);
    let mut state = match state {
        Some((dir, state)) => {
            let (m, o) = run.load_training_state(&dir, model, optim)?;
            model = m;
            optim = o;
            let dropped = run.truncate_metrics(state.step)?;
            if dropped > 0 {
                notes.push(format!(
                    "{dropped} line(s) of metrics.jsonl did not parse (truncated or edited) and were dropped; the \
                     history up to step {} is kept",
                    state.step
                ));
            }
            notes.extend(run.check_best()?);
            state
        }
        None => RunState::default(),
    };
    let device_name = format!("{:?}", request.device);
    let machine = mutinf_core::machine::Machine::detect().to_string();
    if state.hardware.is_empty() && state.step > 0 {
        // A run saved before the hardware history existed: its earlier steps are booked as such.
        let seconds = state.wall_seconds;
        state.charge("not recorded", "not recorded (run saved before mutinf recorded its hardware)", seconds);
    }
    let parameters = model.num_params();
    observer.on_start(&config, state.step, parameters);

    let validation = ValidationSet::build(&config.validation)?;
    let mut last_validation = None;
    if state.step == 0 {
        let report = validation.evaluate(&model.valid(), 0)?;
        run.log(&crate::MetricLine::Validation { wall_seconds: 0.0, report: report.clone() })?;
        observer.on_validation(&report);
        last_validation = Some(report);
    }

    let mut stream = DataStream::start(config.data.clone(), config.model.clone(), config.seed, state.step, config.steps);
    let mut last_checkpoint = None;
    while state.step < config.steps {
        let started = Instant::now();
        let batch = stream.next_batch()?;
        debug_assert_eq!(batch.step, state.step);
        let bound = model.bound(&batch.batch, &device);
        let loss = -bound.mean();
        // A backend failure (e.g. a GPU out of memory for this batch size) is an error, not a panic.
        let loss_value = loss
            .clone()
            .try_into_data()
            .map_err(|e| TrainError::Backend(format!("step {}: {e}; try a smaller data.batch_size", state.step + 1)))?
            .iter::<f32>()
            .next()
            .map_or(f64::NAN, f64::from);
        if !loss_value.is_finite() {
            return Err(TrainError::Diverged(format!("the loss is {loss_value} at step {}", state.step + 1)));
        }
        let mut grads = GradientsParams::from_grads(loss.backward(), &model);
        let grad_norm = clip_global_norm(&model, &mut grads, config.optimizer.grad_clip_norm)?;
        let lr = config.learning_rate(state.step);
        model = optim.step(lr, model, grads);
        state.step += 1;
        let seconds = started.elapsed().as_secs_f64();
        state.wall_seconds += seconds;
        state.charge(&device_name, &machine, seconds);
        let report = StepReport {
            step: state.step,
            total_steps: config.steps,
            loss: loss_value,
            learning_rate: lr,
            grad_norm,
            samples: batch.samples,
            seconds,
            wall_seconds: state.wall_seconds,
        };
        run.log(&crate::MetricLine::Train { report: report.clone() })?;
        observer.on_step(&report);

        let last = state.step == config.steps;
        let stop = observer.should_stop();
        if state.step % config.validation.every == 0 || last {
            let started = Instant::now();
            let report = validation.evaluate(&model.valid(), state.step)?;
            let seconds = started.elapsed().as_secs_f64();
            state.wall_seconds += seconds;
            state.charge(&device_name, &machine, seconds);
            run.log(&crate::MetricLine::Validation { wall_seconds: state.wall_seconds, report: report.clone() })?;
            observer.on_validation(&report);
            run.update_best(&config, &model, &mut state, &report, &device_name)?;
            last_validation = Some(report);
        }
        if state.step % config.checkpoint.every == 0 || last || stop {
            let path = run.write_checkpoint(&config, &model, &optim, &state, last_validation.as_ref(), &device_name)?;
            observer.on_checkpoint(&path, state.step);
            last_checkpoint = Some(path);
        }
        if stop {
            break;
        }
    }
    drop(stream);
    let last_checkpoint = match last_checkpoint {
        Some(p) => p,
        None => run.latest_state()?.0,
    };
    let best = run.best_path();
    Ok(TrainSummary {
        steps: state.step,
        last_checkpoint,
        best: best.exists().then_some(best),
        last_validation,
        model: model.valid(),
        notes,
    })
}
