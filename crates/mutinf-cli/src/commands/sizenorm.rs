//! `mutinf sizenorm`: the size-norm model of seed 002 — a latent pose mixture shared by several
//! animals, seen through per-animal affine maps (`mutinf_gmm::sizenorm`).
//!
//! `fit` reads one T x KD pose array per animal (CSV or NPY, egocentric keypoints), fits the model
//! by EM and writes it as JSON; `generate` draws synthetic animals from a known random model.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand, ValueEnum};
use mutinf_core::io::{Table, write_csv};
use mutinf_gmm::sizenorm::{
    MiBootstrapOptions, NoiseModel, RandomModelSpec, SizeNormConfig, SizeNormModel, fit_sizenorm,
    mi_animal_component,
};
use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::json;

use crate::output::{print_json, print_text, write_json, write_samples};

/// What to do with the size-norm model.
#[derive(Debug, Subcommand)]
pub enum SizenormCommand {
    /// Fit shared pose components, per-animal weights and affine maps to several animals.
    Fit(FitArgs),
    /// Draw synthetic animals from a known random model.
    Generate(GenerateArgs),
}

/// Noise models on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Noise {
    /// One learned variance per keypoint coordinate.
    Diagonal,
    /// One learned variance for all coordinates.
    Isotropic,
    /// A fixed variance σ² (give --noise-variance).
    Fixed,
}

/// How results are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A few lines for people.
    Text,
    /// One JSON object: log_likelihood, iterations, converged, mi_animal_component, ...
    Json,
}

/// Arguments of `mutinf sizenorm fit`.
#[derive(Debug, Args)]
pub struct FitArgs {
    /// One pose file per animal (CSV with optional header, or .npy), T x KD; repeat the flag for
    /// every animal (at least one). All animals need the same KD.
    #[arg(long = "animal", required = true)]
    pub animals: Vec<PathBuf>,
    /// Latent pose dimension M (1 <= M <= KD).
    #[arg(long)]
    pub latent_dim: usize,
    /// Number of shared mixture components C.
    #[arg(long)]
    pub components: usize,
    /// Write the fitted model (maps, shared components, weights) and the fit's summary as JSON.
    #[arg(long)]
    pub out: PathBuf,
    /// Write per-frame component posteriors and latent poses as CSV:
    /// `animal,frame,p0..p{C-1},x0..x{M-1}`, animals in the order given.
    #[arg(long)]
    pub posteriors: Option<PathBuf>,
    /// Observation-noise model.
    #[arg(long, value_enum, default_value_t = Noise::Diagonal)]
    pub noise: Noise,
    /// The fixed noise variance σ² (with --noise fixed).
    #[arg(long)]
    pub noise_variance: Option<f64>,
    /// Strength λ of the prior tying every animal's map to the common one, in pseudo-frames
    /// (0 = independent maps).
    #[arg(long, default_value_t = 1.0)]
    pub map_prior: f64,
    /// Symmetric Dirichlet concentration (>= 1) on every animal's weights, as a MAP penalty.
    #[arg(long)]
    pub dirichlet: Option<f64>,
    /// Independent restarts (short runs; the best is continued).
    #[arg(long, default_value_t = 4)]
    pub restarts: usize,
    /// Maximum EM iterations.
    #[arg(long, default_value_t = 500)]
    pub max_iter: usize,
    /// Convergence tolerance on the objective per frame.
    #[arg(long, default_value_t = 1e-6)]
    pub tol: f64,
    /// Bootstrap replicates of the I(animal; component) interval.
    #[arg(long, default_value_t = 200)]
    pub bootstrap: usize,
    /// Seed of the restarts and the bootstrap.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output format on stdout.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

/// Arguments of `mutinf sizenorm generate`.
#[derive(Debug, Args)]
pub struct GenerateArgs {
    /// One output file per animal (`.npy` or CSV with header `k{K}_{D}`); repeat the flag: the
    /// number of files is the number of animals.
    #[arg(long = "out", required = true)]
    pub out: Vec<PathBuf>,
    /// Keypoints K.
    #[arg(long, default_value_t = 8)]
    pub keypoints: usize,
    /// Dimensions D of each keypoint.
    #[arg(long, default_value_t = 2)]
    pub dims: usize,
    /// Latent pose dimension M.
    #[arg(long, default_value_t = 4)]
    pub latent_dim: usize,
    /// Shared components C.
    #[arg(long, default_value_t = 6)]
    pub components: usize,
    /// Frames per animal.
    #[arg(long, default_value_t = 5000)]
    pub frames: usize,
    /// Standard deviation of the per-animal map perturbations (the common map's entries are N(0, 1)).
    #[arg(long, default_value_t = 0.15)]
    pub map_spread: f64,
    /// Observation-noise variance.
    #[arg(long, default_value_t = 0.05)]
    pub noise_variance: f64,
    /// Seed of the model and the draws.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Also write the true model as JSON (the format `fit --out` writes under "model").
    #[arg(long)]
    pub params_out: Option<PathBuf>,
}

/// Runs `mutinf sizenorm ...`.
pub fn run(cmd: SizenormCommand) -> anyhow::Result<()> {
    match cmd {
        SizenormCommand::Fit(args) => fit(args),
        SizenormCommand::Generate(args) => generate(args),
    }
}

fn fit(args: FitArgs) -> anyhow::Result<()> {
    let noise = match (args.noise, args.noise_variance) {
        (Noise::Fixed, Some(variance)) => NoiseModel::Fixed { variance },
        (Noise::Fixed, None) => bail!("--noise fixed needs --noise-variance (the fixed σ², e.g. 0.05)"),
        (_, Some(_)) => bail!("--noise-variance only applies with --noise fixed; drop it or add --noise fixed"),
        (Noise::Diagonal, None) => NoiseModel::Diagonal,
        (Noise::Isotropic, None) => NoiseModel::Isotropic,
    };
    let config = SizeNormConfig {
        latent_dim: args.latent_dim,
        components: args.components,
        max_iter: args.max_iter,
        tol: args.tol,
        noise,
        map_prior: args.map_prior,
        dirichlet_alpha: args.dirichlet,
        seed: args.seed,
        n_init: args.restarts,
        ..Default::default()
    };
    let tables: Vec<Table> = args
        .animals
        .iter()
        .map(|p| {
            let table = crate::input::open_table(p).with_context(|| format!("reading {}", p.display()))?;
            // Every column is a keypoint coordinate: a text column is an error, not a skip.
            table.check_numeric(&(0..table.ncols()).collect::<Vec<_>>())?;
            Ok(table)
        })
        .collect::<anyhow::Result<_>>()?;
    let views: Vec<ArrayView2<'_, f64>> = tables.iter().map(|t| t.data().view()).collect();
    let started = std::time::Instant::now();
    let fit = fit_sizenorm(&views, &config).map_err(|e| {
        // Name the file rather than the 0-based animal index where the error is about one animal.
        anyhow::anyhow!("{e}").context(format!("fitting the size-norm model to {}", list(&args.animals)))
    })?;
    let seconds = started.elapsed().as_secs_f64();
    let mi = fit.model.mi_animal_component(
        &views,
        &MiBootstrapOptions { n_boot: args.bootstrap, seed: args.seed, ..Default::default() },
    )?;
    let model = &fit.model;
    let maps: Vec<serde_json::Value> = (0..model.n_animals())
        .map(|i| {
            Ok(json!({
                "file": args.animals[i].display().to_string(),
                "frames": fit.frames[i],
                "map": model.map(i)?,
                "offset": model.offset(i)?,
                "weights": model.weights[i],
            }))
        })
        .collect::<anyhow::Result<_>>()?;
    let summary = json!({
        "log_likelihood": fit.final_log_likelihood(),
        "objective": fit.final_objective(),
        "iterations": fit.iterations,
        "em_steps": fit.em_steps,
        "converged": fit.converged,
        "mi_animal_component": mi.value,
        "mi_animal_component_ci": [mi.lower, mi.upper],
        "ci_level": mi.level,
        "frames": fit.frames,
        "seconds": seconds,
        "seed": args.seed,
    });
    let mut document = summary.clone();
    document["animals"] = serde_json::Value::Array(maps);
    document["model"] = serde_json::to_value(model)?;
    document["config"] = serde_json::to_value(&config)?;
    document["log_likelihood_trace"] = serde_json::to_value(&fit.log_likelihood)?;
    write_json(&args.out, &document)?;

    if let Some(path) = &args.posteriors {
        write_posteriors(path, model, &views)?;
    }
    match args.format {
        Format::Json => print_json(&summary)?,
        Format::Text => print_text(&format!(
            "size-norm fit: {} animals, {} frames, M = {}, C = {}: log-likelihood {:.4} per frame after {} iterations ({})\n\
             I(animal; component) = {:.4} nats, {:.0} % interval [{:.4}, {:.4}]\nwrote {}\n",
            model.n_animals(),
            fit.frames.iter().sum::<usize>(),
            model.latent_dim(),
            model.n_components(),
            fit.final_log_likelihood(),
            fit.iterations,
            if fit.converged { "converged" } else { "not converged: raise --max-iter" },
            mi.value,
            100.0 * mi.level,
            mi.lower,
            mi.upper,
            args.out.display()
        ))?,
    }
    Ok(())
}

fn list(paths: &[PathBuf]) -> String {
    paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
}

/// `animal,frame,p0..p{C-1},x0..x{M-1}`, one row per frame.
fn write_posteriors(path: &std::path::Path, model: &SizeNormModel, views: &[ArrayView2<'_, f64>]) -> anyhow::Result<()> {
    let post = model.posteriors(views)?;
    let (c, m) = (model.n_components(), model.latent_dim());
    let rows: usize = post.iter().map(|p| p.latent.nrows()).sum();
    let mut data = Array2::zeros((rows, 2 + c + m));
    let mut r = 0;
    for (i, p) in post.iter().enumerate() {
        for t in 0..p.latent.nrows() {
            data[[r, 0]] = i as f64;
            data[[r, 1]] = t as f64;
            for z in 0..c {
                data[[r, 2 + z]] = p.responsibilities[[t, z]];
            }
            for a in 0..m {
                data[[r, 2 + c + a]] = p.latent[[t, a]];
            }
            r += 1;
        }
    }
    let names = ["animal".to_string(), "frame".to_string()]
        .into_iter()
        .chain((0..c).map(|z| format!("p{z}")))
        .chain((0..m).map(|a| format!("x{a}")))
        .collect();
    write_csv(path, &Table::new(names, data)?).with_context(|| format!("writing {}", path.display()))
}

fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let kd = args.keypoints * args.dims;
    if kd == 0 {
        bail!("--keypoints and --dims must both be at least 1 (KD = K x D columns per animal)");
    }
    if args.frames == 0 {
        bail!("--frames must be at least 1");
    }
    let spec = RandomModelSpec {
        separation: 3.0,
        map_spread: args.map_spread,
        noise_variance: args.noise_variance,
        ..RandomModelSpec::new(args.out.len(), kd, args.latent_dim, args.components)
    };
    let model = SizeNormModel::random(&spec, args.seed)?;
    let frames = vec![args.frames; args.out.len()];
    let draws = model.sample(&frames, &mut StdRng::seed_from_u64(args.seed.wrapping_add(1)))?;
    let names: Vec<String> =
        (0..args.keypoints).flat_map(|k| (0..args.dims).map(move |d| format!("k{k}_{d}"))).collect();
    for (path, draw) in args.out.iter().zip(draws) {
        write_samples(path, names.clone(), draw.observations)?;
    }
    if let Some(path) = &args.params_out {
        write_json(path, &serde_json::to_value(&model)?)?;
    }
    print_json(&json!({
        "animals": args.out.len(),
        "frames": args.frames,
        "observed_dim": kd,
        "latent_dim": args.latent_dim,
        "components": args.components,
        "mi_animal_component": mi_animal_component(&model.weights, &frames)?,
        "seed": args.seed,
    }))
}
