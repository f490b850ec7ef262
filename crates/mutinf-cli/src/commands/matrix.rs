//! `mutinf matrix`: the MI of every pair of columns, as a CSV matrix.

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use mutinf_core::io::read_table;
use mutinf_estimators::matrix::pairwise_mi;

use super::methods::{MethodArgs, build_estimator};
use crate::output::print_text;

/// Arguments of `mutinf matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D); every column is a variable.
    pub file: PathBuf,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Seed for stochastic methods.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Write the matrix here (CSV) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Runs `mutinf matrix`.
pub fn run(args: MatrixArgs) -> anyhow::Result<()> {
    let table = read_table(&args.file)?;
    if table.ncols() < 2 {
        bail!("{} has {} column(s); a matrix needs at least two", args.file.display(), table.ncols());
    }
    // Validate every column with its name before the pairwise work, so an error names
    // the column the user knows.
    for j in 0..table.ncols() {
        let other = (j + 1) % table.ncols();
        table.paired_indices(&[j], &[other]).with_context(|| format!("in {}", args.file.display()))?;
    }
    let estimator = build_estimator(&args.method, args.seed, false)?;
    let matrix = pairwise_mi(table.data().view(), estimator.as_ref())?;

    // CSV: a header of column names, then one row per column led by its name; the diagonal
    // (I(X;X), infinite for continuous data) is left empty.
    let mut csv = String::new();
    writeln!(csv, "column,{}", table.names().join(","))?;
    for (name, row) in table.names().iter().zip(matrix.rows()) {
        let cells: Vec<String> = row.iter().map(|v| if v.is_nan() { String::new() } else { format!("{v:.6}") }).collect();
        writeln!(csv, "{name},{}", cells.join(","))?;
    }
    match &args.out {
        Some(path) => std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))?,
        None => print_text(&csv)?,
    }
    Ok(())
}
