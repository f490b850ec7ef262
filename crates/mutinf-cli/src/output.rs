//! Writing results: stdout lines, JSON, sample tables to CSV or NPY by file extension.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use mutinf_core::io::{Table, csv_text, write_csv, write_npy};
use ndarray::Array2;

/// Writes text to stdout. A closed pipe (`mutinf ... | head`) is not an error: the reader
/// has all it wanted, so the rest is dropped quietly instead of panicking like `print!`.
pub fn print_text(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e).context("writing to stdout"),
        _ => Ok(()),
    }
}

/// Prints a value as one line of JSON on stdout.
pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    print_text(&format!("{value}\n"))
}

/// Whether an output path means standard output (`-`).
pub fn is_stdout(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Writes samples with the given column names: `.npy` by extension, CSV otherwise; `-` writes
/// the CSV to standard output.
pub fn write_samples(path: &Path, names: Vec<String>, data: Array2<f64>) -> anyhow::Result<()> {
    if is_stdout(path) {
        return print_text(&csv_text(&Table::new(names, data)?));
    }
    let is_npy = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    if is_npy {
        write_npy(path, &data)?;
    } else {
        write_csv(path, &Table::new(names, data)?)?;
    }
    Ok(())
}

/// Writes pretty JSON to a file.
pub fn write_json(path: &Path, value: &serde_json::Value) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(path, text + "\n").with_context(|| format!("writing {}", path.display()))
}

/// Column names `X0..X{dx-1}, Y0..Y{dy-1}`.
pub fn xy_names(dx: usize, dy: usize) -> Vec<String> {
    (0..dx).map(|j| format!("X{j}")).chain((0..dy).map(|j| format!("Y{j}"))).collect()
}
