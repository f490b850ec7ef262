//! `mutinf matrix`: the MI of every pair of columns, as a CSV matrix (and optionally a heatmap).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, bail};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use mutinf_core::columns::resolve_columns;
use mutinf_core::io::Table;
use rayon::prelude::*;
use mutinf_core::PairedSamples;
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
    /// Continue a killed run: read the cells already in --out (same columns) and estimate only
    /// the missing ones. With --out the file is rewritten after every chunk of pairs, so a
    /// killed run keeps what it computed.
    #[arg(long, requires = "out")]
    pub resume: bool,
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
    let start = match (&args.out, args.resume) {
        (Some(out), true) => read_partial(out, table.names())?,
        _ => Array2::from_elem((table.ncols(), table.ncols()), f64::NAN),
    };
    // Either InfoNet readout batches pairs itself (`Estimator::estimate_many`); the other
    // methods estimate the pairs of a chunk in parallel.
    let batched = args.method.method == Method::Infonet;
    let method = estimator.method().to_owned();
    let matrix = pair_chunks(&table, start, args.pairs_per_pass, &method, args.out.as_deref(), |data| {
        if batched {
            Ok(estimator.estimate_many(data)?.into_iter().map(|e| e.mi).collect())
        } else {
            data.par_iter().map(|d| estimator.estimate(d).map(|e| e.mi)).collect::<Result<Vec<_>, _>>().map_err(Into::into)
        }
    })?;

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
    let csv = matrix_csv(table.names(), &matrix);
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

/// The matrix as CSV: a header of column names, then one row per column led by its name; the
/// diagonal (I(X;X), infinite for continuous data) and cells not yet computed are empty.
fn matrix_csv(names: &[String], matrix: &Array2<f64>) -> String {
    let mut csv = String::new();
    let _ = writeln!(csv, "column,{}", names.join(","));
    for (name, row) in names.iter().zip(matrix.rows()) {
        let cells: Vec<String> = row.iter().map(|v| if v.is_nan() { String::new() } else { format!("{v:.6}") }).collect();
        let _ = writeln!(csv, "{name},{}", cells.join(","));
    }
    csv
}

/// The cells of a partial matrix written by an earlier run (`--resume`); its columns must be
/// the ones selected now.
fn read_partial(path: &Path, names: &[String]) -> anyhow::Result<Array2<f64>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("--resume: reading {}", path.display()))?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split(',').skip(1).collect();
    if header != names.iter().map(String::as_str).collect::<Vec<_>>() {
        bail!(
            "--resume: {} holds a matrix of columns {} but this run selects {}; use the same file and --columns, or start over without --resume",
            path.display(),
            header.join(","),
            names.join(",")
        );
    }
    let d = names.len();
    let mut m = Array2::from_elem((d, d), f64::NAN);
    for (i, line) in lines.take(d).enumerate() {
        for (j, cell) in line.split(',').skip(1).enumerate().take(d) {
            if !cell.is_empty() {
                m[[i, j]] = cell.parse().with_context(|| format!("--resume: {} row {}: '{cell}' is not a number", path.display(), i + 2))?;
            }
        }
    }
    Ok(m)
}

/// Fills every empty cell i < j of `matrix` by `estimate` over chunks of `per_pass` pairs, with
/// a progress bar; with `out`, rewrites the partial matrix there after every chunk (atomically),
/// so a killed run keeps what it computed.
fn pair_chunks(
    table: &Table,
    mut matrix: Array2<f64>,
    per_pass: usize,
    method: &str,
    out: Option<&Path>,
    estimate: impl Fn(&[PairedSamples]) -> anyhow::Result<Vec<f64>>,
) -> anyhow::Result<Array2<f64>> {
    let d = table.ncols();
    let todo: Vec<(usize, usize)> = (0..d).flat_map(|i| (i + 1..d).map(move |j| (i, j))).filter(|&(i, j)| matrix[[i, j]].is_nan()).collect();
    let total = d * (d - 1) / 2;
    let bar = ProgressBar::new(total as u64).with_style(
        ProgressStyle::with_template(&format!("{{spinner}} {method} [{{bar:30}}] {{pos}}/{{len}} pairs  {{per_sec}}  ETA {{eta}}"))
            .expect("the template is valid")
            .progress_chars("=> "),
    );
    bar.set_position((total - todo.len()) as u64);
    let column = |j: usize| table.data().column(j).to_vec();
    for chunk in todo.chunks(per_pass) {
        let data = chunk
            .iter()
            .map(|&(i, j)| PairedSamples::from_columns(&column(i), &column(j)))
            .collect::<Result<Vec<_>, _>>()?;
        for (&(i, j), v) in chunk.iter().zip(estimate(&data)?) {
            matrix[[i, j]] = v;
            matrix[[j, i]] = v;
        }
        if let Some(path) = out {
            let tmp = path.with_extension("partial");
            std::fs::write(&tmp, matrix_csv(table.names(), &matrix))
                .and_then(|()| std::fs::rename(&tmp, path))
                .with_context(|| format!("writing {}", path.display()))?;
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
