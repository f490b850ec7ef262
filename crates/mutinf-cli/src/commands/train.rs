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
    /// After training, draw the curves of metrics.jsonl (training and validation loss, Gaussian
    /// MAE, the estimate at ρ = 0) to RUN/curves.svg. `--resume DIR --plot --steps 0` only plots
    /// (also while another process is still training into DIR).
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
    if args.plot && args.steps == Some(0) {
        let dir = args.resume.as_ref().or(args.out.as_ref()).context("--plot --steps 0 needs the run folder: --resume DIR")?;
        println!("curves: {}", plot_curves(dir)?.display());
        return Ok(());
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
    if args.plot {
        let svg = plot_curves(&out)?;
        println!("curves: {}", svg.display());
    }
    Ok(())
}

/// One curve: (step, value) points, a colour and a legend label.
struct Curve {
    label: &'static str,
    colour: &'static str,
    points: Vec<(f64, f64)>,
}

fn panel(x0: f64, title: &str, curves: &[Curve]) -> String {
    let (w, h, pad) = (460.0, 300.0, 50.0);
    let all: Vec<(f64, f64)> = curves.iter().flat_map(|c| c.points.iter().copied()).filter(|p| p.1.is_finite()).collect();
    if all.is_empty() {
        return String::new();
    }
    let (xmin, xmax) = all.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.0), a.1.max(p.0)));
    let (ymin, ymax) = all.iter().fold((f64::MAX, f64::MIN), |a, p| (a.0.min(p.1), a.1.max(p.1)));
    let (xspan, yspan) = ((xmax - xmin).max(1.0), (ymax - ymin).max(1e-9));
    let sx = |x: f64| x0 + pad + (x - xmin) / xspan * (w - 2.0 * pad);
    let sy = |y: f64| h - pad + 20.0 - (y - ymin) / yspan * (h - 2.0 * pad);
    let mut out = format!(
        "<text x='{}' y='20' font-size='14'>{title}</text>\
         <rect x='{}' y='{}' width='{}' height='{}' fill='none' stroke='#888'/>\
         <text x='{}' y='{}' font-size='10'>{ymax:.4}</text><text x='{}' y='{}' font-size='10'>{ymin:.4}</text>\
         <text x='{}' y='{}' font-size='10'>step {xmin:.0}</text><text x='{}' y='{}' font-size='10' text-anchor='end'>{xmax:.0}</text>",
        x0 + pad, x0 + pad, pad - 30.0, w - 2.0 * pad, h - 2.0 * pad + 20.0,
        x0 + 2.0, pad - 16.0, x0 + 2.0, h - pad + 20.0,
        x0 + pad, h - pad + 36.0, x0 + w - pad, h - pad + 36.0,
    );
    for (i, c) in curves.iter().enumerate() {
        let pts: Vec<String> = c.points.iter().filter(|p| p.1.is_finite()).map(|p| format!("{:.1},{:.1}", sx(p.0), sy(p.1))).collect();
        out += &format!("<polyline fill='none' stroke='{}' stroke-width='1.5' points='{}'/>", c.colour, pts.join(" "));
        out += &format!("<text x='{}' y='{}' font-size='11' fill='{}'>{}</text>", x0 + w - pad - 150.0, 40.0 + 14.0 * i as f64, c.colour, c.label);
    }
    out
}

/// Draws RUN/curves.svg from RUN/metrics.jsonl.
fn plot_curves(run: &Path) -> anyhow::Result<PathBuf> {
    let path = run.join("metrics.jsonl");
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let (mut train, mut val, mut mae, mut zero) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("parsing {}", path.display()))?;
        let r = &v["report"];
        let step = r["step"].as_f64().unwrap_or(0.0);
        match v["kind"].as_str() {
            Some("train") => train.push((step, r["loss"].as_f64().unwrap_or(f64::NAN))),
            Some("validation") => {
                val.push((step, r["val_loss"].as_f64().unwrap_or(f64::NAN)));
                mae.push((step, r["gauss_mae"].as_f64().unwrap_or(f64::NAN)));
                if let Some(g) = r["gauss"].as_array().and_then(|g| g.iter().find(|p| p["rho"].as_f64() == Some(0.0))) {
                    zero.push((step, g["estimate"].as_f64().unwrap_or(f64::NAN)));
                }
            }
            _ => {}
        }
    }
    // Moving average over 25 steps: single batches are noisy.
    let smooth: Vec<(f64, f64)> = (0..train.len())
        .map(|i| {
            let lo = i.saturating_sub(24);
            (train[i].0, train[lo..=i].iter().map(|p| p.1).sum::<f64>() / (i - lo + 1) as f64)
        })
        .collect();
    let body = panel(0.0, "loss (−DV bound, nats)", &[
        Curve { label: "train (25-step mean)", colour: "#1f77b4", points: smooth },
        Curve { label: "validation", colour: "#d62728", points: val },
    ]) + &panel(480.0, "validation on Gaussians (nats)", &[
        Curve { label: "mean |error|", colour: "#2ca02c", points: mae },
        Curve { label: "estimate at ρ = 0", colour: "#9467bd", points: zero },
    ]);
    let svg = format!("<svg xmlns='http://www.w3.org/2000/svg' width='960' height='330' font-family='sans-serif'><rect width='100%' height='100%' fill='white'/>{body}</svg>\n");
    let out = run.join("curves.svg");
    std::fs::write(&out, svg).with_context(|| format!("writing {}", out.display()))?;
    Ok(out)
}
