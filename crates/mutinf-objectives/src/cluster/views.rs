//! Paired views: the same sample under two random perturbations, which IIC asks the network to
//! assign to the same cluster.

use rand::Rng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

use crate::error::{ObjectiveError, Result};

/// A data set IIC can draw views from. Rows are fixed-width `f32` vectors at the network's
/// input scale.
pub trait ViewSource: Sync {
    /// Input width D.
    fn dims(&self) -> usize;
    /// Number of samples.
    fn len(&self) -> usize;
    /// Whether there are no samples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Appends sample `i` unperturbed (what the final assignment reads).
    fn original(&self, i: usize, out: &mut Vec<f32>);
    /// Appends a random view of sample `i`.
    fn view(&self, i: usize, rng: &mut StdRng, out: &mut Vec<f32>);
}

/// Views of tabular data: columns standardised to mean 0 and standard deviation 1, then
/// Gaussian jitter of standard deviation `jitter` (in units of each column's spread) on every
/// value and random feature dropout (each value replaced by its column mean, 0, with probability
/// `dropout`).
///
/// ```
/// use mutinf_objectives::cluster::{TabularViews, ViewSource};
/// let data = [1.0, 10.0, 2.0, 20.0, 3.0, 30.0];
/// let views = TabularViews::new(&data, 3, 2, 0.1, 0.1).unwrap();
/// let mut row = Vec::new();
/// views.original(2, &mut row);
/// assert!((row[0] - row[1]).abs() < 1e-6); // both columns standardised alike
/// ```
#[derive(Debug, Clone)]
pub struct TabularViews {
    rows: usize,
    cols: usize,
    standardised: Vec<f32>,
    jitter: f64,
    dropout: f64,
}

impl TabularViews {
    /// Views of `rows x cols` data given row-major. Errors name a non-finite value's place, a
    /// constant column, or an out-of-range jitter or dropout.
    pub fn new(data: &[f64], rows: usize, cols: usize, jitter: f64, dropout: f64) -> Result<Self> {
        if cols == 0 || rows < 2 || data.len() != rows * cols {
            return Err(ObjectiveError::InvalidInput(format!(
                "clustering needs at least 2 rows and 1 column, given as rows x cols values ({rows} x {cols} but {} values)",
                data.len()
            )));
        }
        if let Some(k) = data.iter().position(|v| !v.is_finite()) {
            return Err(ObjectiveError::InvalidInput(format!(
                "row {}, column {} holds the non-finite value {}; remove or impute it first",
                k / cols + 1,
                k % cols + 1,
                data[k]
            )));
        }
        if !(jitter.is_finite() && jitter >= 0.0) {
            return Err(ObjectiveError::InvalidInput(format!("--jitter must be ≥ 0, got {jitter}")));
        }
        if !(0.0..1.0).contains(&dropout) {
            return Err(ObjectiveError::InvalidInput(format!("--dropout must be in [0, 1), got {dropout}")));
        }
        let mut standardised = vec![0f32; rows * cols];
        for c in 0..cols {
            let column = (0..rows).map(|r| data[r * cols + c]);
            let mean = column.clone().sum::<f64>() / rows as f64;
            let sd = (column.map(|v| (v - mean) * (v - mean)).sum::<f64>() / rows as f64).sqrt();
            if sd <= mean.abs() * 1e-12 || sd == 0.0 {
                return Err(ObjectiveError::InvalidInput(format!(
                    "column {} is constant ({mean}); it carries no cluster information, drop it",
                    c + 1
                )));
            }
            for r in 0..rows {
                standardised[r * cols + c] = ((data[r * cols + c] - mean) / sd) as f32;
            }
        }
        Ok(Self { rows, cols, standardised, jitter, dropout })
    }
}

impl ViewSource for TabularViews {
    fn dims(&self) -> usize {
        self.cols
    }

    fn len(&self) -> usize {
        self.rows
    }

    fn original(&self, i: usize, out: &mut Vec<f32>) {
        out.extend_from_slice(&self.standardised[i * self.cols..(i + 1) * self.cols]);
    }

    fn view(&self, i: usize, rng: &mut StdRng, out: &mut Vec<f32>) {
        for &v in &self.standardised[i * self.cols..(i + 1) * self.cols] {
            let noise: f64 = StandardNormal.sample(rng);
            let kept = !rng.random_bool(self.dropout);
            out.push(if kept { v + (self.jitter * noise) as f32 } else { 0.0 });
        }
    }
}
