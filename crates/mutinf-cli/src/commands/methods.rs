//! The estimation methods the CLI offers, their flags, and how each becomes an `Estimator`.

use clap::{Args, ValueEnum};
use mutinf_core::Estimator;
use mutinf_estimators::bootstrap::{Bootstrap, BootstrapParams};
use mutinf_estimators::gmm_mi::GmmMiParams;
use mutinf_estimators::histogram::{Binning, Bins, HistogramParams};
use mutinf_estimators::kde::{Bandwidth, KdeParams};
use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams};

/// MI estimation methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Method {
    /// Kraskov-Stögbauer-Grassberger, algorithm 1 (k nearest neighbours, max-norm).
    Ksg,
    /// Kraskov-Stögbauer-Grassberger, algorithm 2.
    Ksg2,
    /// Gaussian kernel density estimate (resubstitution).
    Kde,
    /// Histogram (binned) plug-in estimate.
    Hist,
    /// Fit a Gaussian mixture by EM (K chosen by BIC), then the MI of the fit by Monte-Carlo.
    Gmm,
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
    #[arg(long, value_enum, default_value_t = Method::Ksg)]
    pub method: Method,
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
}

/// Builds the validated estimator for the chosen method; `seed` feeds stochastic methods.
pub fn build_estimator(args: &MethodArgs, seed: u64) -> anyhow::Result<Box<dyn Estimator>> {
    Ok(match args.method {
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
        Method::Gmm => Box::new(
            GmmMiParams::new().max_components(args.max_components).samples(args.mc_samples).seed(seed).check()?,
        ),
    })
}

/// The validated bootstrap for `--bootstrap B --level L --seed S`.
pub fn bootstrap(resamples: usize, level: f64, seed: u64) -> anyhow::Result<Bootstrap> {
    Ok(BootstrapParams::new().resamples(resamples).level(level).seed(seed).check()?)
}
