//! `mutinf train`: train an InfoNet on simulated Gaussian mixtures.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mutinf_train::{StepReport, TrainConfig, TrainObserver, TrainRequest, ValidationReport};

use crate::device::{CpuBackend, DeviceChoice, select};

/// Arguments of `mutinf train`.
#[derive(Debug, Args)]
#[command(after_help = "Ctrl-C stops after the current step, writes a checkpoint and exits with code 130 \
    (continue with --resume DIR); a second Ctrl-C exits at once (the newest checkpoint is intact).")]
pub struct TrainArgs {
    /// Training configuration (TOML), e.g. configs/infonet-small.toml. Not with --resume (a run
    /// keeps its own config; edit RUN/config.toml to change it).
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
    /// After training, draw the curves of RUN/metrics.jsonl as PNG charts: RUN/loss.png (training
    /// loss, 25-step mean, and validation loss vs step), RUN/validation.png (mean |estimate −
    /// truth| on the Gaussian validation set vs step) and RUN/estimates.png (the validation
    /// estimate per ρ vs step). `--resume DIR --plot --steps 0` only plots (also while another
    /// process is still training into DIR).
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
    /// Set by the first Ctrl-C.
    stop: Arc<AtomicBool>,
    /// The run's total steps (from `on_start`).
    total_steps: u64,
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
        self.total_steps = config.steps;
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

    fn should_stop(&mut self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }
}

/// The command that continues the run in `out` on the same device.
fn resume_command(args: &TrainArgs, out: &Path) -> String {
    let dir = out.display().to_string();
    let dir = if dir.contains(char::is_whitespace) { format!("'{dir}'") } else { dir };
    let mut cmd = format!("mutinf train --resume {dir}");
    if args.device == DeviceChoice::Gpu {
        cmd += " --device gpu";
    }
    if args.backend == CpuBackend::Ndarray {
        cmd += " --backend ndarray";
    }
    cmd
}

/// Installs the Ctrl-C handler: the first press sets the returned flag (the trainer stops after
/// the current step and writes a checkpoint), the second exits at once with code 130.
fn install_interrupt(bar: Option<ProgressBar>, resume: String) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let installed = ctrlc::set_handler(move || {
        if flag.swap(true, Ordering::SeqCst) {
            eprintln!("\ninterrupted again: exiting now; the newest checkpoint is intact, continue with: {resume}");
            std::process::exit(130);
        }
        let line = "Ctrl-C: stopping after the current step and writing a checkpoint (Ctrl-C again exits at once)";
        match &bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    });
    if let Err(e) = installed {
        eprintln!("warning: no Ctrl-C handler ({e}): Ctrl-C will lose the steps since the last checkpoint");
    }
    stop
}

/// Runs `mutinf train`.
pub fn run(args: TrainArgs) -> anyhow::Result<()> {
    if args.plot && args.steps == Some(0) {
        let dir = args.resume.as_ref().or(args.out.as_ref()).context("--plot --steps 0 needs the run folder: --resume DIR")?;
        print_curves(&plot_curves(dir)?);
        return Ok(());
    }
    let device = select(args.device, args.backend)?;
    let (config, out, resume) = match (&args.resume, &args.config) {
        (Some(dir), Some(config)) => anyhow::bail!(
            "--config {} with --resume {}: a run keeps the config it started with ({}); edit that file to change \
             the run (e.g. its steps, or use --steps), or start a new run with --config and --out",
            config.display(),
            dir.display(),
            dir.join("config.toml").display()
        ),
        (Some(dir), None) => (None, dir.clone(), true),
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
    let stop = install_interrupt(bar.clone(), resume_command(&args, &out));
    let mut progress = Progress { bar, last_validation: String::new(), steps_per_sec: 0.0, stop, total_steps: 0 };
    let request = TrainRequest { config, out: out.clone(), device, resume, steps: args.steps };
    let summary = mutinf_train::train(request, &mut progress).with_context(|| format!("training into {}", out.display()))?;
    if let Some(bar) = &progress.bar {
        bar.finish_and_clear();
    }
    let interrupted = progress.stop.load(Ordering::SeqCst) && summary.steps < progress.total_steps;
    if interrupted {
        println!(
            "stopped by Ctrl-C after step {} of {}; checkpoint {}",
            summary.steps,
            progress.total_steps,
            summary.last_checkpoint.display()
        );
    } else {
        println!("trained {} steps; last checkpoint {}", summary.steps, summary.last_checkpoint.display());
    }
    for note in &summary.notes {
        println!("note: {note}");
    }
    if let Some(best) = summary.best {
        println!("best model: {}", best.display());
    }
    if let Some(v) = summary.last_validation {
        println!("last validation: {}", describe(&v));
    }
    if args.plot {
        print_curves(&plot_curves(&out)?);
    }
    if interrupted {
        println!("continue with: {}", resume_command(&args, &out));
        let _ = std::io::stdout().flush();
        // 130 = 128 + SIGINT, as a shell reports an interrupted command: a script that chains
        // commands after `mutinf train` should not carry on with an unfinished model.
        std::process::exit(130);
    }
    Ok(())
}

fn print_curves(paths: &[PathBuf]) {
    let names: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    println!("curves: {}", names.join(" "));
}

/// Draws RUN/loss.png, RUN/validation.png and (when the validation has Gaussian points)
/// RUN/estimates.png from RUN/metrics.jsonl; returns the paths written.
fn plot_curves(run: &Path) -> anyhow::Result<Vec<PathBuf>> {
    use mutinf_plot::{LineChart, Series, SeriesStyle, line_chart_png};

    // A line another process is still writing does not parse yet: `read_metrics` skips it.
    let metrics = mutinf_train::read_metrics(&run.join("metrics.jsonl"))?;
    let train: Vec<StepReport> = metrics.train().cloned().collect();
    let val: Vec<ValidationReport> = metrics.validations().cloned().collect();
    // Moving average over 25 steps: single batches are noisy.
    let smooth: Vec<(f64, f64)> = (0..train.len())
        .map(|i| {
            let lo = i.saturating_sub(24);
            (train[i].step as f64, train[lo..=i].iter().map(|r| r.loss).sum::<f64>() / (i - lo + 1) as f64)
        })
        .collect();
    let series = |name: &str, points: Vec<(f64, f64)>, style| Series { name: name.into(), points, style };
    let chart = |title: &str, y_label: &str, series: Vec<Series>, log_y| LineChart {
        title: title.into(),
        x_label: "step".into(),
        y_label: y_label.into(),
        series,
        log_x: false,
        log_y,
    };
    let mut charts = vec![(
        "loss.png",
        chart("InfoNet loss (−DV bound)", "loss (nats)", vec![
            series("train (25-step mean)", smooth, SeriesStyle::Line),
            series("validation", val.iter().map(|v| (v.step as f64, v.val_loss)).collect(), SeriesStyle::LineAndPoints),
        ], false),
    )];
    let mae: Vec<(f64, f64)> = val.iter().map(|v| (v.step as f64, v.gauss_mae)).collect();
    // Log scale shows the late, small improvements, where every value allows it.
    let log_mae = mae.iter().all(|p| !p.1.is_finite() || p.1 > 0.0);
    charts.push((
        "validation.png",
        chart("validation on Gaussians", "mean |estimate − truth| (nats)", vec![
            series("Gaussian MAE", mae, SeriesStyle::LineAndPoints),
        ], log_mae),
    ));
    let mut rhos: Vec<(f64, f64)> = val.iter().flat_map(|v| v.gauss.iter().map(|g| (g.rho, g.truth))).collect();
    rhos.sort_by(|a, b| a.0.total_cmp(&b.0));
    rhos.dedup_by(|a, b| a.0 == b.0);
    if !rhos.is_empty() {
        let per_rho = rhos
            .iter()
            .map(|&(rho, truth)| {
                let points = val
                    .iter()
                    .filter_map(|v| v.gauss.iter().find(|g| g.rho == rho).map(|g| (v.step as f64, g.estimate)))
                    .collect();
                series(&format!("ρ = {rho} (truth {truth:.3})"), points, SeriesStyle::LineAndPoints)
            })
            .collect();
        charts.push(("estimates.png", chart("validation estimates per ρ", "estimate (nats)", per_rho, false)));
    }
    let mut written = Vec::new();
    for (name, chart) in charts {
        let out = run.join(name);
        line_chart_png(&chart, &out).with_context(|| format!("plotting {}", run.join("metrics.jsonl").display()))?;
        written.push(out);
    }
    Ok(written)
}

