//! The InfoNet the CLI runs: a checkpoint embedded in this binary, or one given with
//! `--checkpoint`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, bail};
use burn::tensor::Device;
use mutinf_models::{InfoNet, Readout, load_checkpoint, load_checkpoint_bytes};

/// Prefix of `--checkpoint` values that name a checkpoint built into this binary.
pub const EMBEDDED_PREFIX: &str = "embedded:";

/// The checkpoints compiled in, so `mutinf` works from any directory with no files beside it
/// (about 0.8 MB each). The first is the default.
static EMBEDDED: &[(&str, &[u8])] = &[
    // The shipped model: 32 x 32 table (checkpoints/README.md).
    ("infonet-small", include_bytes!("../../../checkpoints/infonet-small.safetensors")),
    // The same network resumed on a 16 x 16 table: faster, a little less accurate
    // (BENCHMARKS.md, configs/infonet-fast.toml).
    ("infonet-fast", include_bytes!("../../../checkpoints/infonet-fast.safetensors")),
];

/// The `--checkpoint` values that select an embedded checkpoint, default first.
pub fn embedded_names() -> Vec<String> {
    EMBEDDED.iter().map(|(name, _)| format!("{EMBEDDED_PREFIX}{name}")).collect()
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
}

impl From<ReadoutChoice> for Readout {
    fn from(choice: ReadoutChoice) -> Self {
        match choice {
            ReadoutChoice::Trained => Readout::Trained,
            ReadoutChoice::ScaleFitted => Readout::ScaleFitted,
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
        None => EMBEDDED[0].0,
        Some(path) => match path.to_str().and_then(|s| s.strip_prefix(EMBEDDED_PREFIX)) {
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
    let Some((name, bytes)) = EMBEDDED.iter().find(|(n, _)| *n == embedded_name) else {
        bail!(
            "--checkpoint {EMBEDDED_PREFIX}{embedded_name}: no checkpoint of that name is built into this binary; use one of {} or give a .safetensors path",
            embedded_names().join(", ")
        );
    };
    let origin = format!("{EMBEDDED_PREFIX}{name}");
    let (net, metadata) = load_checkpoint_bytes(bytes, Path::new(&origin), device).with_context(|| {
        format!("the checkpoint {origin} embedded in this binary could not be loaded (a build problem: rebuild mutinf)")
    })?;
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
