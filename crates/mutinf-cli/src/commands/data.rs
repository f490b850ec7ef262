//! Loading paired samples from a file with the column-selection flags shared by commands.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use mutinf_core::PairedSamples;
use mutinf_core::columns::{resolve_columns, split_dims};
use mutinf_estimators::conditional::ConditionalSamples;

/// Which file and which columns hold X and Y.
#[derive(Debug, Args)]
pub struct DataArgs {
    /// Input: CSV (header optional) or NumPy .npy (2-D).
    pub file: PathBuf,
    /// Columns of X: names or 0-based indices, lists and inclusive ranges (`0,2`, `X0..X4`).
    /// Default: the first column.
    #[arg(long, conflicts_with = "dims")]
    pub x: Option<String>,
    /// Columns of Y, same syntax as --x. Default: the second column.
    #[arg(long, conflicts_with = "dims")]
    pub y: Option<String>,
    /// Split the columns in order: the first DX are X, the next DY are Y (e.g. `--dims 3,2`).
    #[arg(long, value_parser = super::generate::parse_dims)]
    pub dims: Option<(usize, usize)>,
}

impl DataArgs {
    /// Reads the file and selects X and Y, validated (finite, non-constant, paired).
    pub fn load(&self) -> anyhow::Result<PairedSamples> {
        let table = crate::input::open_table(&self.file)?;
        let (x, y) = match (self.dims, &self.x, &self.y) {
            (Some((dx, dy)), _, _) => split_dims(table.ncols(), dx, dy)?,
            (None, None, None) if generated_split(table.names()).is_some() => {
                let (x, y) = generated_split(table.names()).expect("checked by the guard");
                eprintln!(
                    "note: X = {}, Y = {} (the file's X*/Y* column names, as `mutinf generate` writes them); choose others with --x/--y",
                    x.iter().map(|&j| table.names()[j].as_str()).collect::<Vec<_>>().join(","),
                    y.iter().map(|&j| table.names()[j].as_str()).collect::<Vec<_>>().join(",")
                );
                (x, y)
            }
            (None, x, y) => {
                if (x.is_none() || y.is_none()) && table.ncols() < 2 {
                    bail!(
                        "{} has {} column(s); MI needs two: give a file with an X and a Y column (or choose them with --x/--y)",
                        self.file.display(),
                        table.ncols()
                    );
                }
                let x = match x { Some(spec) => resolve_columns(spec, table.names())?, None => vec![0] };
                let y = match y { Some(spec) => resolve_columns(spec, table.names())?, None => vec![1] };
                (x, y)
            }
        };
        if let Some(shared) = x.iter().find(|j| y.contains(j)) {
            bail!("column '{}' is selected for both X and Y; choose disjoint columns", table.names()[*shared]);
        }
        table.paired_indices(&x, &y).with_context(|| format!("in {}", self.file.display()))
    }

    /// Reads the file and selects X, Y (as in [`DataArgs::load`], without `--dims`) and the
    /// conditioning block Z from the selection `z`, validated (finite, non-constant, disjoint).
    pub fn load_conditional(&self, z: &str) -> anyhow::Result<ConditionalSamples> {
        if self.dims.is_some() {
            bail!("--dims does not combine with --z; choose X, Y and Z with --x, --y and --z");
        }
        let table = crate::input::open_table(&self.file)?;
        let x = match &self.x { Some(spec) => resolve_columns(spec, table.names())?, None => vec![0] };
        let y = match &self.y { Some(spec) => resolve_columns(spec, table.names())?, None => vec![1] };
        let z = resolve_columns(z, table.names())?;
        for &j in x.iter().chain(&y).chain(&z) {
            if j >= table.ncols() {
                bail!(
                    "{} has {} column(s); conditional MI needs X, Y and Z columns (choose them with --x, --y, --z)",
                    self.file.display(),
                    table.ncols()
                );
            }
        }
        for (a, b, what) in [(&x, &y, "X and Y"), (&x, &z, "X and Z"), (&y, &z, "Y and Z")] {
            if let Some(shared) = a.iter().find(|j| b.contains(j)) {
                bail!("column '{}' is selected for both {what}; choose disjoint columns", table.names()[*shared]);
            }
        }
        let (xs, ys, zs) = (table.select_numeric(&x)?, table.select_numeric(&y)?, table.select_numeric(&z)?);
        let names = [xs.names().to_vec(), ys.names().to_vec(), zs.names().to_vec()];
        ConditionalSamples::with_names(xs.data().clone(), ys.data().clone(), zs.data().clone(), names)
            .with_context(|| format!("in {}", self.file.display()))
    }
}

/// The X and Y columns of a file whose names are `X0..X{a}` then `Y0..Y{b}` (what `mutinf
/// generate` writes), when X or Y has several columns; `None` otherwise (then the default is
/// the first column against the second, which is the same split for one column each).
fn generated_split(names: &[String]) -> Option<(Vec<usize>, Vec<usize>)> {
    let dx = names.iter().take_while(|n| n.starts_with('X')).count();
    let dy = names.len() - dx;
    let numbered = |prefix: char, part: &[String]| part.iter().enumerate().all(|(i, n)| *n == format!("{prefix}{i}"));
    (dx >= 1 && dy >= 1 && dx + dy > 2 && numbered('X', &names[..dx]) && numbered('Y', &names[dx..]))
        .then(|| ((0..dx).collect(), (dx..dx + dy).collect()))
}
