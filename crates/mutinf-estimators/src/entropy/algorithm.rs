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
    let n = values.len() as f64;
    let mut counts: Vec<usize> = symbol_counts(values).into_values().collect();
    counts.sort_unstable(); // fixed summation order
    -counts.iter().map(|&c| c as f64 / n).map(|p| p * p.ln()).sum::<f64>()
}

/// Number of distinct values (−0.0 and 0.0 count as one).
pub fn distinct_values(values: &[f64]) -> usize {
    symbol_counts(values).len()
}

fn symbol_counts(values: &[f64]) -> HashMap<u64, usize> {
    let mut counts = HashMap::new();
    for &v in values {
        let key = if v == 0.0 { 0u64 } else { v.to_bits() };
        *counts.entry(key).or_insert(0) += 1;
    }
    counts
}
