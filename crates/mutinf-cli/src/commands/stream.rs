//! `mutinf stream`: sliding-window MI over CSV rows read as they arrive (stdin or a file), one
//! line per completed window, flushed at once; memory bounded by the window.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::Args;
use mutinf_core::Estimator;
use mutinf_core::columns::resolve_columns;
use mutinf_core::io::{CsvHeader, split_fields};
use mutinf_estimators::time_series::{StreamingMi, WindowEstimate};
use serde_json::json;

use super::estimate::text_line;
use super::methods::{MethodArgs, build_estimator};
use super::te::TextOrJson;
use crate::output::{print_json, print_text};

/// Arguments of `mutinf stream`.
#[derive(Debug, Args)]
#[command(after_help = "Input: CSV lines (`,`, tab or `;` separated, as in `estimate`). The first line is a header \
if any field is not a number; without one, columns are named 0, 1, ... Blank lines and lines starting with \
`#` are skipped. Only the selected columns must be numbers (others, e.g. timestamps, may be text).\n\n\
Bad rows (a field that is not a number, NaN/inf, too few fields) stop the stream with an error naming the \
line (exit 2), since skipping a row silently shifts every later window; --skip-bad-rows instead warns on \
stderr and skips the row (it then does not count toward windows).\n\n\
Example: tail -f log.csv | mutinf stream --window 500 --step 100 --x load --y latency --method ksg")]
pub struct StreamArgs {
    /// Input file, or `-` (the default) for stdin.
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Rows per window W (memory is bounded by W rows).
    #[arg(long)]
    pub window: usize,
    /// Rows between window starts S: a window ends at every S-th row once W rows have come.
    /// Default: W (windows side by side).
    #[arg(long)]
    pub step: Option<usize>,
    /// Columns of X (names or 0-based indices, lists and ranges). Default: the first column.
    #[arg(long)]
    pub x: Option<String>,
    /// Columns of Y, same syntax. Default: the second column.
    #[arg(long)]
    pub y: Option<String>,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Seed for stochastic methods.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Skip bad rows with a warning on stderr instead of stopping (see below).
    #[arg(long)]
    pub skip_bad_rows: bool,
    /// Output format: a text line per window, or a JSON object per line (JSON lines).
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

/// Runs `mutinf stream`.
pub fn run(args: StreamArgs) -> anyhow::Result<()> {
    let step = args.step.unwrap_or(args.window);
    let estimator = build_estimator(&args.method, args.seed, false)?;
    let source = if args.file.as_os_str() == "-" { "stdin".to_string() } else { args.file.display().to_string() };
    let reader: Box<dyn BufRead> = if args.file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(&args.file).with_context(|| format!("opening {source}"))?))
    };
    let mut stream: Option<Stream> = None;
    let mut delimiter = ',';
    for (i, line) in reader.lines().enumerate() {
        let line_no = i + 1;
        let line = line.with_context(|| format!("reading {source}, line {line_no}"))?;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if stream.is_none() {
            let header = CsvHeader::detect(line);
            delimiter = header.delimiter;
            let is_header = header.is_header;
            stream = Some(Stream::new(&args, header.names, estimator.as_ref(), step)?);
            if is_header {
                continue;
            }
        }
        let s = stream.as_mut().expect("set above");
        let fields: Vec<&str> = split_fields(line, delimiter).collect();
        match s.push(&fields, line_no, &source) {
            Ok(Some(window)) => emit(&window, s, args.format)?,
            Ok(None) => {}
            Err(e) if args.skip_bad_rows && s.rejected_row => eprintln!("warning: skipped: {e:#}"),
            Err(e) => return Err(e),
        }
    }
    let Some(s) = stream else { bail!("{source} has no data; expected CSV rows (a header line is optional)") };
    let rows = s.streaming.rows();
    s.streaming.finish().with_context(|| format!("{source} ended after {rows} rows"))?;
    Ok(())
}

/// The streaming estimator plus what it takes to read rows and name them.
struct Stream<'a> {
    streaming: StreamingMi<&'a dyn Estimator>,
    names: Vec<String>,
    x: Vec<usize>,
    y: Vec<usize>,
    width: usize,
    /// Line numbers of the rows held (the last W accepted rows), to name a window's lines.
    lines: VecDeque<usize>,
    window: usize,
    /// Whether the last error rejected the row (as opposed to failing a window's estimate).
    rejected_row: bool,
}

impl<'a> Stream<'a> {
    fn new(args: &StreamArgs, names: Vec<String>, estimator: &'a dyn Estimator, step: usize) -> anyhow::Result<Self> {
        if (args.x.is_none() || args.y.is_none()) && names.len() < 2 {
            bail!("the stream has {} column(s); MI needs two: choose X and Y with --x/--y", names.len());
        }
        let x = match &args.x { Some(spec) => resolve_columns(spec, &names)?, None => vec![0] };
        let y = match &args.y { Some(spec) => resolve_columns(spec, &names)?, None => vec![1] };
        if let Some(shared) = x.iter().find(|j| y.contains(j)) {
            bail!("column '{}' is selected for both X and Y; choose disjoint columns", names[*shared]);
        }
        let block_names = |cols: &[usize]| cols.iter().map(|&j| names[j].clone()).collect::<Vec<_>>();
        let streaming = StreamingMi::with_names(estimator, (block_names(&x), block_names(&y)), args.window, step)?;
        let width = names.len();
        Ok(Self { streaming, names, x, y, width, lines: VecDeque::with_capacity(args.window), window: args.window, rejected_row: false })
    }

    /// Parses the selected fields of one row and pushes it.
    fn push(&mut self, fields: &[&str], line_no: usize, source: &str) -> anyhow::Result<Option<WindowEstimate>> {
        self.rejected_row = true;
        if fields.len() != self.width {
            bail!("{source}, line {line_no}: expected {} fields like the first line, found {}; every row needs one value per column", self.width, fields.len());
        }
        let parse = |cols: &[usize]| -> anyhow::Result<Vec<f64>> {
            cols.iter()
                .map(|&j| {
                    fields[j].parse::<f64>().map_err(|_| {
                        anyhow::anyhow!("{source}, line {line_no}, column '{}': cannot read '{}' as a number", self.names[j], fields[j])
                    })
                })
                .collect()
        };
        let (x, y) = (parse(&self.x)?, parse(&self.y)?);
        let rows_before = self.streaming.rows();
        let result = self.streaming.push(&x, &y);
        if self.streaming.rows() > rows_before {
            self.rejected_row = false;
            if self.lines.len() == self.window {
                self.lines.pop_front();
            }
            self.lines.push_back(line_no);
        }
        result.with_context(|| format!("{source}, line {line_no}"))
    }
}

/// One line per window, flushed (print_text flushes).
fn emit(window: &WindowEstimate, stream: &Stream<'_>, format: TextOrJson) -> anyhow::Result<()> {
    let (first, last) = (stream.lines.front().copied().unwrap_or(0), stream.lines.back().copied().unwrap_or(0));
    match format {
        TextOrJson::Text => {
            print_text(&format!("rows {}..{} (lines {first}-{last})  {}\n", window.start, window.end, text_line(&window.estimate)))
        }
        TextOrJson::Json => {
            let mut value = serde_json::to_value(&window.estimate)?;
            value["start"] = json!(window.start);
            value["end"] = json!(window.end);
            value["first_line"] = json!(first);
            value["last_line"] = json!(last);
            print_json(&value)
        }
    }
}
