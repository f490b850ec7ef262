//! Reading and writing numeric tables: CSV (header optional) and NumPy `.npy` (2-D or 1-D).
//!
//! All readers return a [`Table`]: named columns of f64. Values are *not* checked for
//! finiteness here, so that [`crate::PairedSamples`] can report NaN/inf with the row and the
//! column name. A CSV column holding text is kept (by name, filled with NaN) but marked
//! non-numeric, so a stray `id` or `label` column does not stop the file from being read;
//! selecting such a column is the error, naming the first bad cell (see
//! [`Table::check_numeric`]). What the reader guessed (header or not, a skipped pandas index)
//! is recorded in [`Table::notes`], so a tool can tell the user.
//!
//! [`read_table`] picks the format by content: data starting with the NumPy magic bytes is
//! `.npy` whatever the file is called; `-` reads standard input.

mod csv;
mod npy;

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use ndarray::{Array2, Axis};

pub use csv::{CsvHeader, csv_text, read_csv, read_csv_str, split_fields, write_csv};
pub use npy::{read_npy, read_npy_bytes, write_npy};

use crate::{MutinfError, PairedSamples, Result, columns::resolve_columns};

/// The name errors use for data read from standard input (`-`).
pub const STDIN_ORIGIN: &str = "<stdin>";

/// A numeric table: N rows x d named columns, plus what reading it decided.
///
/// ```
/// use mutinf_core::io::Table;
/// use ndarray::array;
/// let table = Table::new(vec!["a".into(), "b".into()], array![[1.0, 2.0], [3.0, 4.0]]).unwrap();
/// assert_eq!(table.column_index("b"), Some(1));
/// assert!(table.notes().is_empty() && table.non_numeric().is_empty());
/// ```
#[derive(Debug, Clone)]
pub struct Table {
    names: Vec<String>,
    data: Array2<f64>,
    /// Sentences on what reading decided or skipped (header guess, dropped index column, ...).
    notes: Vec<String>,
    /// Text columns: (column index, where the first non-number is, e.g. "line 3: 'x'"),
    /// ascending by index. Their data is NaN.
    non_numeric: Vec<(usize, String)>,
    /// Where the table came from, for errors raised after reading (selecting a text column).
    origin: PathBuf,
}

/// Tables are equal when they hold the same names, values and non-numeric columns; the notes
/// and the origin describe how a table was read, not what it holds, so a table written with
/// [`write_csv`] equals the one read back.
impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.names == other.names && self.data == other.data && self.non_numeric == other.non_numeric
    }
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
        Ok(Self::from_parts(names, data))
    }

    /// A table whose columns are named by position: `0`, `1`, ... (as for headerless files).
    pub fn unnamed(data: Array2<f64>) -> Self {
        let names = (0..data.ncols()).map(|j| j.to_string()).collect();
        Self::from_parts(names, data)
    }

    /// Names and data already checked to agree; no notes, all columns numeric.
    fn from_parts(names: Vec<String>, data: Array2<f64>) -> Self {
        Self { names, data, notes: Vec::new(), non_numeric: Vec::new(), origin: PathBuf::from("<table>") }
    }

    /// Column names.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The values, N x d. Non-numeric columns (see [`Table::non_numeric`]) are NaN.
    pub fn data(&self) -> &Array2<f64> {
        &self.data
    }

    /// Number of rows.
    pub fn nrows(&self) -> usize {
        self.data.nrows()
    }

    /// Number of columns, non-numeric ones included.
    pub fn ncols(&self) -> usize {
        self.data.ncols()
    }

    /// Index of the column with this name.
    pub fn column_index(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// What reading decided or skipped, one sentence each, for the user to see: whether the
    /// first row was taken as a header (when guessed), a dropped pandas index column, text
    /// columns, a file read as `.npy` because of its content. Empty for tables built in code.
    ///
    /// ```
    /// use mutinf_core::io::read_csv_str;
    /// # fn main() -> mutinf_core::Result<()> {
    /// let table = read_csv_str("2019,2020\n1,2\n3,4\n")?;
    /// assert!(table.notes()[0].starts_with("no header"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn notes(&self) -> &[String] {
        &self.notes
    }

    /// The columns that hold text, as (column index, where the first non-number is, e.g.
    /// `"line 3: 'x'"`), ascending by index. Their values in [`Table::data`] are NaN; selecting
    /// them through [`Table::paired`], [`Table::paired_indices`] or [`Table::select_numeric`]
    /// is an error.
    ///
    /// ```
    /// use mutinf_core::io::read_csv_str;
    /// # fn main() -> mutinf_core::Result<()> {
    /// let table = read_csv_str("id,a,b\nx1,1,2\nx2,2,1\nx3,3,5\n")?;
    /// assert_eq!(table.non_numeric(), &[(0, "line 2: 'x1'".to_string())]);
    /// assert_eq!(table.numeric_columns(), vec![1, 2]);
    /// assert!(table.paired("a", "b").is_ok());
    /// let err = table.paired("id", "b").unwrap_err().to_string();
    /// assert!(err.contains("column 'id' is not numeric (line 2: 'x1')"), "{err}");
    /// # Ok(())
    /// # }
    /// ```
    pub fn non_numeric(&self) -> &[(usize, String)] {
        &self.non_numeric
    }

    /// Indices of the columns that hold numbers (NaN/inf cells count as numbers: validation
    /// reports them later with their row), ascending.
    pub fn numeric_columns(&self) -> Vec<usize> {
        (0..self.ncols()).filter(|j| !self.is_text(*j)).collect()
    }

    fn is_text(&self, j: usize) -> bool {
        self.non_numeric.binary_search_by_key(&j, |(k, _)| *k).is_ok()
    }

    /// Checks that these columns exist and hold numbers; the error names the first column that
    /// does not, and its first bad cell. Call it before using [`Table::select`]ed data.
    ///
    /// ```
    /// use mutinf_core::io::read_csv_str;
    /// # fn main() -> mutinf_core::Result<()> {
    /// let table = read_csv_str("a,label\n1,cat\n2,dog\n")?;
    /// assert!(table.check_numeric(&[0]).is_ok());
    /// assert!(table.check_numeric(&[0, 1]).is_err());
    /// assert!(table.check_numeric(&[2]).is_err()); // out of range
    /// # Ok(())
    /// # }
    /// ```
    pub fn check_numeric(&self, columns: &[usize]) -> Result<()> {
        for &j in columns {
            if j >= self.ncols() {
                return Err(MutinfError::ColumnOutOfRange { index: j, count: self.ncols() });
            }
            if let Ok(k) = self.non_numeric.binary_search_by_key(&j, |(k, _)| *k) {
                let numeric: Vec<&str> = self.numeric_columns().iter().map(|&j| self.names[j].as_str()).collect();
                let hint = if numeric.is_empty() {
                    "no column of this file holds numbers".to_string()
                } else {
                    format!("the numeric columns are: {}", preview(&numeric))
                };
                return Err(MutinfError::Format {
                    path: self.origin.clone(),
                    reason: format!(
                        "column '{}' is not numeric ({}); select numeric columns with --x/--y ({hint}), \
                         or fix that value (missing values are not allowed)",
                        self.names[j], self.non_numeric[k].1
                    ),
                });
            }
        }
        Ok(())
    }

    /// The given columns, in that order, as a new table (notes kept, text columns still
    /// marked). It does not check for text columns; use [`Table::select_numeric`] when the
    /// values will be used.
    ///
    /// # Panics
    /// If an index is out of range (as indexing does); indices from
    /// [`crate::columns::resolve_columns`] are always in range.
    pub fn select(&self, columns: &[usize]) -> Table {
        let non_numeric = columns
            .iter()
            .enumerate()
            .filter_map(|(new, &j)| {
                self.non_numeric.binary_search_by_key(&j, |(k, _)| *k).ok().map(|k| (new, self.non_numeric[k].1.clone()))
            })
            .collect();
        Table {
            names: columns.iter().map(|&j| self.names[j].clone()).collect(),
            data: self.data.select(Axis(1), columns),
            notes: self.notes.clone(),
            non_numeric,
            origin: self.origin.clone(),
        }
    }

    /// [`Table::select`] after [`Table::check_numeric`]: the columns as a new table, or an
    /// error naming an out-of-range or text column.
    ///
    /// ```
    /// use mutinf_core::io::read_csv_str;
    /// # fn main() -> mutinf_core::Result<()> {
    /// let table = read_csv_str("name,a,b\nx,1,2\ny,3,4\n")?;
    /// let numeric = table.select_numeric(&table.numeric_columns())?;
    /// assert_eq!(numeric.names(), &["a", "b"]);
    /// assert!(table.select_numeric(&[0]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn select_numeric(&self, columns: &[usize]) -> Result<Table> {
        self.check_numeric(columns)?;
        Ok(self.select(columns))
    }

    /// Paired samples from two column selections (see [`crate::columns`] for the syntax),
    /// validated: text columns, non-finite values and constant columns are errors naming the
    /// column.
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

    /// Paired samples from explicit column indices; out-of-range and text columns are errors.
    pub fn paired_indices(&self, x: &[usize], y: &[usize]) -> Result<PairedSamples> {
        self.check_numeric(x)?;
        self.check_numeric(y)?;
        let xs = self.select(x);
        let ys = self.select(y);
        PairedSamples::with_names(xs.data, ys.data, xs.names, ys.names)
    }
}

/// Column names for an error message, shortened for very wide files.
fn preview(names: &[&str]) -> String {
    const SHOWN: usize = 12;
    if names.len() <= SHOWN {
        names.join(", ")
    } else {
        format!("{}, ... ({} in all)", names[..SHOWN].join(", "), names.len())
    }
}

/// Whether the first line of a CSV is a header.
///
/// `Auto` guesses: the first line is a header when any of its fields is not a number. That
/// guess is wrong for a header of numbers (years, sensor ids), hence `Yes`; and `No` reads a
/// first line with text in it as data.
///
/// ```
/// use mutinf_core::io::HeaderMode;
/// assert_eq!("yes".parse::<HeaderMode>().unwrap(), HeaderMode::Yes);
/// assert_eq!(HeaderMode::default(), HeaderMode::Auto);
/// assert_eq!(HeaderMode::No.to_string(), "no");
/// assert!("maybe".parse::<HeaderMode>().is_err());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum HeaderMode {
    /// Guess from the first line, and say so in [`Table::notes`].
    #[default]
    Auto,
    /// The first line is the header, even if it is all numbers.
    Yes,
    /// There is no header: the first line is data; columns are named `0`, `1`, ...
    No,
}

impl FromStr for HeaderMode {
    type Err = MutinfError;

    /// `auto`, `yes`/`true`/`y`/`1`, `no`/`false`/`n`/`0` (any case), as a CLI flag takes them.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(Self::Auto),
            "yes" | "y" | "true" | "1" => Ok(Self::Yes),
            "no" | "n" | "false" | "0" => Ok(Self::No),
            _ => Err(MutinfError::invalid("header mode", format!("'{s}'"), "use yes, no or auto")),
        }
    }
}

impl fmt::Display for HeaderMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Auto => "auto",
            Self::Yes => "yes",
            Self::No => "no",
        })
    }
}

/// How to read a table; `ReadOptions::default()` is what [`read_table`] does.
///
/// ```
/// use mutinf_core::io::{HeaderMode, ReadOptions};
/// let options = ReadOptions::default().with_header(HeaderMode::Yes);
/// assert_eq!(options.header, HeaderMode::Yes);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// Whether a CSV's first line is a header (ignored for `.npy`).
    pub header: HeaderMode,
}

impl ReadOptions {
    /// These options with the given header mode.
    pub fn with_header(mut self, header: HeaderMode) -> Self {
        self.header = header;
        self
    }
}

/// Reads a table with the default options (header guessed): see [`read_table_with`].
pub fn read_table(path: impl AsRef<Path>) -> Result<Table> {
    read_table_with(path, &ReadOptions::default())
}

/// Reads a table from a file, or from standard input when `path` is `-`.
///
/// The format is taken from the content, not the name: data starting with the NumPy magic
/// bytes `\x93NUMPY` is read as `.npy`, a file named `*.npy` without them is a `.npy` error
/// (so a damaged array is not reported as bad CSV), anything else is CSV (UTF-8).
///
/// ```
/// use mutinf_core::io::{read_table_with, write_npy, HeaderMode, ReadOptions};
/// use ndarray::array;
/// # fn main() -> mutinf_core::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let npy = dir.path().join("array.bin");
/// write_npy(&npy, &array![[1.0, 2.0], [3.0, 4.0]])?;
/// assert_eq!(read_table_with(&npy, &ReadOptions::default())?.nrows(), 2);
///
/// let csv = dir.path().join("years.csv");
/// std::fs::write(&csv, "2019,2020\n1,2\n3,4\n").unwrap();
/// let table = read_table_with(&csv, &ReadOptions::default().with_header(HeaderMode::Yes))?;
/// assert_eq!(table.names(), &["2019", "2020"]);
/// # Ok(())
/// # }
/// ```
pub fn read_table_with(path: impl AsRef<Path>, options: &ReadOptions) -> Result<Table> {
    let path = path.as_ref();
    if path.as_os_str() == "-" {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes).map_err(|e| MutinfError::io(STDIN_ORIGIN, e))?;
        return read_table_from_bytes(&bytes, STDIN_ORIGIN, options);
    }
    let bytes = std::fs::read(path).map_err(|e| MutinfError::io(path, e))?;
    if has_npy_extension(path) && !bytes.starts_with(npy::MAGIC) {
        return read_npy_bytes(&bytes).map_err(|reason| MutinfError::Format { path: path.to_path_buf(), reason });
    }
    read_table_from_bytes(&bytes, &path.to_string_lossy(), options)
}

/// Reads a table from the bytes of a file: `.npy` when they start with the NumPy magic bytes,
/// else CSV (UTF-8, a leading BOM is ignored). `origin` names the source in errors and notes
/// (a path, or [`STDIN_ORIGIN`]). This is what [`read_table_with`] does after reading the
/// file or standard input, so it can be tested, and used on data from elsewhere.
///
/// ```
/// use mutinf_core::io::{read_table_from_bytes, ReadOptions};
/// # fn main() -> mutinf_core::Result<()> {
/// let table = read_table_from_bytes(b",a,b\n0,1.5,2\n1,3,4\n2,5,7\n", "<stdin>", &ReadOptions::default())?;
/// assert_eq!(table.names(), &["a", "b"]); // the pandas index column was dropped
/// assert!(table.notes().iter().any(|n| n.contains("pandas index")));
/// # Ok(())
/// # }
/// ```
pub fn read_table_from_bytes(bytes: &[u8], origin: &str, options: &ReadOptions) -> Result<Table> {
    let path = Path::new(origin);
    if bytes.starts_with(npy::MAGIC) {
        let mut table = read_npy_bytes(bytes).map_err(|reason| MutinfError::Format { path: path.to_path_buf(), reason })?;
        table.origin = path.to_path_buf();
        if !has_npy_extension(path) {
            table.notes.push("read as NumPy .npy: the data starts with the .npy magic bytes".into());
        }
        return Ok(table);
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err(MutinfError::Format {
                path: path.to_path_buf(),
                reason: format!(
                    "not UTF-8 text (invalid byte at offset {}) and not a NumPy .npy file; \
                     save the data as UTF-8 CSV or with numpy.save",
                    e.valid_up_to()
                ),
            });
        }
    };
    csv::parse_csv(text, path, options)
}

fn has_npy_extension(path: &Path) -> bool {
    path.extension().is_some_and(|e| e.eq_ignore_ascii_case("npy"))
}
