//! Kozachenko-Leonenko and plug-in entropies.

use std::collections::HashMap;

use mutinf_core::{MutinfError, Result};
use ndarray::ArrayView2;
use rayon::prelude::*;

use super::KlEntropy;
use crate::neighbours::{KdTree, Metric};
use crate::neighbours::kdtree_internal::KBest;
use crate::preprocess::row_major;
use crate::special::{digamma, ln_gamma};

impl KlEntropy {
    /// Differential entropy in nats of the N x d sample `points` (rows are observations).
    ///
    /// Errors when N ≤ k, when the sample has no column, or when some point has k or more
    /// exact duplicates (its k-th neighbour distance is 0 and ln 0 = −∞).
    pub fn entropy(&self, points: ArrayView2<'_, f64>) -> Result<f64> {
        let (n, d) = points.dim();
        if d == 0 {
            return Err(MutinfError::EmptyBlock { block: "entropy input".into() });
        }
        if n <= self.k {
            return Err(MutinfError::TooFewSamples {
                n,
                min: self.k + 1,
                what: format!("Kozachenko-Leonenko entropy with k = {}", self.k),
                hint: " or lower k".into(),
            });
        }
        if let Some((row, col)) = points.indexed_iter().find(|(_, v)| !v.is_finite()).map(|(ix, _)| ix) {
            return Err(MutinfError::NonFinite { row, column: format!("column {col}"), value: points[[row, col]] });
        }
        let flat = row_major(points);
        let tree = KdTree::new(&flat, d);
        let k = self.k;
        let metric = self.metric;
        let log_r: Vec<f64> = (0..n)
            .into_par_iter()
            .with_min_len(1024)
            .map_init(
                || KBest::new(k),
                |best, pos| {
                    tree.knn_into(tree.point_at(pos), metric, tree.row_at(pos), best);
                    match metric {
                        Metric::MaxNorm => best.worst().ln(),
                        // Reduced distances are squared: ln r = ln(r²) / 2.
                        Metric::Euclidean => 0.5 * best.worst().ln(),
                    }
                },
            )
            .collect();
        // Summed in tree order: deterministic whatever the thread count.
        let sum: f64 = log_r.iter().sum();
        if !sum.is_finite() {
            return Err(MutinfError::EstimationFailed {
                method: "Kozachenko-Leonenko entropy".into(),
                reason: format!(
                    "some points have {k} or more exact duplicates (k-th neighbour distance 0); \
                     the differential entropy of such data is -inf. Raise k, add tiny noise, or use a discrete entropy"
                ),
            });
        }
        let ln_volume = match metric {
            Metric::MaxNorm => d as f64 * std::f64::consts::LN_2,
            Metric::Euclidean => 0.5 * d as f64 * std::f64::consts::PI.ln() - ln_gamma(0.5 * d as f64 + 1.0),
        };
        Ok(digamma(n as f64) - digamma(k as f64) + ln_volume + d as f64 * sum / n as f64)
    }
}

/// Plug-in (maximum-likelihood) Shannon entropy in nats of the discrete values in `values`
/// (each distinct f64 is one symbol): −Σ p̂ ln p̂.
///
/// Biased low by about (m − 1)/(2N) for m symbols (Miller-Madow); fine when N ≫ m.
///
/// ```
/// use mutinf_estimators::entropy::discrete_entropy;
/// let h = discrete_entropy(&[0.0, 1.0, 0.0, 1.0]);
/// assert!((h - std::f64::consts::LN_2).abs() < 1e-15);
/// ```
pub fn discrete_entropy(values: &[f64]) -> f64 {
    entropy_of_counts(symbol_counts(values).into_values().collect(), values.len())
}

/// Plug-in joint entropy in nats of the rows of `block` (each distinct row one symbol, with
/// −0.0 and 0.0 the same value), and the number m of distinct rows. For one column it equals
/// [`discrete_entropy`]. Add [`miller_madow_correction`] for the bias-corrected value.
///
/// ```
/// use mutinf_estimators::entropy::{discrete_entropy, joint_discrete_entropy};
/// use ndarray::array;
/// let (h, m) = joint_discrete_entropy(array![[0.0, 1.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]].view());
/// assert_eq!(m, 3);
/// assert!((h - 1.5 * std::f64::consts::LN_2).abs() < 1e-15);
/// assert_eq!(joint_discrete_entropy(array![[0.0], [1.0], [0.0]].view()).0, discrete_entropy(&[0.0, 1.0, 0.0]));
/// ```
pub fn joint_discrete_entropy(block: ArrayView2<'_, f64>) -> (f64, usize) {
    let mut counts: HashMap<Vec<u64>, usize> = HashMap::new();
    for row in block.rows() {
        *counts.entry(row.iter().map(|&v| symbol_key(v)).collect()).or_insert(0) += 1;
    }
    let symbols = counts.len();
    (entropy_of_counts(counts.into_values().collect(), block.nrows()), symbols)
}

/// The Miller-Madow correction (m − 1)/(2N) of a plug-in entropy over m symbols seen in N
/// samples: the first-order term of its downward bias.
///
/// ```
/// assert_eq!(mutinf_estimators::entropy::miller_madow_correction(3, 100), 0.01);
/// ```
pub fn miller_madow_correction(symbols: usize, n: usize) -> f64 {
    (symbols as f64 - 1.0) / (2.0 * n as f64)
}

/// −Σ p̂ ln p̂ over symbol counts summing to `n`, summed in a fixed (sorted) order.
fn entropy_of_counts(mut counts: Vec<usize>, n: usize) -> f64 {
    let n = n as f64;
    counts.sort_unstable();
    -counts.iter().map(|&c| c as f64 / n).map(|p| p * p.ln()).sum::<f64>()
}

/// Number of distinct values (−0.0 and 0.0 count as one).
pub fn distinct_values(values: &[f64]) -> usize {
    symbol_counts(values).len()
}

fn symbol_counts(values: &[f64]) -> HashMap<u64, usize> {
    let mut counts = HashMap::new();
    for &v in values {
        *counts.entry(symbol_key(v)).or_insert(0) += 1;
    }
    counts
}

/// A value as a symbol: its bits, with −0.0 and 0.0 one symbol.
fn symbol_key(v: f64) -> u64 {
    if v == 0.0 { 0 } else { v.to_bits() }
}
