//! The InfoNet the CLI runs: a checkpoint embedded in this binary, or one given with
//! `--checkpoint`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use burn::tensor::Device;
use mutinf_models::regression::{RegressionEstimator, load_regressor};
use mutinf_models::{InfoNet, Readout, load_checkpoint, pretrained};

pub use mutinf_models::pretrained::{DEFAULT_REGRESSION, EMBEDDED_PREFIX};
use mutinf_models::pretrained::{DEFAULT_TABLE, embedded_name, holds_regression};

/// The `--checkpoint` values that select a built-in checkpoint (`mutinf_models::pretrained`).
pub fn embedded_names() -> Vec<String> {
    pretrained::names().iter().map(|name| format!("{EMBEDDED_PREFIX}{name}")).collect()
}


/// How InfoNet reads MI off its table (`--readout`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReadoutChoice {
    /// The Donsker-Varadhan bound on held-out halves, as the network was trained (plus the
    /// checkpoint's calibration, if it has one).
    Trained,
    /// The same, with the table's scale fitted per estimate to maximise the held-out bound
    /// (never below zero; small samples no longer read low).
    ScaleFitted,
    /// No table: a network trained on the true MI of simulated distributions reads the median
    /// and a 90 % interval in one pass (needs a regression checkpoint, e.g. the default
    /// embedded:infonet-gt).
    Regression,
}

impl From<ReadoutChoice> for Readout {
    fn from(choice: ReadoutChoice) -> Self {
        match choice {
            ReadoutChoice::Trained => Readout::Trained,
            ReadoutChoice::ScaleFitted => Readout::ScaleFitted,
            // Never reaches a table network: `wants_regression` routes it to the regressor.
            ReadoutChoice::Regression => Readout::default(),
        }
    }
}

/// A loaded network with where it came from and its metadata (config, step, validation).
pub struct LoadedInfoNet {
    /// The network, on the requested device.
    pub net: InfoNet,
    /// `embedded:infonet-small` or the path given.
    pub origin: String,
    /// The checkpoint's header metadata.
    pub metadata: BTreeMap<String, String>,
}

/// Loads `checkpoint` (default: the embedded one) on `device`, to run `lanes` passes at a time
/// (see [`crate::device::inference_lanes`]) and read the bound with `readout` (default:
/// scale-fitted, or trained for a checkpoint that carries a calibration, which is fitted to
/// the trained readout).
pub fn load_infonet_with_metadata(
    checkpoint: Option<&Path>,
    device: &Device,
    lanes: usize,
    readout: Option<ReadoutChoice>,
) -> anyhow::Result<LoadedInfoNet> {
    let mut loaded = load_from(checkpoint, device)?;
    // Without --readout the network keeps its own default (see `InfoNet::with_calibration`).
    let readout = readout.map_or(loaded.net.readout(), Readout::from);
    loaded.net = loaded.net.with_lanes(lanes).with_readout(readout);
    Ok(loaded)
}

fn load_from(checkpoint: Option<&Path>, device: &Device) -> anyhow::Result<LoadedInfoNet> {
    let embedded_name = match checkpoint {
        None => DEFAULT_TABLE,
        Some(path) => match embedded_name(path) {
            Some(name) => name,
            None => {
                let (net, metadata) = load_checkpoint(path, device).with_context(|| {
                    format!(
                        "--checkpoint {}: give an InfoNet .safetensors file written by `mutinf train`, one of {}, or omit --checkpoint to use the default",
                        path.display(),
                        embedded_names().join(", ")
                    )
                })?;
                return Ok(LoadedInfoNet { net, origin: path.display().to_string(), metadata });
            }
        },
    };
    if pretrained::kind(embedded_name).is_none() {
        bail!(
            "--checkpoint {EMBEDDED_PREFIX}{embedded_name}: no checkpoint of that name is built into this binary; use one of {} or give a .safetensors path",
            embedded_names().join(", ")
        );
    }
    let origin = format!("{EMBEDDED_PREFIX}{embedded_name}");
    let (net, metadata) = pretrained::infonet(embedded_name, device).with_context(|| format!("--checkpoint {origin}"))?;
    Ok(LoadedInfoNet { net, origin, metadata })
}

/// Loads `checkpoint` (default: the embedded one) on `device`, to run `lanes` passes at a time
/// and read the bound with `readout`.
pub fn load_infonet(
    checkpoint: Option<&Path>,
    device: &Device,
    lanes: usize,
    readout: Option<ReadoutChoice>,
) -> anyhow::Result<InfoNet> {
    Ok(load_infonet_with_metadata(checkpoint, device, lanes, readout)?.net)
}

/// Whether `--checkpoint` / `--readout` ask for the regression readout: `--readout regression`,
/// or no `--readout` with a regression checkpoint (the default when no checkpoint is given).
pub fn wants_regression(checkpoint: Option<&Path>, readout: Option<ReadoutChoice>) -> bool {
    match readout {
        Some(choice) => choice == ReadoutChoice::Regression,
        None => holds_regression(checkpoint),
    }
}

/// Loads the regression network of `checkpoint` (default: the built-in `infonet-gt`).
pub fn load_regression(checkpoint: Option<&Path>, device: &Device) -> anyhow::Result<(RegressionEstimator, String)> {
    let embedded = match checkpoint {
        None => Some(DEFAULT_REGRESSION),
        Some(path) => embedded_name(path),
    };
    match (embedded, checkpoint) {
        (Some(name), _) => {
            let origin = format!("{EMBEDDED_PREFIX}{name}");
            let (net, meta) = pretrained::regressor(name, device).with_context(|| format!("--readout regression with {origin}"))?;
            Ok((RegressionEstimator::with_metadata(net, meta), origin))
        }
        (None, Some(path)) => {
            let (net, meta) = load_regressor(path, device).with_context(|| {
                format!("--readout regression: --checkpoint {} cannot be read as a regression network", path.display())
            })?;
            Ok((RegressionEstimator::with_metadata(net, meta), path.display().to_string()))
        }
        (None, None) => unreachable!("no checkpoint selects the built-in default"),
    }
}
