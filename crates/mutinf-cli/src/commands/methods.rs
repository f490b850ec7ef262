//! The estimation methods the CLI offers, their flags, and how each becomes an `Estimator`.

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use mutinf_core::{Estimator, MiEstimate, PairedSamples};
use mutinf_mine::{Bound, MineEstimator, MineParams, StepReport};
use mutinf_models::InfoNetEstimator;

use crate::device::{CpuBackend, DeviceChoice, inference_lanes, select};
use mutinf_estimators::bootstrap::{Bootstrap, BootstrapParams};
use mutinf_estimators::gmm_mi::GmmMiParams;
use mutinf_estimators::histogram::{Binning, Bins, HistogramParams};
use mutinf_estimators::kde::{Bandwidth, KdeParams};
use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams};

/// MI estimation methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// InfoNet: one forward pass of the trained network (embedded checkpoint, or --checkpoint);
    /// multi-dimensional X or Y give sliced MI over --sliced random projections.
    Infonet,
    /// Kraskov-Stögbauer-Grassberger, algorithm 1 (k nearest neighbours, max-norm).
    Ksg,
    /// Kraskov-Stögbauer-Grassberger, algorithm 2.
    Ksg2,
    /// Gaussian kernel density estimate (resubstitution).
    Kde,
    /// Histogram (binned) plug-in estimate.
    Hist,
    /// Gaussian (log-determinant of the sample covariance): exact for Gaussian data, blind to
    /// non-linear dependence; with `estimate --z` the Gaussian conditional MI.
    Gaussian,
    /// Fit a Gaussian mixture by EM (K chosen by BIC), then the MI of the fit by Monte-Carlo.
    Gmm,
    /// MINE: Donsker-Varadhan bound, moving-average corrected gradient (statistics network
    /// optimised on this data; --steps, --batch, --lr, --device).
    Mine,
    /// Donsker-Varadhan bound with the plain (biased) minibatch gradient.
    MineDv,
    /// NWJ (MINE-f) bound.
    Nwj,
    /// InfoNCE bound (separable critic; capped at ln of the batch size).
    Infonce,
    /// SMILE: DV value with the partition term clipped (tau = 5), JS-trained.
    Smile,
}

/// Bin placement for `--method hist`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BinningArg {
    /// Equal-width bins between each column's min and max.
    EqualWidth,
    /// Equal-frequency (quantile) bins: invariant to monotone maps of a column.
    EqualFrequency,
}

/// Bandwidth rule for `--method kde`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BandwidthArg {
    /// Scott's rule (scipy's default).
    Scott,
    /// Silverman's rule.
    Silverman,
}

/// Flags choosing and tuning the method.
#[derive(Debug, Args)]
pub struct MethodArgs {
    /// Estimation method.
    #[arg(long, value_enum, default_value_t = Method::Infonet)]
    pub method: Method,
    /// InfoNet checkpoint: a .safetensors file from `mutinf train`, or a built-in one by name:
    /// `embedded:infonet-gt` (the default: the regression readout's network), `embedded:infonet-small`
    /// (the table network; the default for --readout trained|scale-fitted) or `embedded:infonet-fast`
    /// (16 x 16 table, ~1.5x faster, a little less accurate).
    #[arg(long)]
    pub checkpoint: Option<std::path::PathBuf>,
    /// How InfoNet reads MI: `regression` (a network trained on true MI reads the median and a
    /// 90 % interval in one pass; no table), or off a table network's lookup table:
    /// `scale-fitted` (the held-out bound with the table's scale fitted per estimate) or `trained`
    /// (the bound as trained, plus the checkpoint's calibration). Default: regression, or the
    /// checkpoint's own readout when --checkpoint names a table network.
    #[arg(long, value_enum)]
    pub readout: Option<crate::infonet::ReadoutChoice>,
    /// Sliced MI over this many random projections when X or Y has several columns (infonet).
    /// Sliced MI is a different quantity from I(X;Y) (smaller, comparable only between blocks
    /// of the same sizes), so it is used only when asked for.
    #[arg(long)]
    pub sliced: Option<usize>,
    /// Neighbours for ksg and ksg2.
    #[arg(long, default_value_t = 3)]
    pub k: usize,
    /// Bins per column for hist (default: about 5 points per joint cell).
    #[arg(long)]
    pub bins: Option<usize>,
    /// Bin placement for hist.
    #[arg(long, value_enum, default_value_t = BinningArg::EqualWidth)]
    pub binning: BinningArg,
    /// Miller-Madow bias correction for hist.
    #[arg(long)]
    pub miller_madow: bool,
    /// Bandwidth rule for kde.
    #[arg(long, value_enum, default_value_t = BandwidthArg::Scott)]
    pub bandwidth: BandwidthArg,
    /// Largest number of mixture components gmm tries (BIC picks among 1..=K).
    #[arg(long, default_value_t = 5)]
    pub max_components: usize,
    /// Monte-Carlo samples for the MI of the gmm fit.
    #[arg(long, default_value_t = 100_000)]
    pub mc_samples: usize,
    /// Optimisation steps for the neural methods (mine, mine-dv, nwj, infonce, smile).
    #[arg(long, default_value_t = 500)]
    pub steps: usize,
    /// Minibatch size for the neural methods.
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Adam learning rate for the neural methods.
    #[arg(long, default_value_t = 1e-3)]
    pub lr: f64,
    /// Where neural methods run.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    pub device: DeviceChoice,
}

/// Builds the validated estimator for the chosen method; `seed` feeds stochastic methods;
/// `progress` draws a progress bar for the neural methods (single estimates only).
pub fn build_estimator(args: &MethodArgs, seed: u64, progress: bool) -> anyhow::Result<Box<dyn Estimator>> {
    Ok(match args.method {
        Method::Infonet => {
            let sliced = args.sliced.unwrap_or(mutinf_core::slicing::DEFAULT_SLICES);
            if sliced == 0 {
                anyhow::bail!("--sliced 0: use at least one projection (default {})", mutinf_core::slicing::DEFAULT_SLICES);
            }
            let device = select(args.device, CpuBackend::Flex)?;
            if crate::infonet::wants_regression(args.checkpoint.as_deref(), args.readout) {
                let (head, _) = crate::infonet::load_regression(args.checkpoint.as_deref(), &device)?;
                return Ok(Box::new(head.with_slices(sliced, seed)?));
            }
            let net = crate::infonet::load_infonet(args.checkpoint.as_deref(), &device, inference_lanes(args.device), args.readout)?;
            Box::new(InfoNetEstimator::builder(net).seed(seed).slices(sliced).build()?)
        }
        Method::Ksg => Box::new(KsgParams::new().k(args.k).algorithm(KsgAlgorithm::One).check()?),
        Method::Ksg2 => Box::new(KsgParams::new().k(args.k).algorithm(KsgAlgorithm::Two).check()?),
        Method::Kde => {
            let bandwidth = match args.bandwidth {
                BandwidthArg::Scott => Bandwidth::Scott,
                BandwidthArg::Silverman => Bandwidth::Silverman,
            };
            Box::new(KdeParams::new().bandwidth(bandwidth).check()?)
        }
        Method::Hist => {
            let binning = match args.binning {
                BinningArg::EqualWidth => Binning::EqualWidth,
                BinningArg::EqualFrequency => Binning::EqualFrequency,
            };
            let bins = args.bins.map_or(Bins::Auto, Bins::Fixed);
            Box::new(HistogramParams::new().bin_rule(bins).binning(binning).miller_madow(args.miller_madow).check()?)
        }
        Method::Gaussian => Box::new(super::conditional::GaussianMi),
        Method::Gmm => Box::new(
            GmmMiParams::new().max_components(args.max_components).samples(args.mc_samples).seed(seed).check()?,
        ),
        Method::Mine | Method::MineDv | Method::Nwj | Method::Infonce | Method::Smile => {
            let name = args.method.to_possible_value().expect("every method has a name");
            let params = MineParams::new(Bound::from_name(name.get_name())?)
                .with_steps(args.steps)
                .with_batch(args.batch)
                .with_lr(args.lr)
                .with_seed(seed);
            let device = select(args.device, CpuBackend::Flex)?;
            Box::new(NeuralEstimator { inner: MineEstimator::new(params, device)?, progress })
        }
    })
}

/// A MINE-family estimator that shows an indicatif bar (step, smoothed estimate, ETA) while
/// it optimises; the bar hides itself when stderr is not a terminal.
struct NeuralEstimator {
    inner: MineEstimator,
    progress: bool,
}

impl Estimator for NeuralEstimator {
    fn method(&self) -> &str {
        self.inner.method()
    }

    fn estimate(&self, data: &PairedSamples) -> mutinf_core::Result<MiEstimate> {
        if !self.progress {
            return self.inner.estimate(data);
        }
        let bar = ProgressBar::new(self.inner.params().steps as u64).with_style(
            ProgressStyle::with_template("{spinner} {msg} [{bar:30}] step {pos}/{len}  {per_sec}  ETA {eta}")
                .expect("the template is valid")
                .progress_chars("=> "),
        );
        let method = self.inner.method().to_owned();
        let mut observer = |report: &StepReport| {
            bar.set_position(report.step as u64);
            if let Some(smoothed) = report.smoothed.first() {
                bar.set_message(format!("{method} ≈ {smoothed:.4} nats"));
            }
        };
        let result = self.inner.estimate_batch_with_progress(std::slice::from_ref(data), &mut observer);
        bar.finish_and_clear();
        Ok(result?.remove(0))
    }
}

/// The validated bootstrap for `--bootstrap B --level L --seed S`.
pub fn bootstrap(resamples: usize, level: f64, seed: u64) -> anyhow::Result<Bootstrap> {
    Ok(BootstrapParams::new().resamples(resamples).level(level).seed(seed).check()?)
}
