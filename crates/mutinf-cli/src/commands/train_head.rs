//! `mutinf train-head`: train InfoNet's regression readout on the true MI of simulated
//! distributions (resumable; a killed run continues with `--resume DIR`).

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use mutinf_train::regression::{HeadMetric, HeadObserver, HeadTrainConfig, HeadTrainRequest, HeadValidation, train_head};

use crate::device::{CpuBackend, DeviceChoice, select};

/// Arguments of `mutinf train-head`.
#[derive(Debug, Args)]
pub struct TrainHeadArgs {
    /// Training configuration (TOML), e.g. configs/infonet-gt.toml. Not allowed with --resume:
    /// a run keeps its config (edit RUN/config.toml, or start a new run, to change it).
    #[arg(long, required_unless_present = "resume", conflicts_with = "resume")]
    pub config: Option<PathBuf>,
    /// Run folder [default: runs/<config name>].
    #[arg(long, conflicts_with = "resume")]
    pub out: Option<PathBuf>,
    /// Continue the run in this folder from its `latest/` checkpoint (same data stream).
    #[arg(long, value_name = "DIR")]
    pub resume: Option<PathBuf>,
    /// Total steps, overriding the config's (persisted in the run's config).
    #[arg(long)]
    pub steps: Option<u64>,
    /// Where to train.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    pub device: DeviceChoice,
    /// Print a line every this many steps (and at every validation).
    #[arg(long, default_value_t = 50)]
    pub log_every: u64,
}

struct Log {
    every: u64,
    started: Instant,
    window: Vec<(f64, f64)>,
}

impl HeadObserver for Log {
    fn on_step(&mut self, metric: &HeadMetric, total: u64) {
        if let HeadMetric::Train { step, loss, error, learning_rate, n, seconds, .. } = metric {
            self.window.push((*loss, *error));
            if step % self.every == 0 {
                let m = self.window.len() as f64;
                let (l, e) = self.window.iter().fold((0.0, 0.0), |a, b| (a.0 + b.0, a.1 + b.1));
                eprintln!(
                    "step {step}/{total}  loss {:.4}  |err| {:.4}  lr {learning_rate:.2e}  N {n}  {seconds:.2}s/step  {:.0}s",
                    l / m,
                    e / m,
                    self.started.elapsed().as_secs_f64()
                );
                self.window.clear();
            }
        }
    }

    fn on_validation(&mut self, r: &HeadValidation, step: u64) {
        eprintln!(
            "validation @{step}: mean |err| {:.4} (gauss {:.4}, mixtures {:.4}), independent mean {:+.4}, 90% coverage {:.0}%",
            r.mean_abs_error,
            r.gaussian_error,
            r.mixture_error,
            r.independent_mean,
            100.0 * r.coverage
        );
    }
}

/// Runs `mutinf train-head`.
pub fn run(args: TrainHeadArgs) -> anyhow::Result<()> {
    let device = select(args.device, CpuBackend::Flex)?;
    let (config, out) = match (&args.config, &args.resume) {
        (Some(path), None) => {
            let config = HeadTrainConfig::load(path).with_context(|| format!("reading {}", path.display()))?;
            let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "head".into());
            (Some(config), args.out.clone().unwrap_or_else(|| PathBuf::from("runs").join(name)))
        }
        (None, Some(dir)) => (None, dir.clone()),
        _ => bail!("give --config FILE for a new run or --resume DIR to continue one"),
    };
    if args.log_every == 0 {
        bail!("--log-every must be at least 1");
    }
    let mut log = Log { every: args.log_every, started: Instant::now(), window: Vec::new() };
    let summary = train_head(HeadTrainRequest { config, out: out.clone(), device, steps: args.steps }, &mut log)?;
    eprintln!(
        "trained {} steps; best model: {}",
        summary.steps,
        summary.best.map_or("none (no validation ran)".into(), |p| p.display().to_string())
    );
    Ok(())
}
