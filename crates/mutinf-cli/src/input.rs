//! Reading input tables the same way in every command: `-` is stdin, `--header` applies, and
//! what reading decided on its own (a skipped pandas index, a file read as `.npy` by content, a
//! numeric first row read as data) is said on stderr.

use std::path::Path;
use std::sync::OnceLock;

use clap::ValueEnum;
use mutinf_core::io::{HeaderMode, ReadOptions, Table, read_table_with};

/// `--header` on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HeaderArg {
    /// Detect: a first row with a non-numeric field is the header.
    Auto,
    /// The first row is the header, even if it is numeric (e.g. `2019,2020`).
    Yes,
    /// The first row is data; columns are named by position.
    No,
}

static HEADER: OnceLock<HeaderMode> = OnceLock::new();

/// Sets how every command reads CSV headers (once, from `main`).
pub fn set_header(arg: HeaderArg) {
    let _ = HEADER.set(match arg {
        HeaderArg::Auto => HeaderMode::Auto,
        HeaderArg::Yes => HeaderMode::Yes,
        HeaderArg::No => HeaderMode::No,
    });
}

/// Reads a CSV or `.npy` table (`-`: stdin) and prints the reader's notes as `note: …` lines
/// on stderr. A header recognised by a non-numeric field is not a guess and is not mentioned.
pub fn open_table(path: &Path) -> anyhow::Result<Table> {
    let mode = HEADER.get().copied().unwrap_or(HeaderMode::Auto);
    let table = read_table_with(path, &ReadOptions::default().with_header(mode))?;
    for note in table.notes().iter().filter(|n| !n.starts_with("header:")) {
        eprintln!("note: {note}");
    }
    Ok(table)
}
