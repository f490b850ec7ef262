//! `mutinf train`: train an InfoNet on simulated Gaussian mixtures.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mutinf_train::{StepReport, TrainConfig, TrainObserver, TrainRequest, ValidationReport};

use crate::device::{CpuBackend, DeviceChoice, select};

/// Arguments of `mutinf train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Training configuration (TOML), e.g. configs/infonet-small.toml. Not needed with --resume.
    #[arg(long, required_unless_present = "resume")]
    pub config: Option<PathBuf>,
    /// Run folder for checkpoints, config and metrics.jsonl [default: runs/<config name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Where to train.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    pub device: DeviceChoice,
    /// CPU backend (with --device cpu).
    #[arg(long, value_enum, default_value_t = CpuBackend::Flex)]
    pub backend: CpuBackend,
    /// Continue the run saved in this folder from its newest checkpoint (same data stream,
    /// step count and schedule).
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    pub resume: Option<PathBuf>,
    /// Total steps, overriding the config's `steps`.
    #[arg(long)]
    pub steps: Option<u64>,
    /// Draw the training curves from metrics.jsonl to RUN/curves.png... (not yet available).
    #[arg(long)]
    pub plot: bool,
    /// No progress bar; one line per validation instead (for logs).
    #[arg(long)]
    pub quiet: bool,
}

struct Progress {
    bar: Option<ProgressBar>,
    last_validation: String,
    steps_per_sec: f64,
}

impl Progress {
    fn println(&self, line: String) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }
}

fn describe(v: &ValidationReport) -> String {
    let rho: Vec<String> = v.gauss.iter().map(|g| format!("ρ{:.1}:{:.3}/{:.3}", g.rho, g.estimate, g.truth)).collect();
    let order = v.order_accuracy.map(|a| format!(" order {:.0}%", 100.0 * a)).unwrap_or_default();
    format!("val loss {:.4} gauss MAE {:.4}{order} [{}]", v.val_loss, v.gauss_mae, rho.join(" "))
}

impl TrainObserver for Progress {
    fn on_start(&mut self, config: &TrainConfig, start_step: u64, parameters: usize) {
        self.println(format!(
            "InfoNet: {parameters} parameters, G = {}, batch {} x N {}..{}; starting at step {start_step} of {}",
            config.model.grid, config.data.batch_size, config.data.min_samples, config.data.max_samples, config.steps
        ));
        if let Some(bar) = &self.bar {
            bar.set_length(config.steps);
            bar.set_position(start_step);
            bar.reset_eta();
        }
    }

    fn on_step(&mut self, r: &StepReport) {
        let rate = 1.0 / r.seconds.max(1e-9);
        self.steps_per_sec = if self.steps_per_sec == 0.0 { rate } else { 0.9 * self.steps_per_sec + 0.1 * rate };
        if let Some(bar) = &self.bar {
            bar.set_position(r.step);
            bar.set_message(format!(
                "loss {:.4} (MI {:.3}) lr {:.1e} {:.2} steps/s | {}",
                r.loss, -r.loss, r.learning_rate, self.steps_per_sec, self.last_validation
            ));
        }
    }

    fn on_validation(&mut self, v: &ValidationReport) {
        self.last_validation = format!("val MAE {:.4}", v.gauss_mae);
        self.println(format!("step {:>6}: {}", v.step, describe(v)));
    }

    fn on_checkpoint(&mut self, path: &Path, _step: u64) {
        if let Some(bar) = &self.bar {
            bar.set_message(format!("checkpoint {}", path.display()));
        }
    }
}

/// Runs `mutinf train`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    if args.plot {
        anyhow::bail!("--plot is not available yet; plot metrics.jsonl from the run folder instead");
    }
    let device = select(args.device, args.backend)?;
    let (config, out, resume) = match (&args.resume, &args.config) {
        (Some(dir), _) => (None, dir.clone(), true),
        (None, Some(path)) => {
            let config = TrainConfig::load(path).with_context(|| format!("reading {}", path.display()))?;
            let name = path.file_stem().map_or_else(|| "infonet".into(), |s| s.to_string_lossy().into_owned());
            (Some(config), args.out.clone().unwrap_or_else(|| PathBuf::from("runs").join(name)), false)
        }
        (None, None) => anyhow::bail!("give --config FILE for a new run or --resume DIR to continue one"),
    };
    let bar = (!args.quiet).then(|| {
        let bar = ProgressBar::new(1);
        bar.set_style(
            ProgressStyle::with_template("{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} ETA {eta} {msg}")
                .expect("valid template"),
        );
        bar.enable_steady_tick(Duration::from_millis(500));
        bar
    });
    let mut progress = Progress { bar, last_validation: String::new(), steps_per_sec: 0.0 };
    let request = TrainRequest { config, out: out.clone(), device, resume, steps: args.steps };
    let summary = mutinf_train::train(request, &mut progress).with_context(|| format!("training into {}", out.display()))?;
    if let Some(bar) = &progress.bar {
        bar.finish_and_clear();
    }
    println!("trained {} steps; last checkpoint {}", summary.steps, summary.last_checkpoint.display());
    if let Some(best) = summary.best {
        println!("best model: {}", best.display());
    }
    if let Some(v) = summary.last_validation {
        println!("last validation: {}", describe(&v));
    }
    Ok(())
}
