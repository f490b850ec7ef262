//! `mutinf matrix`: the MI of every pair of columns, as a CSV matrix (and optionally a heatmap).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mutinf_core::columns::resolve_columns;
use mutinf_core::io::Table;
use mutinf_estimators::matrix::pairwise_mi;
use mutinf_core::{Estimator, PairedSamples};
use ndarray::Array2;

use super::methods::{Method, MethodArgs, build_estimator};
use crate::output::print_text;

/// Arguments of `mutinf matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D); every column is a variable.
    pub file: PathBuf,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Seed for stochastic methods (and InfoNet's readout permutations).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Column pairs per InfoNet forward pass. Memory grows with it (and with N); the values
    /// do not depend on it beyond the readout's permutation noise.
    #[arg(long, default_value_t = mutinf_models::SLICE_BATCH)]
    pub pairs_per_pass: usize,
    /// Write the matrix here (CSV) instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Columns to include (names or 0-based indices, lists and ranges); they must be numeric.
    /// Default: every column, skipping (with a note) text, constant and non-finite ones.
    #[arg(long)]
    pub columns: Option<String>,
    /// Also draw the matrix as a heatmap (PNG).
    #[arg(long)]
    pub plot: Option<PathBuf>,
}

/// Runs `mutinf matrix`.
pub fn run(args: MatrixArgs) -> anyhow::Result<()> {
    let table = crate::input::open_table(&args.file)?;
    if args.pairs_per_pass == 0 {
        bail!("--pairs-per-pass 0: use at least 1 (default {})", mutinf_models::SLICE_BATCH);
    }
    let table = usable_columns(&table, args.columns.as_deref()).with_context(|| format!("in {}", args.file.display()))?;
    if table.ncols() < 2 {
        bail!(
            "{} has {} usable column(s); a matrix needs at least two numeric, non-constant columns",
            args.file.display(),
            table.ncols()
        );
    }
    let estimator = build_estimator(&args.method, args.seed, false)?;
    let matrix = if args.method.method == Method::Infonet {
        // Either InfoNet readout batches pairs itself (`Estimator::estimate_many`).
        batched_matrix(&table, estimator.as_ref(), args.pairs_per_pass)?
    } else {
        pairwise_mi(table.data().view(), estimator.as_ref())?
    };

    // No cell may be non-finite or impossible (a diverged or broken estimator): the same rule as
    // `estimate`'s `MiEstimate::plausible`.
    if let Some(((i, j), v)) = matrix
        .indexed_iter()
        .find(|((i, j), v)| i != j && !(v.is_finite() && **v >= mutinf_core::IMPLAUSIBLE_BELOW_NATS))
    {
        bail!(
            "the estimate for columns '{}' and '{}' is {v} nats, which no MI can be; the method failed on them \
             (for a neural method lower --lr or raise --steps; or use --method ksg)",
            table.names()[i],
            table.names()[j]
        );
    }
    // CSV: a header of column names, then one row per column led by its name; the diagonal
    // (I(X;X), infinite for continuous data) is left empty.
    let mut csv = String::new();
    writeln!(csv, "column,{}", table.names().join(","))?;
    for (name, row) in table.names().iter().zip(matrix.rows()) {
        let cells: Vec<String> = row.iter().map(|v| if v.is_nan() { String::new() } else { format!("{v:.6}") }).collect();
        writeln!(csv, "{name},{}", cells.join(","))?;
    }
    if let Some(path) = &args.plot {
        plot(&table, &matrix, &args.file, path)?;
    }
    match &args.out {
        Some(path) => std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))?,
        None => print_text(&csv)?,
    }
    Ok(())
}

/// The columns the matrix covers: those selected by `--columns` (which must be numeric), or
/// every column, minus text, constant and non-finite columns, each skipped with a note on
/// stderr (one unusable column should not cost the whole matrix).
fn usable_columns(table: &Table, spec: Option<&str>) -> anyhow::Result<Table> {
    let requested: Vec<usize> = match spec {
        Some(spec) => {
            let columns = resolve_columns(spec, table.names())?;
            table.check_numeric(&columns)?;
            columns
        }
        None => (0..table.ncols()).collect(),
    };
    let mut kept = Vec::with_capacity(requested.len());
    for j in requested {
        let name = &table.names()[j];
        if let Some((_, place)) = table.non_numeric().iter().find(|(k, _)| *k == j) {
            eprintln!("note: skipped column '{name}': not numeric ({place})");
            continue;
        }
        let column = table.data().slice(ndarray::s![.., j..=j]);
        match mutinf_core::check_block(column, std::slice::from_ref(name)) {
            Ok(()) => kept.push(j),
            Err(e) => eprintln!("note: skipped column '{name}': {e}"),
        }
    }
    Ok(table.select(&kept))
}

/// All pairs i < j through `estimator`'s [`Estimator::estimate_many`], `per_pass` pairs per
/// call, streamed so memory stays at one chunk of pairs plus the d x d result whatever the
/// number of columns. Each cell equals what `estimate` gives for that pair.
fn batched_matrix(table: &Table, estimator: &dyn Estimator, per_pass: usize) -> anyhow::Result<Array2<f64>> {
    let column = |j: usize| table.data().column(j).to_vec();
    pair_chunks(table.ncols(), per_pass, |chunk| {
        let data = chunk.iter().map(|&(i, j)| PairedSamples::from_columns(&column(i), &column(j))).collect::<Result<Vec<_>, _>>()?;
        Ok(estimator.estimate_many(&data)?.into_iter().map(|e| e.mi).collect())
    })
}

/// The symmetric d x d matrix (NaN diagonal) of `estimate` over every pair i < j, `per_pass`
/// pairs per call, with a progress bar.
fn pair_chunks(
    d: usize,
    per_pass: usize,
    mut estimate: impl FnMut(&[(usize, usize)]) -> anyhow::Result<Vec<f64>>,
) -> anyhow::Result<Array2<f64>> {
    let total = d * (d - 1) / 2;
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template("{spinner} infonet [{bar:30}] {pos}/{len} pairs  {per_sec}  ETA {eta}")
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    let mut matrix = Array2::from_elem((d, d), f64::NAN);
    let mut pairs = (0..d).flat_map(|i| (i + 1..d).map(move |j| (i, j))).peekable();
    while pairs.peek().is_some() {
        let chunk: Vec<(usize, usize)> = pairs.by_ref().take(per_pass).collect();
        for (&(i, j), v) in chunk.iter().zip(estimate(&chunk)?) {
            matrix[[i, j]] = v;
            matrix[[j, i]] = v;
        }
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    Ok(matrix)
}

fn plot(table: &Table, matrix: &Array2<f64>, file: &Path, path: &Path) -> anyhow::Result<()> {
    let map = mutinf_plot::Heatmap {
        title: format!("pairwise MI, {}", file.display()),
        labels: table.names().to_vec(),
        values: matrix.iter().copied().collect(),
        value_label: "MI (nats)".to_string(),
    };
    mutinf_plot::heatmap_png(&map, path).with_context(|| format!("--plot {}", path.display()))?;
    Ok(())
}
