//! The InfoNet the CLI runs: the checkpoint embedded in this binary, or one given with
//! `--checkpoint`.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context;
use burn::tensor::Device;
use mutinf_models::{InfoNet, load_checkpoint, load_checkpoint_bytes};

/// `checkpoints/infonet-small.safetensors`, compiled in so `mutinf` works from any directory
/// with no files beside it (about 0.8 MB).
static EMBEDDED: &[u8] = include_bytes!("../../../checkpoints/infonet-small.safetensors");

/// How the embedded checkpoint is named in outputs and errors.
pub const EMBEDDED_NAME: &str = "embedded:infonet-small";

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
/// (see [`crate::device::inference_lanes`]).
pub fn load_infonet_with_metadata(
    checkpoint: Option<&Path>,
    device: &Device,
    lanes: usize,
) -> anyhow::Result<LoadedInfoNet> {
    let mut loaded = load_from(checkpoint, device)?;
    loaded.net = loaded.net.with_lanes(lanes);
    Ok(loaded)
}

fn load_from(checkpoint: Option<&Path>, device: &Device) -> anyhow::Result<LoadedInfoNet> {
    match checkpoint {
        None => {
            let (net, metadata) = load_checkpoint_bytes(EMBEDDED, Path::new(EMBEDDED_NAME), device)
                .context("the checkpoint embedded in this binary could not be loaded (a build problem: rebuild mutinf)")?;
            Ok(LoadedInfoNet { net, origin: EMBEDDED_NAME.to_string(), metadata })
        }
        Some(path) => {
            let (net, metadata) = load_checkpoint(path, device).with_context(|| {
                format!("--checkpoint {}: give an InfoNet .safetensors file written by `mutinf train`, or omit --checkpoint to use the embedded model", path.display())
            })?;
            Ok(LoadedInfoNet { net, origin: path.display().to_string(), metadata })
        }
    }
}

/// Loads `checkpoint` (default: the embedded one) on `device`, to run `lanes` passes at a time.
pub fn load_infonet(checkpoint: Option<&Path>, device: &Device, lanes: usize) -> anyhow::Result<InfoNet> {
    Ok(load_infonet_with_metadata(checkpoint, device, lanes)?.net)
}
