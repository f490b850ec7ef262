//! `mutinf generate`: samples with known mutual information, for testing estimators.
//!
//! Every command prints `{"mi", "std_error", "n", "seed"}` on stdout: the ground truth of the
//! distribution the samples were drawn from (analytic where possible, std_error 0; Monte-Carlo
//! otherwise, with its standard error).

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use mutinf_gmm::{GaussianMixture, MonteCarloOptions};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;

use crate::output::{is_stdout, print_json, write_json, write_samples, xy_names};

/// What to generate.
#[derive(Debug, Subcommand)]
pub enum GenerateCommand {
    /// A bivariate Gaussian with unit variances and correlation RHO: I = -1/2 ln(1 - RHO²).
    Gaussian(GaussianArgs),
    /// A Gaussian mixture between X (DX dims) and Y (DY dims) from one of the InfoNet
    /// paper's families; ground truth by Monte-Carlo (analytic for one component).
    Gmm(GmmArgs),
}

/// Arguments of `mutinf generate gaussian`.
#[derive(Debug, Args)]
pub struct GaussianArgs {
    /// Correlation, strictly between -1 and 1.
    #[arg(long, allow_hyphen_values = true)]
    pub rho: f64,
    #[command(flatten)]
    pub output: SampleOutput,
}

/// How many samples, from which seed, into which file (shared by every generator).
#[derive(Debug, Args)]
pub struct SampleOutput {
    /// Number of samples.
    #[arg(long)]
    pub n: usize,
    /// Random seed: the same seed gives the same file (and, for gmm, the same mixture and
    /// Monte-Carlo truth).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output file: `.npy` writes NumPy, anything else CSV with header `X0..,Y0..`; `-` writes
    /// the CSV to stdout (the truth JSON then goes to stderr).
    #[arg(long)]
    pub out: PathBuf,
}

/// The InfoNet paper's GMM families.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Family {
    /// The training family (2-D only): means ~ U(-5,5)², per-component variances and
    /// correlation drawn at random, Dirichlet(1) weights.
    PaperTrain,
    /// The evaluation family (any dimension): covariances A Aᵀ + 0.01 I, A ~ U(-3,3).
    PaperEval,
}

/// Arguments of `mutinf generate gmm`.
#[derive(Debug, Args)]
pub struct GmmArgs {
    /// Dimensions of X and Y, e.g. `1,1` or `3,2`.
    #[arg(long, value_parser = parse_dims, default_value = "1,1")]
    pub dims: (usize, usize),
    /// Number of mixture components K.
    #[arg(long, default_value_t = 3)]
    pub components: usize,
    #[command(flatten)]
    pub output: SampleOutput,
    /// Which family the mixture is drawn from.
    #[arg(long, value_enum, default_value_t = Family::PaperEval)]
    pub family: Family,
    /// Also write the mixture's parameters as JSON (weights, means, covariances).
    #[arg(long)]
    pub params_out: Option<PathBuf>,
    /// Monte-Carlo samples for the ground-truth MI (K > 1); more samples, smaller std_error.
    #[arg(long, default_value_t = 200_000)]
    pub truth_samples: usize,
}

/// Parses `DX,DY`.
pub fn parse_dims(text: &str) -> Result<(usize, usize), String> {
    let bad = || format!("'{text}' is not DX,DY (two positive integers, e.g. 1,1 or 3,2)");
    let (a, b) = text.split_once(',').ok_or_else(bad)?;
    let dx: usize = a.trim().parse().map_err(|_| bad())?;
    let dy: usize = b.trim().parse().map_err(|_| bad())?;
    if dx == 0 || dy == 0 {
        return Err(bad());
    }
    Ok((dx, dy))
}

/// Runs `mutinf generate`.
pub fn run(command: GenerateCommand) -> anyhow::Result<()> {
    match command {
        GenerateCommand::Gaussian(args) => gaussian(args),
        GenerateCommand::Gmm(args) => gmm(args),
    }
}

fn check_n(n: usize) -> anyhow::Result<()> {
    if n < 2 {
        bail!("--n {n} is too small: generate at least 2 samples");
    }
    Ok(())
}

fn gaussian(args: GaussianArgs) -> anyhow::Result<()> {
    check_n(args.output.n)?;
    if !(args.rho.is_finite() && args.rho.abs() < 1.0) {
        bail!("--rho {} is not a correlation strictly between -1 and 1; try e.g. --rho 0.5", args.rho);
    }
    let gmm = GaussianMixture::bivariate_gaussian(args.rho)?;
    let mut rng = StdRng::seed_from_u64(args.output.seed);
    let samples = gmm.sample(args.output.n, &mut rng);
    write_samples(&args.output.out, xy_names(1, 1), samples).with_context(|| format!("writing {}", args.output.out.display()))?;
    let mi = -0.5 * (1.0 - args.rho * args.rho).ln();
    report_truth(&args.output.out, &json!({ "mi": mi, "std_error": 0.0, "n": args.output.n, "seed": args.output.seed }))?;
    Ok(())
}

fn gmm(args: GmmArgs) -> anyhow::Result<()> {
    check_n(args.output.n)?;
    let (dx, dy) = args.dims;
    if args.components == 0 {
        bail!("--components 0: a mixture needs at least one component");
    }
    if args.truth_samples < 1000 {
        bail!("--truth-samples {} is too few for a Monte-Carlo truth; use at least 1000", args.truth_samples);
    }
    let mut rng = StdRng::seed_from_u64(args.output.seed);
    let gmm = draw_mixture(args.family, dx + dy, args.components, &mut rng)?;
    let samples = gmm.sample(args.output.n, &mut rng);
    write_samples(&args.output.out, xy_names(dx, dy), samples).with_context(|| format!("writing {}", args.output.out.display()))?;
    if let Some(path) = &args.params_out {
        write_json(path, &serde_json::to_value(&gmm)?)?;
    }
    let x: Vec<usize> = (0..dx).collect();
    let y: Vec<usize> = (dx..dx + dy).collect();
    // The truth's own seed is derived from the user's, so the same seed reproduces it exactly
    // without sharing a random stream with the samples.
    let options = MonteCarloOptions { samples: args.truth_samples, seed: args.output.seed ^ 0x9e37_79b9_7f4a_7c15, ..Default::default() };
    let truth = gmm.mutual_information(&x, &y, &options)?;
    report_truth(&args.output.out, &json!({ "mi": truth.value, "std_error": truth.std_error, "n": args.output.n, "seed": args.output.seed }))?;
    Ok(())
}

fn draw_mixture(family: Family, dim: usize, components: usize, rng: &mut StdRng) -> anyhow::Result<GaussianMixture> {
    use mutinf_gmm::families::{PaperEvalFamily, PaperTrainFamily};
    Ok(match family {
        Family::PaperTrain => {
            if dim != 2 {
                bail!("--family paper-train is two-dimensional; use --dims 1,1 or --family paper-eval");
            }
            PaperTrainFamily { components: (components, components), ..Default::default() }.sample(rng)?
        }
        Family::PaperEval => PaperEvalFamily::fixed(dim, components).sample(rng)?,
    })
}

/// Prints the truth JSON on stdout, or on stderr when the samples went to stdout (`--out -`),
/// so a pipe receives clean CSV.
fn report_truth(out: &std::path::Path, value: &serde_json::Value) -> anyhow::Result<()> {
    if is_stdout(out) {
        eprintln!("{value}");
        Ok(())
    } else {
        print_json(value)
    }
}
