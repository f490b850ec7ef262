//! Result tables: one value type rendered as Markdown (rounded, for reading) and CSV (full
//! precision, for tools).

use std::fmt::Write as _;

use serde::Serialize;

/// One table cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Text, as is.
    Text(String),
    /// An integer.
    Int(i64),
    /// A number shown with `decimals` decimals in Markdown, in full in CSV. NaN shows as "–" / "".
    Num {
        /// The value.
        value: f64,
        /// Decimals in Markdown.
        #[serde(skip)]
        decimals: usize,
    },
    /// A duration in seconds, shown with an adaptive unit (µs, ms, s) in Markdown.
    Seconds(f64),
}

impl Cell {
    /// A number with `decimals` decimals in Markdown.
    pub fn num(value: f64, decimals: usize) -> Self {
        Cell::Num { value, decimals }
    }

    /// The numeric value (for tests and plots), if the cell is a number.
    pub fn value(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::Num { value, .. } | Cell::Seconds(value) => Some(*value),
            Cell::Text(_) => None,
        }
    }

    /// Markdown rendering.
    pub fn markdown(&self) -> String {
        match self {
            Cell::Text(s) => s.replace('|', "\\|"),
            Cell::Int(i) => i.to_string(),
            Cell::Num { value, .. } if !value.is_finite() => "–".into(),
            Cell::Num { value, decimals } => {
                let s = format!("{value:.decimals$}");
                // "-0.000" reads as a sign error; show it as 0.
                if s.trim_start_matches('-').chars().all(|c| c == '0' || c == '.') { s.trim_start_matches('-').into() } else { s }
            }
            Cell::Seconds(s) if !s.is_finite() => "–".into(),
            Cell::Seconds(s) => format_seconds(*s),
        }
    }

    /// CSV rendering (full precision, quoted text where needed).
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(s) if s.contains([',', '"', '\n']) => format!("\"{}\"", s.replace('"', "\"\"")),
            Cell::Text(s) => s.clone(),
            Cell::Int(i) => i.to_string(),
            Cell::Num { value, .. } | Cell::Seconds(value) => {
                if value.is_finite() { format!("{value}") } else { String::new() }
            }
        }
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<usize> for Cell {
    fn from(i: usize) -> Self {
        Cell::Int(i as i64)
    }
}

/// Seconds with a readable unit: `812 µs`, `4.21 ms`, `1.53 s`.
pub fn format_seconds(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.0} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.2} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

/// A named table: header plus rows of cells.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Short name: the CSV file is `<suite>-<name>.csv`.
    pub name: String,
    /// One-line caption printed above the Markdown table.
    pub caption: String,
    /// Column names (also the CSV header).
    pub header: Vec<String>,
    /// Rows, each as long as the header.
    pub rows: Vec<Vec<Cell>>,
    /// Whether the table appears in the Markdown report (raw per-estimate tables only go to CSV).
    pub in_report: bool,
}

impl Table {
    /// An empty table shown in the report.
    pub fn new(name: &str, caption: impl Into<String>, header: &[&str]) -> Self {
        Self {
            name: name.into(),
            caption: caption.into(),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            in_report: true,
        }
    }

    /// An empty table written to CSV only.
    pub fn raw(name: &str, header: &[&str]) -> Self {
        Self { in_report: false, ..Self::new(name, "", header) }
    }

    /// Appends a row; panics when its length differs from the header's (a bug in a suite).
    pub fn push(&mut self, row: Vec<Cell>) {
        assert_eq!(row.len(), self.header.len(), "table {}: row length {} vs header {:?}", self.name, row.len(), self.header);
        self.rows.push(row);
    }

    /// The index of a column by name.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// GitHub-flavoured Markdown (caption in bold, then the table; numbers right-aligned).
    pub fn markdown(&self) -> String {
        let mut s = String::new();
        if !self.caption.is_empty() {
            let _ = writeln!(s, "**{}**\n", self.caption);
        }
        let numeric: Vec<bool> =
            (0..self.header.len()).map(|c| self.rows.iter().any(|r| !matches!(r[c], Cell::Text(_)))).collect();
        let _ = writeln!(s, "| {} |", self.header.iter().map(|h| h.replace('|', "\\|")).collect::<Vec<_>>().join(" | "));
        let _ = writeln!(s, "|{}|", numeric.iter().map(|&n| if n { "---:" } else { "---" }).collect::<Vec<_>>().join("|"));
        for row in &self.rows {
            let _ = writeln!(s, "| {} |", row.iter().map(Cell::markdown).collect::<Vec<_>>().join(" | "));
        }
        s
    }

    /// CSV with a header line.
    pub fn csv(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.header.iter().map(|h| Cell::Text(h.clone()).csv()).collect::<Vec<_>>().join(","));
        for row in &self.rows {
            let _ = writeln!(s, "{}", row.iter().map(Cell::csv).collect::<Vec<_>>().join(","));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_and_csv() {
        let mut t = Table::new("demo", "A demo", &["method", "mi", "time"]);
        t.push(vec!["ksg".into(), Cell::num(0.123456, 3), Cell::Seconds(0.00042)]);
        t.push(vec!["a,b".into(), Cell::num(f64::NAN, 3), Cell::Seconds(2.5)]);
        t.push(vec!["x|y".into(), Cell::num(-0.0001, 3), Cell::Seconds(0.0123)]);
        let md = t.markdown();
        assert!(md.starts_with("**A demo**\n\n| method | mi | time |\n|---|---:|---:|\n"), "{md}");
        assert!(md.contains("| ksg | 0.123 | 420 µs |"));
        assert!(md.contains("| a,b | – | 2.50 s |"));
        assert!(md.contains("| x\\|y | 0.000 | 12.30 ms |"));
        let csv = t.csv();
        assert_eq!(csv.lines().next(), Some("method,mi,time"));
        assert_eq!(csv.lines().nth(1), Some("ksg,0.123456,0.00042"));
        assert_eq!(csv.lines().nth(2), Some("\"a,b\",,2.5"));
        assert_eq!(t.column("time"), Some(2));
    }

    #[test]
    #[should_panic(expected = "row length")]
    fn ragged_rows_are_a_bug() {
        let mut t = Table::new("demo", "", &["a", "b"]);
        t.push(vec!["only one".into()]);
    }
}
