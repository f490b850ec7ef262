//! `mutinf calibrate`: fit an InfoNet checkpoint's monotone calibration on fresh
//! training-family distributions and write a calibrated copy.

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mutinf_models::{CALIBRATION_KEY, CONFIG_KEY, VERSION_KEY, load_checkpoint, save_checkpoint};
use mutinf_train::{CalibrationRequest, fit_calibration};

use crate::device::{CpuBackend, DeviceChoice, select};

/// Arguments of `mutinf calibrate`.
#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// The checkpoint to calibrate (.safetensors from `mutinf train`).
    pub checkpoint: PathBuf,
    /// Where to write the calibrated checkpoint (same weights, calibration in the metadata).
    #[arg(long)]
    pub out: PathBuf,
    /// Training-family distributions to fit on.
    #[arg(long, default_value_t = CalibrationRequest::default().sequences)]
    pub sequences: usize,
    /// Fewest samples per sequence.
    #[arg(long, default_value_t = CalibrationRequest::default().min_samples)]
    pub min_samples: usize,
    /// Most samples per sequence.
    #[arg(long, default_value_t = CalibrationRequest::default().max_samples)]
    pub max_samples: usize,
    /// Monte-Carlo samples per true MI.
    #[arg(long, default_value_t = CalibrationRequest::default().truth_samples)]
    pub truth_samples: usize,
    /// Knots of the piecewise-linear map.
    #[arg(long, default_value_t = CalibrationRequest::default().knots)]
    pub knots: usize,
    /// Seed of the fitting data.
    #[arg(long, default_value_t = CalibrationRequest::default().seed)]
    pub seed: u64,
    /// Where the network runs.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    pub device: DeviceChoice,
}

/// Runs `mutinf calibrate`.
pub fn run(args: CalibrateArgs) -> anyhow::Result<()> {
    let device = select(args.device, CpuBackend::Flex)?;
    let (net, mut metadata) = load_checkpoint(&args.checkpoint, &device)
        .with_context(|| format!("loading {}", args.checkpoint.display()))?;
    let request = CalibrationRequest {
        sequences: args.sequences,
        min_samples: args.min_samples,
        max_samples: args.max_samples,
        truth_samples: args.truth_samples,
        knots: args.knots,
        seed: args.seed,
    };
    let bar = ProgressBar::new(request.sequences as u64).with_style(
        ProgressStyle::with_template("{spinner} calibrating [{bar:30}] {pos}/{len} distributions  ETA {eta}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    let report = fit_calibration(&net, &request, &mut |done, _| bar.set_position(done as u64))?;
    bar.finish_and_clear();
    // The writer adds the config, version and calibration itself; keep the rest (training
    // config, step, validation) and record how the map was fitted.
    for key in [CONFIG_KEY, VERSION_KEY, CALIBRATION_KEY] {
        metadata.remove(key);
    }
    metadata.insert("mutinf.calibration_report".into(), serde_json::to_string(&serde_json::json!({
        "request": request,
        "raw_mae": report.raw_mae,
        "raw_bias": report.raw_bias,
        "holdout_mae": report.holdout_mae,
        "holdout_bias": report.holdout_bias,
    }))?);
    let net = net.with_calibration(Some(report.calibration.clone()));
    save_checkpoint(&net, &args.out, &metadata).with_context(|| format!("writing {}", args.out.display()))?;
    println!(
        "raw: mean |error| {:.4}, bias {:+.4}; calibrated (fitted on one half, scored on the other): \
         mean |error| {:.4}, bias {:+.4}\nwrote {}",
        report.raw_mae,
        report.raw_bias,
        report.holdout_mae,
        report.holdout_bias,
        args.out.display()
    );
    Ok(())
}
