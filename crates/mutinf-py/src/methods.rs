//! The methods Python can ask for, their options, and how each becomes a library estimator:
//! the same names, defaults and checks as the CLI's `--method` and its flags.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

use burn::tensor::Device;
use mutinf_core::{Estimator, MiEstimate, PairedSamples};
use mutinf_estimators::bootstrap::{Bootstrap, BootstrapParams};
use mutinf_estimators::gmm_mi::GmmMiParams;
use mutinf_estimators::histogram::{Binning, Bins, HistogramParams};
use mutinf_estimators::kde::{Bandwidth, KdeParams};
use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams};
use mutinf_mine::{Bound, MineEstimator, MineParams};
use mutinf_models::pretrained::{self, DEFAULT_REGRESSION, DEFAULT_TABLE, embedded_name, holds_regression};
use mutinf_models::regression::{RegressionEstimator, load_regressor};
use mutinf_models::{InfoNetEstimator, Readout, load_checkpoint};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::errors::Error;

/// A method and its options, as `mutinf.estimate(x, y, method=..., **options)` passes them
/// (JSON from the Python side, which has already refused unknown or inapplicable names).
/// Defaults are the CLI's.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MethodOptions {
    pub method: String,
    pub checkpoint: Option<String>,
    pub readout: Option<String>,
    pub sliced: usize,
    pub k: usize,
    pub bins: Option<usize>,
    pub binning: String,
    pub miller_madow: bool,
    pub bandwidth: String,
    pub max_components: usize,
    pub mc_samples: usize,
    pub steps: usize,
    pub batch: usize,
    pub lr: f64,
    pub device: String,
    pub seed: u64,
    pub bootstrap: usize,
    pub level: f64,
    pub shuffle: usize,
}

impl Default for MethodOptions {
    fn default() -> Self {
        Self {
            method: "infonet".into(),
            checkpoint: None,
            readout: None,
            sliced: mutinf_core::slicing::DEFAULT_SLICES,
            k: 3,
            bins: None,
            binning: "equal-width".into(),
            miller_madow: false,
            bandwidth: "scott".into(),
            max_components: 5,
            mc_samples: 100_000,
            steps: 500,
            batch: 100,
            lr: 1e-3,
            device: "cpu".into(),
            seed: 0,
            bootstrap: 0,
            level: 0.95,
            shuffle: 0,
        }
    }
}

impl MethodOptions {
    /// Reads the options object; an unknown name or a wrong type is an error naming it.
    pub fn from_json(text: &str) -> Result<Self, Error> {
        serde_json::from_str(text).map_err(|e| Error::Options(format!("invalid options: {e}")))
    }
}

/// A ready estimator with what a call needs besides it.
pub struct Prepared {
    estimator: Box<dyn Estimator>,
    bootstrap: Option<Bootstrap>,
    /// The checkpoint's metadata (InfoNet), empty otherwise.
    metadata: BTreeMap<String, String>,
    /// Whether `estimate_many` batches (InfoNet: one pass per chunk) rather than looping.
    batches: bool,
}

impl Prepared {
    /// The estimator.
    pub fn estimator(&self) -> &dyn Estimator {
        self.estimator.as_ref()
    }

    /// The bootstrap, when `bootstrap > 0`.
    pub fn bootstrap(&self) -> Option<&Bootstrap> {
        self.bootstrap.as_ref()
    }

    /// The checkpoint's metadata (empty for the classical methods).
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }

    /// One estimate per data set, in order: InfoNet's batched passes, otherwise data sets in
    /// parallel (each equal to a single `estimate`).
    pub fn estimate_many(&self, data: &[PairedSamples]) -> mutinf_core::Result<Vec<MiEstimate>> {
        match &self.bootstrap {
            Some(b) => data.par_iter().map(|d| b.run(self.estimator(), d)).collect(),
            None if self.batches => self.estimator.estimate_many(data),
            None => data.par_iter().map(|d| self.estimator.estimate(d)).collect(),
        }
    }
}

/// Loaded estimators by their options: loading a network costs more than a small estimate, and
/// Python calls `estimate` in loops. Bounded so that a sweep over seeds cannot grow it forever.
static CACHE: LazyLock<Mutex<HashMap<String, Arc<Prepared>>>> = LazyLock::new(Default::default);
const CACHE_ENTRIES: usize = 64;

/// The estimator for `options`, built once per distinct options.
pub fn prepared(options: &MethodOptions) -> Result<Arc<Prepared>, Error> {
    let key = serde_json::to_string(options)?;
    if let Some(hit) = CACHE.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(hit.clone());
    }
    let built = Arc::new(build(options)?);
    let mut cache = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if cache.len() >= CACHE_ENTRIES {
        cache.clear();
    }
    cache.insert(key, built.clone());
    Ok(built)
}

fn build(o: &MethodOptions) -> Result<Prepared, Error> {
    let bootstrap = match o.bootstrap {
        0 => None,
        resamples => Some(BootstrapParams::new().resamples(resamples).level(o.level).seed(o.seed).check()?),
    };
    let plain = |estimator: Box<dyn Estimator>| Prepared { estimator, bootstrap: bootstrap.clone(), metadata: BTreeMap::new(), batches: false };
    Ok(match o.method.as_str() {
        "infonet" => {
            let device = device(&o.device)?;
            let (estimator, metadata) = infonet(o, &device)?;
            Prepared { estimator, bootstrap, metadata, batches: true }
        }
        "ksg" => plain(Box::new(KsgParams::new().k(o.k).algorithm(KsgAlgorithm::One).check()?)),
        "ksg2" => plain(Box::new(KsgParams::new().k(o.k).algorithm(KsgAlgorithm::Two).check()?)),
        "kde" => {
            let bandwidth = match o.bandwidth.as_str() {
                "scott" => Bandwidth::Scott,
                "silverman" => Bandwidth::Silverman,
                other => return Err(choice("bandwidth", other, &["scott", "silverman"])),
            };
            plain(Box::new(KdeParams::new().bandwidth(bandwidth).check()?))
        }
        "hist" => {
            let binning = match o.binning.as_str() {
                "equal-width" => Binning::EqualWidth,
                "equal-frequency" => Binning::EqualFrequency,
                other => return Err(choice("binning", other, &["equal-width", "equal-frequency"])),
            };
            let bins = o.bins.map_or(Bins::Auto, Bins::Fixed);
            plain(Box::new(HistogramParams::new().bin_rule(bins).binning(binning).miller_madow(o.miller_madow).check()?))
        }
        "gmm" => plain(Box::new(GmmMiParams::new().max_components(o.max_components).samples(o.mc_samples).seed(o.seed).check()?)),
        "mine" | "mine-dv" | "nwj" | "infonce" | "smile" => {
            let params =
                MineParams::new(Bound::from_name(&o.method)?).with_steps(o.steps).with_batch(o.batch).with_lr(o.lr).with_seed(o.seed);
            Prepared { batches: true, ..plain(Box::new(MineEstimator::new(params, device(&o.device)?)?)) }
        }
        other => return Err(choice("method", other, &METHODS)),
    })
}

/// Every method name, as the CLI spells them.
pub const METHODS: [&str; 11] = ["infonet", "ksg", "ksg2", "kde", "hist", "gmm", "mine", "mine-dv", "nwj", "infonce", "smile"];

fn choice(name: &str, value: &str, allowed: &[&str]) -> Error {
    Error::Options(format!("{name}={value:?} is not one of {}", allowed.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(", ")))
}

/// The CPU device; this package is built without GPU support.
fn device(name: &str) -> Result<Device, Error> {
    match name {
        "cpu" => Ok(Device::flex()),
        "gpu" => Err(Error::Options(
            "device=\"gpu\": this Python package is built for the CPU; use device=\"cpu\" (or the mutinf CLI built with --features gpu)".into(),
        )),
        other => Err(choice("device", other, &["cpu", "gpu"])),
    }
}

/// A checkpoint argument: a built-in name (`infonet-gt` or `embedded:infonet-gt`) or a file.
fn checkpoint_path(spec: &str) -> std::path::PathBuf {
    let bare_builtin = pretrained::kind(spec).is_some() && !Path::new(spec).exists();
    if bare_builtin { format!("{}{spec}", pretrained::EMBEDDED_PREFIX).into() } else { spec.into() }
}

/// A checkpoint's metadata (InfoNet), kept beside its estimator.
type Metadata = BTreeMap<String, String>;

/// InfoNet as the CLI builds it: the regression readout (default), or a table network's readout.
fn infonet(o: &MethodOptions, device: &Device) -> Result<(Box<dyn Estimator>, Metadata), Error> {
    let path = o.checkpoint.as_deref().map(checkpoint_path);
    let path = path.as_deref();
    let readout = match o.readout.as_deref() {
        None => None,
        Some("regression") => Some(None),
        Some("scale-fitted") => Some(Some(Readout::ScaleFitted)),
        Some("trained") => Some(Some(Readout::Trained)),
        Some(other) => return Err(choice("readout", other, &["regression", "scale-fitted", "trained"])),
    };
    let regression = match readout {
        Some(table) => table.is_none(),
        None => holds_regression(path),
    };
    if regression {
        let (net, metadata) = match path {
            None => pretrained::regressor(DEFAULT_REGRESSION, device)?,
            Some(p) => match embedded_name(p) {
                Some(name) => pretrained::regressor(name, device)?,
                None => load_regressor(p, device)?,
            },
        };
        let head = RegressionEstimator::with_metadata(net, metadata.clone()).with_slices(o.sliced, o.seed)?;
        return Ok((Box::new(head), metadata));
    }
    let (net, metadata) = match path {
        None => pretrained::infonet(DEFAULT_TABLE, device)?,
        Some(p) => match embedded_name(p) {
            Some(name) => pretrained::infonet(name, device)?,
            None => load_checkpoint(p, device)?,
        },
    };
    if o.sliced == 0 {
        return Err(mutinf_core::MutinfError::invalid("sliced", 0, "use at least one random projection").into());
    }
    let mut builder = InfoNetEstimator::builder(net).lanes(rayon::current_num_threads()).seed(o.seed).slices(o.sliced);
    if let Some(readout) = readout.flatten() {
        builder = builder.readout(readout);
    }
    Ok((Box::new(builder.build()?), metadata))
}
