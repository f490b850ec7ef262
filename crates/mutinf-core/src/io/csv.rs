//! A small, strict CSV reader for numeric tables.
//!
//! Why not a general CSV crate: numeric MI input needs only a few rules, and we want errors
//! that name the line and column. Rules: the delimiter is `,` (or tab / `;` if the first line
//! has no comma); the first line is a header if any of its fields is not a number (or as
//! [`HeaderMode`] says); blank lines and lines starting with `#` are skipped; surrounding
//! whitespace and double quotes are trimmed; every row must have as many fields as the first.
//! A column with a cell that is not a number is kept but marked non-numeric (see
//! [`Table::non_numeric`]); a file with no numeric column at all is an error.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use ndarray::Array2;

use super::{HeaderMode, ReadOptions, Table};
use crate::{MutinfError, Result};

/// Reads a CSV file into a [`Table`], guessing the header (see [`super::read_table_with`] for
/// other options and for `.npy`).
pub fn read_csv(path: impl AsRef<Path>) -> Result<Table> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| MutinfError::io(path, e))?;
    parse_csv(&text, path, &ReadOptions::default())
}

/// Parses CSV text (same rules as [`read_csv`]); errors name the source as `<string>`.
///
/// ```
/// use mutinf_core::io::read_csv_str;
/// # fn main() -> mutinf_core::Result<()> {
/// let with_header = read_csv_str("x,y\n1,2\n3,4\n")?;
/// assert_eq!(with_header.names(), &["x", "y"]);
/// let without = read_csv_str("1,2\n3,4\n")?;
/// assert_eq!(without.names(), &["0", "1"]);
/// assert_eq!(without.data()[[1, 0]], 3.0);
/// # Ok(())
/// # }
/// ```
pub fn read_csv_str(text: &str) -> Result<Table> {
    parse_csv(text, Path::new("<string>"), &ReadOptions::default())
}

/// The CSV reader behind every public entry point; `path` names the source in errors.
pub(super) fn parse_csv(text: &str, path: &Path, options: &ReadOptions) -> Result<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));

    let format_err = |reason: &str| MutinfError::Format { path: path.to_path_buf(), reason: reason.to_owned() };
    let (first_line_no, first_line) = lines.next().ok_or_else(|| format_err("the file has no data; expected a CSV with one column per variable"))?;
    let CsvHeader { delimiter, names, is_header } = CsvHeader::detect_with(first_line, options.header);
    let ncols = names.len();
    let mut notes = Vec::new();
    if options.header == HeaderMode::Auto {
        notes.push(if is_header {
            // Prefer a named field: a pandas header starts with an empty one.
            let text = split_fields(first_line, delimiter)
                .find(|f| !f.is_empty() && parse_number(f).is_none())
                .unwrap_or_default();
            format!("header: the first row has the non-numeric field '{text}' and was read as column names; pass --header no if it is data")
        } else {
            "no header: the first row is numeric and was read as data; pass --header yes if it is a header".to_owned()
        });
    }

    let mut values = Vec::new();
    let mut nrows = 0;
    // Per column, the first cell that is not a number: (line, text).
    let mut first_bad: Vec<Option<(usize, String)>> = vec![None; ncols];
    let mut push_row = |line_no: usize, line: &str| -> Result<()> {
        let found = split_fields(line, delimiter).count();
        if found != ncols {
            return Err(ragged(path, line_no, ncols, found));
        }
        for (j, field) in split_fields(line, delimiter).enumerate() {
            let value = parse_number(field).unwrap_or_else(|| {
                first_bad[j].get_or_insert_with(|| (line_no, field.to_owned()));
                f64::NAN
            });
            values.push(value);
        }
        nrows += 1;
        Ok(())
    };
    if !is_header {
        push_row(first_line_no, first_line)?;
    }
    for (line_no, line) in lines {
        push_row(line_no, line)?;
    }
    if nrows == 0 {
        return Err(format_err("the file has a header but no data rows"));
    }

    // A pandas `df.to_csv()` index: an unnamed first column holding exactly 0..N-1. It is row
    // numbering, not a variable, and would otherwise be picked as the default X column.
    let is_index = options.header == HeaderMode::Auto
        && is_header
        && ncols >= 2
        && names[0].is_empty()
        && first_bad[0].is_none()
        && (0..nrows).all(|i| values[i * ncols] == i as f64);
    let (mut names, values, mut first_bad, ncols) = if is_index {
        notes.push(format!("skipped the leading unnamed column (a pandas index 0..{})", nrows - 1));
        let values = values.iter().enumerate().filter(|(k, _)| k % ncols != 0).map(|(_, v)| *v).collect();
        (names[1..].to_vec(), values, first_bad[1..].to_vec(), ncols - 1)
    } else {
        (names, values, first_bad, ncols)
    };

    if first_bad.iter().all(Option::is_some) {
        // Nothing to estimate from: report the first bad cell as before text columns existed.
        let (line, text) = first_bad.swap_remove(0).expect("every column has a bad cell");
        return Err(MutinfError::Parse { path: path.to_path_buf(), line, column: names.swap_remove(0), text });
    }

    let non_numeric: Vec<(usize, String)> =
        first_bad.into_iter().enumerate().filter_map(|(j, bad)| bad.map(|(line, text)| (j, format!("line {line}: '{text}'")))).collect();
    for (j, at) in &non_numeric {
        notes.push(format!("column '{}' is not numeric ({at}); it was kept, but cannot be selected for estimation", names[*j]));
    }
    let data = Array2::from_shape_vec((nrows, ncols), values).expect("every row has ncols values");
    Ok(Table { names, data, notes, non_numeric, origin: path.to_path_buf() })
}

fn ragged(path: &Path, line: usize, expected: usize, found: usize) -> MutinfError {
    MutinfError::RaggedRow { path: PathBuf::from(path), line, expected, found }
}

/// How a CSV reads, from its first non-empty, non-comment line: the delimiter (the first of
/// `,`, tab, `;` the line contains; `,` otherwise) and the column names: the line's fields when
/// any of them is not a number (a header line), else `0, 1, …` (no header: the line is data).
/// The file reader and `mutinf stream` both use it, so a stream reads like a file.
///
/// ```
/// use mutinf_core::io::CsvHeader;
/// let h = CsvHeader::detect("time;load");
/// assert_eq!((h.delimiter, h.is_header, h.names.clone()), (';', true, vec!["time".to_string(), "load".to_string()]));
/// assert!(!CsvHeader::detect("1.5\t2").is_header);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvHeader {
    /// The field delimiter.
    pub delimiter: char,
    /// One name per column.
    pub names: Vec<String>,
    /// Whether the first line is a header (else it is the first data row).
    pub is_header: bool,
}

impl CsvHeader {
    /// Reads the layout off the first line, guessing whether it is a header.
    pub fn detect(first_line: &str) -> Self {
        Self::detect_with(first_line, HeaderMode::Auto)
    }

    /// Reads the layout off the first line; `mode` says whether it is a header (`Auto`: it is
    /// when any field is not a number, as [`CsvHeader::detect`]).
    ///
    /// ```
    /// use mutinf_core::io::{CsvHeader, HeaderMode};
    /// let h = CsvHeader::detect_with("2019,2020", HeaderMode::Yes);
    /// assert!(h.is_header);
    /// assert_eq!(h.names, ["2019", "2020"]);
    /// assert_eq!(CsvHeader::detect_with("a,b", HeaderMode::No).names, ["0", "1"]);
    /// ```
    pub fn detect_with(first_line: &str, mode: HeaderMode) -> Self {
        let delimiter = [',', '\t', ';'].into_iter().find(|&d| first_line.contains(d)).unwrap_or(',');
        let fields: Vec<&str> = split_fields(first_line, delimiter).collect();
        let is_header = match mode {
            HeaderMode::Auto => fields.iter().any(|f| parse_number(f).is_none()),
            HeaderMode::Yes => true,
            HeaderMode::No => false,
        };
        let names =
            if is_header { fields.iter().map(|f| f.to_string()).collect() } else { (0..fields.len()).map(|j| j.to_string()).collect() };
        Self { delimiter, names, is_header }
    }
}

/// The fields of one CSV line: split at `delimiter`, each trimmed of spaces and quotes.
///
/// ```
/// let fields: Vec<&str> = mutinf_core::io::split_fields(" 1, \"b\" ,3", ',').collect();
/// assert_eq!(fields, ["1", "b", "3"]);
/// ```
pub fn split_fields(line: &str, delimiter: char) -> impl Iterator<Item = &str> {
    line.split(delimiter).map(|f| f.trim().trim_matches('"').trim())
}

/// Numbers as Rust reads them, which includes `NaN`, `inf` and `-inf`: those parse here
/// and are rejected later by validation with their row and column.
fn parse_number(field: &str) -> Option<f64> {
    field.parse::<f64>().ok()
}

/// Writes a table as CSV with a header line; values use Rust's shortest round-trip format,
/// so reading the file back gives bit-identical numbers.
///
/// ```
/// use mutinf_core::io::{read_csv, write_csv, Table};
/// use ndarray::array;
/// # fn main() -> mutinf_core::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("t.csv");
/// let table = Table::new(vec!["X0".into(), "Y0".into()], array![[0.1, -2.5e-12], [3.0, 1e300]])?;
/// write_csv(&path, &table)?;
/// assert_eq!(read_csv(&path)?, table);
/// # Ok(())
/// # }
/// ```
pub fn write_csv(path: impl AsRef<Path>, table: &Table) -> Result<()> {
    let path = path.as_ref();
    std::fs::write(path, csv_text(table)).map_err(|e| MutinfError::io(path, e))
}

/// The CSV text [`write_csv`] writes: a header of names, then one line per row (for writing to
/// standard output or anywhere else that is not a file path).
///
/// ```
/// use mutinf_core::io::{Table, csv_text};
/// let t = Table::new(vec!["a".into(), "b".into()], ndarray::array![[1.0, 0.5]]).unwrap();
/// assert_eq!(csv_text(&t), "a,b\n1,0.5\n");
/// ```
pub fn csv_text(table: &Table) -> String {
    let mut out = String::with_capacity(table.nrows() * table.ncols() * 20);
    out.push_str(&table.names().join(","));
    out.push('\n');
    for row in table.data().rows() {
        for (j, v) in row.iter().enumerate() {
            if j > 0 {
                out.push(',');
            }
            write_value(&mut out, *v);
        }
        out.push('\n');
    }
    out
}

/// Integral values (counts, indices, labels) as integers, everything else in the shortest form
/// that reads back to the same f64 (`{:?}`); both parse back exactly.
fn write_value(out: &mut String, v: f64) {
    // Below 2^53 every integral f64 is an exact i64; -0.0 keeps its sign through `{:?}`.
    let integral = v.fract() == 0.0 && v.abs() < 9_007_199_254_740_992.0 && !(v == 0.0 && v.is_sign_negative());
    if integral {
        write!(out, "{}", v as i64).expect("writing to a String cannot fail");
    } else {
        write!(out, "{v:?}").expect("writing to a String cannot fail");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_values_read_back_exactly_and_integers_print_as_integers() {
        let values = [0.0, -0.0, 1.0, -3.0, 2.5, 1e-300, 0.1 + 0.2, 9_007_199_254_740_992.0, 1e300, f64::MIN_POSITIVE];
        let mut text = String::new();
        for v in values {
            write_value(&mut text, v);
            text.push(' ');
        }
        assert!(text.starts_with("0 -0.0 1 -3 2.5 "), "{text}");
        for (word, v) in text.split_whitespace().zip(values) {
            let back: f64 = word.parse().unwrap();
            assert_eq!(back.to_bits(), v.to_bits(), "{word}");
        }
    }

    fn parse(text: &str) -> Result<Table> {
        read_csv_str(text)
    }

    #[test]
    fn header_detection_and_delimiters() {
        let t = parse("# comment\n\na;b\n1;2\n\n3;4\n").unwrap();
        assert_eq!(t.names(), &["a", "b"]);
        assert_eq!(t.nrows(), 2);
        let t = parse("1\t2\n3\t4\n").unwrap();
        assert_eq!(t.names(), &["0", "1"]);
        let t = parse("\"x\", \"y\"\n 1 , 2 \n").unwrap();
        assert_eq!(t.names(), &["x", "y"]);
        assert_eq!(t.data()[[0, 1]], 2.0);
    }

    #[test]
    fn ragged_rows_name_the_line() {
        let err = parse("a,b\n1,2\n3\n").unwrap_err();
        assert!(matches!(err, MutinfError::RaggedRow { line: 3, expected: 2, found: 1, .. }), "{err:?}");
        let err = parse("a,b\n1,2,5\n").unwrap_err();
        assert!(matches!(err, MutinfError::RaggedRow { line: 2, expected: 2, found: 3, .. }), "{err:?}");
    }

    #[test]
    fn unparsable_and_missing_fields_name_line_and_column() {
        // A text cell no longer stops reading: the column is marked, and selecting it fails.
        let t = parse("a,b\n1,2\n3,oops\n").unwrap();
        assert_eq!(t.non_numeric(), &[(1, "line 3: 'oops'".to_string())]);
        let err = t.paired("a", "b").unwrap_err().to_string();
        assert!(err.contains("column 'b' is not numeric (line 3: 'oops')"), "{err}");
        let t = parse("a,b\n1,\n2,3\n").unwrap();
        assert_eq!(t.non_numeric(), &[(1, "line 2: ''".to_string())]);
        // With no numeric column at all there is nothing to keep: the first bad cell is the error.
        let err = parse("a\n1\noops\n").unwrap_err();
        assert!(matches!(err, MutinfError::Parse { line: 3, ref column, ref text, .. } if column == "a" && text == "oops"), "{err:?}");
    }

    #[test]
    fn empty_inputs_are_format_errors() {
        assert!(matches!(parse(""), Err(MutinfError::Format { .. })));
        assert!(matches!(parse("a,b\n"), Err(MutinfError::Format { .. })));
    }

    #[test]
    fn nan_parses_so_validation_can_locate_it() {
        let t = parse("a,b\n1,2\nnan,3\n4,5\n").unwrap();
        let err = t.paired("a", "b").unwrap_err();
        assert!(matches!(err, MutinfError::NonFinite { row: 1, ref column, .. } if column == "a"));
    }
}
