//! # mutinf-bench
//!
//! The benchmark suites behind `mutinf bench`: the InfoNet paper's experiments, run side by side
//! for InfoNet, KSG, KDE and MINE on the same samples.
//!
//! | suite | paper | what |
//! |---|---|---|
//! | [`Suite::Timing`] | Tab. 1 | seconds per estimate vs N |
//! | [`Suite::Gaussian`] | Fig. 4 | estimate vs ρ for bivariate Gaussians; robustness vs N and shuffled Y |
//! | [`Suite::GmmLevels`] | Tab. 2 | bias and variance by true-MI level on evaluation-family mixtures |
//! | [`Suite::Order`] | Tab. 3 | order accuracy of I(X;Y) vs I(X;Z) on 3-D mixtures, K = 1..10 |
//! | [`Suite::Independence`] | Fig. 5 | ROC AUC of sliced MI as an independence test |
//! | [`Suite::Transforms`] | App. A.4 | non-Gaussian distributions with known MI; invariance |
//!
//! The library takes everything it runs as arguments (a loaded [`InfoNet`], a burn device for
//! MINE); the CLI decides which checkpoint and device. Every suite is seeded, returns a
//! [`SuiteReport`] of [`Table`]s, and [`Bench::write`] puts Markdown, CSV, JSON and a PNG plot
//! into the output folder.

pub mod data;
mod engine;
pub mod metrics;
mod plot;
pub mod progress;
pub mod record;
pub mod suites;
pub mod table;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use burn::tensor::Device;
use mutinf_models::InfoNet;
use mutinf_models::regression::RegressionEstimator;
use serde::Serialize;

pub use engine::{Estimated, estimate_many};
pub use record::{CheckpointInfo, Machine, RunRecord};
pub use table::{Cell, Table};

/// Why a benchmark could not run.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// Bad input to an estimator.
    #[error(transparent)]
    Mutinf(#[from] mutinf_core::MutinfError),
    /// InfoNet failed.
    #[error("InfoNet: {0}")]
    Model(#[from] mutinf_models::ModelError),
    /// Ground truth generation failed.
    #[error("Gaussian mixtures: {0}")]
    Gmm(#[from] mutinf_gmm::GmmError),
    /// A plot could not be drawn.
    #[error(transparent)]
    Plot(#[from] mutinf_plot::PlotError),
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// Bad benchmark options.
    #[error("{0}")]
    Invalid(String),
}

/// Result of this crate.
pub type Result<T> = std::result::Result<T, BenchError>;

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> BenchError + '_ {
    move |source| BenchError::Io { path: path.to_path_buf(), source }
}

/// An estimator a suite compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Method {
    /// InfoNet (the checkpoint given to [`Bench`]); sliced for multi-dimensional data.
    InfoNet,
    /// KSG algorithm 1, k = 3 (k = 1 and 5 in the timing suite); sliced for multi-dimensional data.
    Ksg,
    /// Gaussian KDE, Scott's bandwidth.
    Kde,
    /// MINE (moving-average corrected DV bound), MLP critic, batch 100.
    Mine,
}

impl Method {
    /// Every method, in report order.
    pub const ALL: [Method; 4] = [Method::InfoNet, Method::Ksg, Method::Kde, Method::Mine];

    /// The name used on the command line and in tables.
    pub fn name(self) -> &'static str {
        match self {
            Method::InfoNet => "infonet",
            Method::Ksg => "ksg",
            Method::Kde => "kde",
            Method::Mine => "mine",
        }
    }

    /// Parses a name (`infonet`, `ksg`, `kde`, `mine`).
    pub fn parse(name: &str) -> Result<Self> {
        Method::ALL.into_iter().find(|m| m.name() == name.trim().to_ascii_lowercase()).ok_or_else(|| {
            BenchError::Invalid(format!("unknown method '{name}': use one or more of infonet, ksg, kde, mine (comma-separated)"))
        })
    }
}

/// A benchmark suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Suite {
    /// Tab. 1: seconds per estimate.
    Timing,
    /// Fig. 4: bivariate Gaussians.
    Gaussian,
    /// Tab. 2: error by MI level.
    GmmLevels,
    /// Tab. 3: order accuracy.
    Order,
    /// Fig. 5: sliced-MI independence test.
    Independence,
    /// Appendix A.4: transformed and non-Gaussian distributions.
    Transforms,
}

impl Suite {
    /// Every suite, in the order `all` runs them.
    pub const ALL: [Suite; 6] =
        [Suite::Timing, Suite::Gaussian, Suite::GmmLevels, Suite::Order, Suite::Independence, Suite::Transforms];

    /// The command-line name.
    pub fn name(self) -> &'static str {
        match self {
            Suite::Timing => "timing",
            Suite::Gaussian => "gaussian",
            Suite::GmmLevels => "gmm-levels",
            Suite::Order => "order",
            Suite::Independence => "independence",
            Suite::Transforms => "transforms",
        }
    }

    /// Parses a command-line name.
    pub fn parse(name: &str) -> Result<Self> {
        Suite::ALL.into_iter().find(|s| s.name() == name).ok_or_else(|| {
            BenchError::Invalid(format!(
                "unknown suite '{name}': use one of timing, gaussian, gmm-levels, order, independence, transforms, all"
            ))
        })
    }

    /// The methods a suite runs by default.
    pub fn default_methods(self) -> Vec<Method> {
        match self {
            // KDE has no sliced form here and is O(N²) per slice; the paper compares InfoNet, KSG, MINE.
            Suite::Independence => vec![Method::InfoNet, Method::Ksg, Method::Mine],
            _ => Method::ALL.to_vec(),
        }
    }
}

/// Size overrides (`None`: the suite's default, quick or full).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Sizes {
    /// Samples per data set (gaussian, gmm-levels, order, transforms). Full default 2000.
    pub n: Option<usize>,
    /// Seeds (repetitions) per setting (gaussian, transforms).
    pub seeds: Option<usize>,
    /// Timing repetitions after the warm-up.
    pub repeats: Option<usize>,
    /// Sample sizes (timing; gaussian robustness table).
    pub sizes: Option<Vec<usize>>,
    /// Sequences per InfoNet pass in the timing suite (default 1, 16, 64).
    pub infonet_batches: Option<Vec<usize>>,
    /// Mixtures per MI level (gmm-levels; paper 1000).
    pub per_level: Option<usize>,
    /// Triplets per K (order; paper 2000).
    pub triplets: Option<usize>,
    /// Dependent (and as many independent) cases per cell (independence).
    pub cases: Option<usize>,
    /// Slices of sliced MI (independence).
    pub slices: Option<usize>,
    /// Dimensions d (independence).
    pub dims: Option<Vec<usize>>,
    /// MINE's maximum optimisation steps (accuracy suites; default 500, early stopping on).
    pub mine_steps: Option<usize>,
    /// Monte-Carlo samples per ground truth (gmm-levels, order).
    pub truth_samples: Option<usize>,
}

/// One run's settings and inputs.
pub struct Bench<'a> {
    /// The InfoNet to run (needed when `methods` has [`Method::InfoNet`], unless `regression`
    /// is given).
    pub infonet: Option<&'a InfoNet>,
    /// InfoNet's regression readout: when given, [`Method::InfoNet`] runs it instead of the
    /// table (sliced over random projections for multi-dimensional data).
    pub regression: Option<&'a RegressionEstimator>,
    /// Where MINE trains.
    pub device: Device,
    /// Methods to compare (`None`: each suite's default).
    pub methods: Option<Vec<Method>>,
    /// Master seed.
    pub seed: u64,
    /// Small sizes that finish in seconds (CI).
    pub quick: bool,
    /// Size overrides.
    pub sizes: Sizes,
    /// Output folder (created by [`Bench::write`]).
    pub out_dir: PathBuf,
    /// Show progress bars (they are hidden anyway when stderr is not a terminal).
    pub progress: bool,
    /// The record printed with every report.
    pub record: RunRecord,
}

/// What one suite produced.
#[derive(Debug, Clone, Serialize)]
pub struct SuiteReport {
    /// The suite's command-line name.
    pub suite: String,
    /// Heading.
    pub title: String,
    /// Sizes and settings actually used (JSON object).
    pub settings: serde_json::Value,
    /// Explanations printed under the heading.
    pub notes: Vec<String>,
    /// The tables (some only for CSV).
    pub tables: Vec<Table>,
    /// Plots written (relative to the output folder).
    pub plots: Vec<String>,
    /// Wall time of the suite.
    pub seconds: f64,
}

impl SuiteReport {
    /// A table by name.
    pub fn table(&self, name: &str) -> Option<&Table> {
        self.tables.iter().find(|t| t.name == name)
    }

    /// The suite as Markdown (heading, settings, notes, report tables, plot links), without the record.
    pub fn markdown_body(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "## {} (`{}`)\n", self.title, self.suite);
        let settings = self
            .settings
            .as_object()
            .map(|o| o.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", "))
            .unwrap_or_default();
        let _ = writeln!(s, "Settings: {settings}; wall time {:.1} s.\n", self.seconds);
        for note in &self.notes {
            let _ = writeln!(s, "{note}\n");
        }
        for t in self.tables.iter().filter(|t| t.in_report) {
            let _ = writeln!(s, "{}", t.markdown());
        }
        for p in &self.plots {
            let _ = writeln!(s, "![{}]({p})\n", self.suite);
        }
        s
    }
}

impl Bench<'_> {
    /// The methods `suite` compares in this run.
    pub fn methods_for(&self, suite: Suite) -> Vec<Method> {
        let mut m = self.methods.clone().unwrap_or_else(|| suite.default_methods());
        if suite == Suite::Independence {
            m.retain(|&x| x != Method::Kde);
        }
        m.sort();
        m.dedup();
        m
    }

    /// Checks that what the methods need is there.
    pub fn check(&self) -> Result<()> {
        let wants_infonet = self.methods.as_ref().is_none_or(|m| m.contains(&Method::InfoNet));
        if wants_infonet && self.infonet.is_none() && self.regression.is_none() {
            return Err(BenchError::Invalid("InfoNet is among the methods but no network was given".into()));
        }
        if self.methods.as_ref().is_some_and(|m| m.is_empty()) {
            return Err(BenchError::Invalid("no methods: give at least one of infonet, ksg, kde, mine".into()));
        }
        Ok(())
    }

    /// The InfoNet, or an error saying it is missing.
    pub(crate) fn net(&self) -> Result<&InfoNet> {
        self.infonet.ok_or_else(|| BenchError::Invalid("InfoNet is among the methods but no network was given".into()))
    }

    /// Runs one suite.
    pub fn run(&self, suite: Suite) -> Result<SuiteReport> {
        self.check()?;
        let start = std::time::Instant::now();
        let mut report = match suite {
            Suite::Timing => suites::timing::run(self)?,
            Suite::Gaussian => suites::gaussian::run(self)?,
            Suite::GmmLevels => suites::levels::run(self)?,
            Suite::Order => suites::order::run(self)?,
            Suite::Independence => suites::independence::run(self)?,
            Suite::Transforms => suites::transforms::run(self)?,
        };
        report.seconds = start.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Writes a suite's files into the output folder: `<suite>.md` (record + tables),
    /// `<suite>-<table>.csv` per table, `<suite>.json` (record + report). Returns the paths.
    pub fn write(&self, report: &SuiteReport) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(&self.out_dir).map_err(io_err(&self.out_dir))?;
        let mut written = Vec::new();
        for t in &report.tables {
            let path = self.out_dir.join(format!("{}-{}.csv", report.suite, t.name));
            std::fs::write(&path, t.csv()).map_err(io_err(&path))?;
            written.push(path);
        }
        let md = format!("# mutinf bench {}\n\n{}\n{}", report.suite, self.record.markdown(), report.markdown_body());
        let path = self.out_dir.join(format!("{}.md", report.suite));
        std::fs::write(&path, md).map_err(io_err(&path))?;
        written.push(path);
        let json = serde_json::json!({ "record": self.record, "report": report });
        let path = self.out_dir.join(format!("{}.json", report.suite));
        std::fs::write(&path, serde_json::to_string_pretty(&json).expect("serialisable")).map_err(io_err(&path))?;
        written.push(path);
        Ok(written)
    }

    /// The summary Markdown of several suites (`summary.md` of `mutinf bench all`): the record
    /// once, then every suite's tables.
    pub fn summary(&self, reports: &[SuiteReport]) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "# mutinf benchmark results\n");
        let _ = writeln!(s, "{}", self.record.markdown());
        let total: f64 = reports.iter().map(|r| r.seconds).sum();
        let _ = writeln!(s, "Total wall time {:.1} min.\n", total / 60.0);
        for r in reports {
            let _ = writeln!(s, "{}", r.markdown_body());
        }
        s
    }

    /// Picks the quick or the full default.
    pub(crate) fn pick<T: Clone>(&self, over: &Option<T>, quick: T, full: T) -> T {
        over.clone().unwrap_or(if self.quick { quick } else { full })
    }

    /// MINE's step budget in the accuracy suites.
    pub(crate) fn mine_steps(&self) -> usize {
        self.pick(&self.sizes.mine_steps, 200, 500)
    }

    /// A derived seed for `(self.seed, tags...)`.
    pub(crate) fn seed_for(&self, tags: &[u64]) -> u64 {
        data::sub_seed(self.seed, tags)
    }
}
