//! `mutinf bench`: the paper's benchmark suites side by side (InfoNet, KSG, KDE, MINE).

use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use mutinf_bench::{Bench, CheckpointInfo, Method, RunRecord, Sizes, Suite};

use crate::device::{CpuBackend, DeviceChoice, inference_lanes, select};

/// Arguments of `mutinf bench`.
#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Which suite: timing (Tab. 1), gaussian (Fig. 4), gmm-levels (Tab. 2), order (Tab. 3),
    /// independence (Fig. 5), transforms (App. A.4), or all (writes summary.md).
    #[arg(value_parser = ["timing", "gaussian", "gmm-levels", "order", "independence", "transforms", "all"])]
    pub suite: String,
    /// Small sizes that finish in well under a minute (CI, smoke tests).
    #[arg(long)]
    pub quick: bool,
    /// Output folder for Markdown, CSV, JSON and PNG files.
    #[arg(long, default_value = "bench-out")]
    pub out: PathBuf,
    /// Methods to compare, comma-separated [default: infonet,ksg,kde,mine; independence: infonet,ksg,mine].
    #[arg(long, value_delimiter = ',')]
    pub methods: Option<Vec<String>>,
    /// Master seed (every data set, truth, readout and critic derives from it).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Where InfoNet and MINE run.
    #[arg(long, value_enum, default_value_t = DeviceChoice::Cpu)]
    pub device: DeviceChoice,
    /// InfoNet checkpoint: a .safetensors file from `mutinf train`, or a built-in one by name:
    /// `embedded:infonet-gt` (the default: the regression readout's network), `embedded:infonet-small`
    /// (the table network; the default for --readout trained|scale-fitted) or `embedded:infonet-fast`
    /// (16 x 16 table, ~1.5x faster, a little less accurate).
    #[arg(long)]
    pub checkpoint: Option<PathBuf>,
    /// How InfoNet reads MI: `regression` (a network trained on true MI reads the median and a
    /// 90 % interval in one pass; no table), or off a table network's lookup table:
    /// `scale-fitted` (the held-out bound with the table's scale fitted per estimate) or `trained`
    /// (the bound as trained, plus the checkpoint's calibration). Default: regression, or the
    /// checkpoint's own readout when --checkpoint names a table network.
    #[arg(long, value_enum)]
    pub readout: Option<crate::infonet::ReadoutChoice>,
    /// Samples per data set (gaussian, gmm-levels, order, transforms) [default: 2000; quick transforms 1000].
    #[arg(long)]
    pub n: Option<usize>,
    /// Seeds per setting (gaussian, transforms) [default: 5; quick 1].
    #[arg(long)]
    pub seeds: Option<usize>,
    /// Timing repetitions after the warm-up [default: 5; quick 2].
    #[arg(long)]
    pub repeats: Option<usize>,
    /// Sample sizes, comma-separated (timing, gaussian robustness: 200,...,5000; independence: 50,...,300).
    #[arg(long, value_delimiter = ',')]
    pub sizes: Option<Vec<usize>>,
    /// Sequences per InfoNet pass in the timing suite, comma-separated [default: 1,16,64]
    /// (e.g. 1,64,1024 on a GPU).
    #[arg(long, value_delimiter = ',')]
    pub infonet_batches: Option<Vec<usize>>,
    /// Mixtures per MI level (gmm-levels) [default: 1000 as in the paper; quick 2].
    #[arg(long)]
    pub per_level: Option<usize>,
    /// Triplets per K (order) [default: 2000 as in the paper; quick 2].
    #[arg(long)]
    pub triplets: Option<usize>,
    /// Dependent (and as many independent) data sets per cell (independence) [default: 20; quick 4].
    #[arg(long)]
    pub cases: Option<usize>,
    /// Random projections of sliced MI (independence) [default: 128; quick 16].
    #[arg(long)]
    pub slices: Option<usize>,
    /// Dimensions d, comma-separated (independence) [default: 16,32,64,128; quick 16].
    #[arg(long, value_delimiter = ',')]
    pub dims: Option<Vec<usize>>,
    /// MINE's maximum steps in the accuracy suites (early stopping on) [default: 500; quick 200].
    #[arg(long)]
    pub mine_steps: Option<usize>,
    /// Monte-Carlo samples per ground truth (gmm-levels, order) [default: 100000; quick 20000].
    #[arg(long)]
    pub truth_samples: Option<usize>,
    /// No progress bars.
    #[arg(long)]
    pub no_progress: bool,
}

/// Runs `mutinf bench`.
pub fn run(args: BenchArgs) -> anyhow::Result<()> {
    let suites: Vec<Suite> =
        if args.suite == "all" { Suite::ALL.to_vec() } else { vec![Suite::parse(&args.suite)?] };
    let methods = match &args.methods {
        Some(names) => Some(names.iter().map(|n| Method::parse(n)).collect::<Result<Vec<_>, _>>()?),
        None => None,
    };
    for (name, v) in [("--n", args.n), ("--seeds", args.seeds), ("--repeats", args.repeats), ("--per-level", args.per_level),
        ("--triplets", args.triplets), ("--cases", args.cases), ("--slices", args.slices), ("--mine-steps", args.mine_steps)]
    {
        anyhow::ensure!(v != Some(0), "{name} must be at least 1");
    }
    if let Some(n) = args.n {
        anyhow::ensure!(n >= 100, "--n {n} is too small: InfoNet needs 16 samples and MINE's minibatch 100; use --n 100 or more");
    }
    if let Some(s) = &args.sizes {
        anyhow::ensure!(s.iter().all(|&n| n >= 20), "--sizes: every size must be at least 20");
    }
    if let Some(b) = &args.infonet_batches {
        anyhow::ensure!(b.iter().all(|&b| b >= 1), "--infonet-batches: every batch must be at least 1");
    }
    if let Some(t) = args.truth_samples {
        anyhow::ensure!(t >= 1000, "--truth-samples {t} is too few for a Monte-Carlo truth; use 20000 or more");
    }
    let device = select(args.device, CpuBackend::Flex)?;
    let wants_infonet = methods.as_ref().is_none_or(|m| m.contains(&Method::InfoNet));
    let regression = wants_infonet && crate::infonet::wants_regression(args.checkpoint.as_deref(), args.readout);
    let head = if regression { Some(crate::infonet::load_regression(args.checkpoint.as_deref(), &device)?) } else { None };
    let loaded = if wants_infonet && !regression {
        Some(crate::infonet::load_infonet_with_metadata(args.checkpoint.as_deref(), &device, inference_lanes(args.device), args.readout)?)
    } else {
        None
    };
    let command = std::iter::once("mutinf".to_string()).chain(std::env::args().skip(1)).collect::<Vec<_>>().join(" ");
    let profile = if cfg!(debug_assertions) { "debug" } else { "release" };
    let mut record = RunRecord::new(command, profile, format!("{device:?}"), args.seed, args.quick);
    record.versions.insert("mutinf".into(), env!("CARGO_PKG_VERSION").into());
    record.checkpoint = loaded.as_ref().map(|l| CheckpointInfo {
        readout: Some(l.net.readout().name().to_owned()),
        ..CheckpointInfo::from_metadata(l.origin.clone(), &l.metadata)
    });
    if let Some((h, origin)) = &head {
        record.checkpoint =
            Some(CheckpointInfo { readout: Some("Regression".into()), ..CheckpointInfo::from_metadata(origin.clone(), h.metadata()) });
    }
    let bench = Bench {
        infonet: loaded.as_ref().map(|l| &l.net),
        regression: head.as_ref().map(|(h, _)| h),
        device,
        methods,
        seed: args.seed,
        quick: args.quick,
        sizes: Sizes {
            n: args.n,
            seeds: args.seeds,
            repeats: args.repeats,
            sizes: args.sizes.clone(),
            infonet_batches: args.infonet_batches.clone(),
            per_level: args.per_level,
            triplets: args.triplets,
            cases: args.cases,
            slices: args.slices,
            dims: args.dims.clone(),
            mine_steps: args.mine_steps,
            truth_samples: args.truth_samples,
        },
        out_dir: args.out.clone(),
        progress: !args.no_progress,
        record,
    };
    let mut reports = Vec::new();
    for suite in suites {
        eprintln!("mutinf bench {}: running…", suite.name());
        let report = bench.run(suite).with_context(|| format!("bench {}", suite.name()))?;
        bench.write(&report).with_context(|| format!("writing the {} results into {}", suite.name(), args.out.display()))?;
        if args.suite != "all" {
            println!("# mutinf bench {}\n\n{}\n{}", report.suite, bench.record.markdown(), report.markdown_body());
        }
        eprintln!("mutinf bench {}: done in {:.1} s", suite.name(), report.seconds);
        reports.push(report);
    }
    if args.suite == "all" {
        let summary = bench.summary(&reports);
        let path = args.out.join("summary.md");
        std::fs::write(&path, &summary).with_context(|| format!("writing {}", path.display()))?;
        println!("{summary}");
    }
    eprintln!("results in {}", args.out.display());
    Ok(())
}
