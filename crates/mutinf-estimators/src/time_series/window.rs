//! MI over sliding windows, in one batch or row by row from a stream.

use std::collections::VecDeque;

use mutinf_core::{Estimator, MiEstimate, MutinfError, PairedSamples, Result};
use ndarray::{Array2, s};
use rayon::prelude::*;

/// The estimate of one window.
#[derive(Debug, Clone, PartialEq)]
pub struct WindowEstimate {
    /// First row of the window (0-based, counting every row of the stream).
    pub start: usize,
    /// One past the last row: the window is rows `start..end`, `end − start = W`.
    pub end: usize,
    /// The estimate on those rows.
    pub estimate: MiEstimate,
}

/// Checked window geometry: W ≥ 2 rows per window, a new window every S ≥ 1 rows. Windows
/// are rows [j·S, j·S + W) for j = 0, 1, …; with S > W rows between windows are skipped.
fn check_geometry(window: usize, step: usize) -> Result<()> {
    if window < 2 {
        return Err(MutinfError::invalid("window", window, "a window needs at least 2 rows (and more than k for KSG)"));
    }
    if step == 0 {
        return Err(MutinfError::invalid("step", 0, "the step between windows must be at least 1 row"));
    }
    Ok(())
}

/// One estimate per window of `window` rows, a new window every `step` rows, windows in
/// parallel (rayon), in stream order. Each equals `estimator.estimate` on that window's rows
/// alone, and equals what [`StreamingMi`] reports for the same rows, bit for bit.
///
/// Errors when the window is larger than the data (no window completes), window < 2 or
/// step = 0, or an estimate fails (the error names the window's rows).
///
/// ```
/// use mutinf_core::PairedSamples;
/// use mutinf_estimators::{ksg::KsgParams, time_series::sliding_window_mi};
/// # fn main() -> mutinf_core::Result<()> {
/// let x: Vec<f64> = (0..1000).map(|i| ((i * 7919) % 1000) as f64).collect();
/// let y: Vec<f64> = x.iter().enumerate().map(|(i, v)| if i < 500 { v * v } else { ((i * 31) % 97) as f64 }).collect();
/// let data = PairedSamples::from_columns(&x, &y)?;
/// let w = sliding_window_mi(&data, 250, 250, &KsgParams::new().check()?)?;
/// assert_eq!(w.iter().map(|e| e.start).collect::<Vec<_>>(), vec![0, 250, 500, 750]);
/// assert!(w[0].estimate.mi > 1.0 && w[3].estimate.mi < 0.3); // dependence ends at row 500
/// # Ok(())
/// # }
/// ```
pub fn sliding_window_mi(data: &PairedSamples, window: usize, step: usize, estimator: &dyn Estimator) -> Result<Vec<WindowEstimate>> {
    check_geometry(window, step)?;
    let n = data.n();
    if window > n {
        return Err(window_too_large(window, n));
    }
    let starts: Vec<usize> = (0..=n - window).step_by(step).collect();
    starts
        .par_iter()
        .map(|&start| {
            let end = start + window;
            let rows = PairedSamples::with_names(
                data.x().slice(s![start..end, ..]).to_owned(),
                data.y().slice(s![start..end, ..]).to_owned(),
                data.x_names().to_vec(),
                data.y_names().to_vec(),
            );
            estimate_window(estimator, rows, start, end)
        })
        .collect()
}

fn window_too_large(window: usize, rows: usize) -> MutinfError {
    MutinfError::TooFewSamples { n: rows, min: window, what: format!("a sliding window of {window} rows"), hint: " or use a smaller window".into() }
}

/// The estimate of rows start..end, errors naming the window.
fn estimate_window(estimator: &dyn Estimator, rows: Result<PairedSamples>, start: usize, end: usize) -> Result<WindowEstimate> {
    rows.and_then(|d| estimator.estimate(&d))
        .map(|estimate| WindowEstimate { start, end, estimate: estimate.with_param("window_start", start) })
        .map_err(|e| MutinfError::EstimationFailed { method: estimator.method().into(), reason: format!("window of rows {start}..{end}: {e}") })
}

/// Sliding-window MI fed one row at a time: each completed window's estimate is returned by
/// the [`push`](StreamingMi::push) that completes it. Holds at most W rows (memory bounded by
/// the window, however long the stream), and every estimate equals the one
/// [`sliding_window_mi`] gives for the same rows, bit for bit.
///
/// Rows are numbered from 0 in the order pushed; a rejected row (wrong width, non-finite
/// value) is not stored and does not count, so the stream can go on.
///
/// ```
/// use mutinf_estimators::{ksg::KsgParams, time_series::StreamingMi};
/// # fn main() -> mutinf_core::Result<()> {
/// let mut stream = StreamingMi::new(KsgParams::new().check()?, 1, 1, 100, 50)?;
/// let mut done = Vec::new();
/// for t in 0..300 {
///     let x = ((t * 7919) % 301) as f64;
///     if let Some(w) = stream.push(&[x], &[x.sqrt()])? {
///         done.push((w.start, w.end));
///     }
/// }
/// assert_eq!(done, vec![(0, 100), (50, 150), (100, 200), (150, 250), (200, 300)]);
/// assert!(stream.push(&[f64::NAN], &[1.0]).is_err()); // rejected, not stored
/// # Ok(())
/// # }
/// ```
pub struct StreamingMi<E> {
    estimator: E,
    window: usize,
    step: usize,
    dx: usize,
    dy: usize,
    names: (Vec<String>, Vec<String>),
    /// The last (up to) W rows, oldest first, flattened.
    x: VecDeque<f64>,
    y: VecDeque<f64>,
    rows: usize,
    windows: usize,
}

impl<E: Estimator> StreamingMi<E> {
    /// A stream of rows with `dx` X values and `dy` Y values each, windows of `window` rows
    /// every `step` rows. Columns are named `X0..`, `Y0..`.
    pub fn new(estimator: E, dx: usize, dy: usize, window: usize, step: usize) -> Result<Self> {
        let names = ((0..dx).map(|j| format!("X{j}")).collect(), (0..dy).map(|j| format!("Y{j}")).collect());
        Self::with_names(estimator, names, window, step)
    }

    /// Like [`StreamingMi::new`] with column names (used in error messages).
    pub fn with_names(estimator: E, names: (Vec<String>, Vec<String>), window: usize, step: usize) -> Result<Self> {
        check_geometry(window, step)?;
        let (dx, dy) = (names.0.len(), names.1.len());
        if dx == 0 || dy == 0 {
            return Err(MutinfError::EmptyBlock { block: if dx == 0 { "X" } else { "Y" }.into() });
        }
        let (x, y) = (VecDeque::with_capacity(window * dx), VecDeque::with_capacity(window * dy));
        Ok(Self { estimator, window, step, dx, dy, names, x, y, rows: 0, windows: 0 })
    }

    /// Adds one row. Returns the estimate of the window this row completes, if any.
    ///
    /// Errors (the row is then not stored): a row of the wrong width or with a non-finite
    /// value, naming the row. Errors of a completed window's estimate (e.g. a column constant
    /// within the window) name the window; the row *is* stored and the stream goes on.
    pub fn push(&mut self, x: &[f64], y: &[f64]) -> Result<Option<WindowEstimate>> {
        let row = self.rows;
        if x.len() != self.dx || y.len() != self.dy {
            return Err(MutinfError::invalid(
                "row width",
                format!("{} + {}", x.len(), y.len()),
                format!("stream row {row} must have {} X and {} Y values like the others", self.dx, self.dy),
            ));
        }
        let names = self.names.0.iter().zip(x).chain(self.names.1.iter().zip(y));
        for (name, &value) in names {
            if !value.is_finite() {
                return Err(MutinfError::NonFinite { row, column: name.clone(), value });
            }
        }
        if self.x.len() == self.window * self.dx {
            self.x.drain(..self.dx);
            self.y.drain(..self.dy);
        }
        self.x.extend(x);
        self.y.extend(y);
        self.rows += 1;
        let completes = self.rows >= self.window && (self.rows - self.window).is_multiple_of(self.step);
        if !completes {
            return Ok(None);
        }
        self.windows += 1;
        let (start, end) = (self.rows - self.window, self.rows);
        let block = |v: &VecDeque<f64>, d: usize| Array2::from_shape_vec((self.window, d), v.iter().copied().collect()).expect("W full rows");
        let rows = PairedSamples::with_names(block(&self.x, self.dx), block(&self.y, self.dy), self.names.0.clone(), self.names.1.clone());
        estimate_window(&self.estimator, rows, start, end).map(Some)
    }

    /// Rows accepted so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Windows completed so far.
    pub fn windows(&self) -> usize {
        self.windows
    }

    /// Ends the stream: errors if no window completed (the stream was shorter than the
    /// window), so that a front end does not end silently with no output.
    pub fn finish(self) -> Result<usize> {
        if self.windows == 0 {
            return Err(window_too_large(self.window, self.rows));
        }
        Ok(self.windows)
    }
}

impl<E> std::fmt::Debug for StreamingMi<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StreamingMi").field("window", &self.window).field("step", &self.step).field("rows", &self.rows).finish()
    }
}
