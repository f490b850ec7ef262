//! `mutinf`: mutual-information estimation from the command line.
//!
//! This binary is the only place in the workspace that picks devices and backends; the
//! libraries take data and a device and return estimates.

mod commands;
mod device;
mod infonet;
mod output;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Fast, trustworthy mutual-information estimation.
///
/// Estimates are in nats unless a line says bits. Exit codes: 0 success, 2 bad usage or input
/// (the message on stderr names the problem and the fix).
#[derive(Debug, Parser)]
#[command(name = "mutinf", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Generate samples with known (ground-truth) mutual information.
    #[command(subcommand)]
    Generate(commands::generate::GenerateCommand),
    /// Estimate the mutual information between columns of a CSV or NPY file.
    Estimate(commands::estimate::EstimateArgs),
    /// The mutual information of every pair of columns, as a CSV matrix.
    Matrix(commands::matrix::MatrixArgs),
    /// Train an InfoNet model on simulated Gaussian mixtures.
    Train(commands::train::TrainArgs),
    /// Train InfoNet's regression readout on the true MI of simulated distributions.
    TrainHead(commands::train_head::TrainHeadArgs),
    /// Fit a checkpoint's monotone calibration on fresh training-family distributions.
    Calibrate(commands::calibrate::CalibrateArgs),
    /// Run a benchmark suite (the InfoNet paper's tables: InfoNet, KSG, KDE, MINE side by side).
    Bench(commands::bench::BenchArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Generate(cmd) => commands::generate::run(cmd),
        Command::Estimate(args) => commands::estimate::run(args),
        Command::Matrix(args) => commands::matrix::run(args),
        Command::Train(args) => commands::train::run(args),
        Command::TrainHead(args) => commands::train_head::run(args),
        Command::Calibrate(args) => commands::calibrate::run(args),
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
