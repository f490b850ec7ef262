//! `mutinf`: mutual-information estimation from the command line.
//!
//! This binary is the only place in the workspace that picks devices and backends; the
//! libraries take data and a device and return estimates.

mod commands;
mod device;
mod infonet;
mod input;
mod output;

use std::process::ExitCode;

use clap::parser::ValueSource;
use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

/// Fast, trustworthy mutual-information estimation.
///
/// Estimates are in nats unless a line says bits. Exit codes: 0 success, 2 bad usage or input
/// (the message on stderr names the problem and the fix).
#[derive(Debug, Parser)]
#[command(name = "mutinf", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Whether the first CSV row is a header: auto (a non-numeric field makes it one), yes (even
    /// if numeric, e.g. `2019,2020`) or no. Input files may be `-` for stdin.
    #[arg(long, global = true, value_enum, default_value_t = input::HeaderArg::Auto)]
    header: input::HeaderArg,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate samples with known (ground-truth) mutual information.
    #[command(subcommand)]
    Generate(commands::generate::GenerateCommand),
    /// Estimate the mutual information between columns of a CSV or NPY file (with --z: the
    /// conditional MI I(X;Y|Z)).
    Estimate(commands::estimate::EstimateArgs),
    /// The mutual information of every pair of columns, as a CSV matrix.
    Matrix(commands::matrix::MatrixArgs),
    /// Train an InfoNet model on simulated Gaussian mixtures.
    Train(commands::train::TrainArgs),
    /// Train InfoNet's regression readout on the true MI of simulated distributions.
    TrainHead(commands::train_head::TrainHeadArgs),
    /// Fit a checkpoint's monotone calibration on fresh training-family distributions.
    Calibrate(commands::calibrate::CalibrateArgs),
    /// Transfer entropy TE(X→Y) between two columns read as time series, with a surrogate p-value.
    Te(commands::te::TeArgs),
    /// MI as a function of lag, I(X_t; Y_{t+lag}): CSV (lag,mi,n), JSON, PNG plot, the peak lag.
    Lagged(commands::lagged::LaggedArgs),
    /// Entropy of columns: k-NN (Kozachenko-Leonenko) for continuous data, plug-in with
    /// Miller-Madow for discrete data.
    Entropy(commands::entropy::EntropyArgs),
    /// Proficiency I(F;A)/H(F): the fraction of a feature's entropy that columns A carry.
    Proficiency(commands::proficiency::ProficiencyArgs),
    /// Sliding-window MI over CSV rows from stdin or a file, a line per window as it completes
    /// (`tail -f log.csv | mutinf stream --window 500 --step 100`).
    Stream(commands::stream::StreamArgs),
    /// The size-norm model: pose components shared by several animals, per-animal affine maps
    /// and weights, fitted by EM; I(animal; component).
    #[command(subcommand)]
    Sizenorm(commands::sizenorm::SizenormCommand),
    /// Cluster the rows of a table by Invariant Information Clustering (an MLP maximising the MI
    /// between the cluster assignments of two perturbed views of each row); writes one label per row.
    Cluster(commands::cluster::ClusterArgs),
    /// Run a benchmark suite (the InfoNet paper's tables: InfoNet, KSG, KDE, MINE side by side).
    Bench(commands::bench::BenchArgs),
}

fn main() -> ExitCode {
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    // Whether a subcommand's --method came from the command line (not its default): with
    // `estimate --z` and in `proficiency` an unset method picks a suitable one.
    let explicit_method = |name: &str| {
        matches.subcommand_matches(name).is_some_and(|m| m.value_source("method") == Some(ValueSource::CommandLine))
    };
    input::set_header(cli.header);
    let result = match cli.command {
        Command::Generate(cmd) => commands::generate::run(cmd),
        Command::Estimate(mut args) => {
            args.method_explicit = explicit_method("estimate");
            commands::estimate::run(args)
        }
        Command::Te(args) => commands::te::run(args),
        Command::Lagged(args) => commands::lagged::run(args),
        Command::Entropy(args) => commands::entropy::run(args),
        Command::Proficiency(mut args) => {
            args.method_explicit = explicit_method("proficiency");
            commands::proficiency::run(args)
        }
        Command::Stream(args) => commands::stream::run(args),
        Command::Matrix(args) => commands::matrix::run(args),
        Command::Train(args) => commands::train::run(args),
        Command::TrainHead(args) => commands::train_head::run(args),
        Command::Calibrate(args) => commands::calibrate::run(args),
        Command::Sizenorm(cmd) => commands::sizenorm::run(cmd),
        Command::Cluster(args) => commands::cluster::run(args),
        Command::Bench(args) => commands::bench::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // `{:#}` prints the whole context chain on one line: "reading data.csv: line 3: ...".
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}
