//! Reading and writing numeric tables: CSV (header optional) and NumPy `.npy` (2-D or 1-D).
//!
//! Both readers return a [`Table`]: named columns of f64. Values are *not* checked for
//! finiteness here, so that [`crate::PairedSamples`] can report NaN/inf with the row and the
//! column name; parse errors (text that is not a number) are reported with the line.

mod csv;
mod npy;

use std::path::Path;

use ndarray::{Array2, Axis};

pub use csv::{CsvHeader, read_csv, read_csv_str, split_fields, write_csv};
pub use npy::{read_npy, read_npy_bytes, write_npy};

use crate::{MutinfError, PairedSamples, Result, columns::resolve_columns};

/// A numeric table: N rows x d named columns.
///
/// ```
/// use mutinf_core::io::Table;
/// use ndarray::array;
/// let table = Table::new(vec!["a".into(), "b".into()], array![[1.0, 2.0], [3.0, 4.0]]).unwrap();
/// assert_eq!(table.column_index("b"), Some(1));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    names: Vec<String>,
    data: Array2<f64>,
}

impl Table {
    /// A table from column names and an N x d array; one name per column.
    pub fn new(names: Vec<String>, data: Array2<f64>) -> Result<Self> {
        if names.len() != data.ncols() {
            return Err(MutinfError::invalid(
                "column names",
                names.len(),
                format!("the data has {} columns; give one name per column", data.ncols()),
            ));
        }
        Ok(Self { names, data })
    }

    /// A table whose columns are named by position: `0`, `1`, ... (as for headerless files).
    pub fn unnamed(data: Array2<f64>) -> Self {
        let names = (0..data.ncols()).map(|j| j.to_string()).collect();
        Self { names, data }
    }

    /// Column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values, N x d.
    pub fn data(&self) -> &Array2<f64> {
        &self.data
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.data.nrows()
    }

    /// Number of columns.
    pub fn ncols(&self) -> usize {
        self.data.ncols()
    }

    /// Index of the column with this name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// The given columns, in that order, as a new table.
    pub fn select(&self, columns: &[usize]) -> Table {
        Table {
            names: columns.iter().map(|&j| self.names[j].clone()).collect(),
            data: self.data.select(Axis(1), columns),
        }
    }

    /// Paired samples from two column selections (see [`crate::columns`] for the syntax),
    /// validated: non-finite values and constant columns are errors naming the column.
    ///
    /// ```
    /// use mutinf_core::io::read_csv_str;
    /// # fn main() -> mutinf_core::Result<()> {
    /// let table = read_csv_str("a,b,c\n1,2,3\n2,1,5\n3,4,4\n")?;
    /// let data = table.paired("a", "b..c")?;
    /// assert_eq!((data.dx(), data.dy()), (1, 2));
    /// # Ok(())
    /// # }
    /// ```
    pub fn paired(&self, x_columns: &str, y_columns: &str) -> Result<PairedSamples> {
        let x = resolve_columns(x_columns, &self.names)?;
        let y = resolve_columns(y_columns, &self.names)?;
        self.paired_indices(&x, &y)
    }

    /// Paired samples from explicit column indices.
    pub fn paired_indices(&self, x: &[usize], y: &[usize]) -> Result<PairedSamples> {
        for &j in x.iter().chain(y) {
            if j >= self.ncols() {
                return Err(MutinfError::ColumnOutOfRange { index: j, count: self.ncols() });
            }
        }
        let xs = self.select(x);
        let ys = self.select(y);
        PairedSamples::with_names(xs.data, ys.data, xs.names, ys.names)
    }
}

/// Reads a table from a `.npy` file (by extension) or a CSV file (anything else).
pub fn read_table(path: impl AsRef<Path>) -> Result<Table> {
    let path = path.as_ref();
    let is_npy = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy"));
    if is_npy { read_npy(path) } else { read_csv(path) }
}
