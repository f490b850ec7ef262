//! Exact duplicates in the joint space: where plain KSG breaks, and the correction for them.
//!
//! When a point has k or more exact copies, its k-th neighbour distance ε is 0 and plain KSG
//! counts no marginal neighbours for it: algorithm 1 adds ψ(k) + ψ(N) − 2ψ(1) ≈ ln N for every
//! such point (discrete data read ~10 nats at N = 2000), algorithm 2 a large negative value.
//! Following Gao, Kannan, Oh & Viswanath (NeurIPS 2017, "Estimating mutual information for
//! discrete-continuous mixtures"), a point with ε = 0 uses the number of its copies, k̃ = m − 1,
//! in place of k, and counts its marginal neighbours at distance ≤ 0 (its copies in x, in y).
//! For purely discrete data this is the plug-in MI up to O(1/N); points with ε > 0 — all of
//! them for continuous data — are untouched.
//!
//! All copies of a joint point share m and their x and y values, so the correction is computed
//! once per group of copies and added to the plain estimate: no change to the neighbour search.

use std::collections::HashMap;

use ndarray::ArrayView2;

use super::KsgAlgorithm;
use crate::special::digamma;

/// What the duplicates change in a KSG estimate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TieCorrection {
    /// Points with at least k exact copies (ε = 0).
    pub tied_points: usize,
    /// To add to the plain KSG value (nats).
    pub shift: f64,
}

/// A row's values as exact keys (−0.0 and 0.0 are the same value, so the same key).
fn key(row: impl Iterator<Item = f64>) -> Vec<u64> {
    row.map(|v| (v + 0.0).to_bits()).collect()
}

/// How many rows share each key.
fn multiplicities(keys: &[Vec<u64>]) -> HashMap<&[u64], usize> {
    let mut counts = HashMap::with_capacity(keys.len());
    for k in keys {
        *counts.entry(k.as_slice()).or_insert(0) += 1;
    }
    counts
}

/// Whether some value occurs more than `k` times in `column`. A joint point with k copies needs
/// its first x coordinate repeated that often, so continuous data are cleared by one sort of
/// plain numbers instead of hashing every row (KSG's hot path).
fn some_value_repeats(column: impl Iterator<Item = f64>, k: usize) -> bool {
    let mut bits: Vec<u64> = column.map(|v| (v + 0.0).to_bits()).collect();
    bits.sort_unstable();
    bits.chunk_by(|a, b| a == b).any(|run| run.len() > k)
}

/// The tie correction of KSG (`algorithm`, `k`) on X (N x dx) and Y (N x dy), as given.
pub(crate) fn tie_correction(x: ArrayView2<'_, f64>, y: ArrayView2<'_, f64>, k: usize, algorithm: KsgAlgorithm) -> TieCorrection {
    let n = x.nrows();
    if x.ncols() == 0 || !some_value_repeats(x.column(0).iter().copied(), k) {
        return TieCorrection { tied_points: 0, shift: 0.0 };
    }
    let joint: Vec<Vec<u64>> =
        (0..n).map(|i| key(x.row(i).iter().chain(y.row(i).iter()).copied())).collect();
    let joint_counts = multiplicities(&joint);
    if joint_counts.values().all(|&m| m <= k) {
        return TieCorrection { tied_points: 0, shift: 0.0 };
    }
    let xs: Vec<Vec<u64>> = (0..n).map(|i| key(x.row(i).iter().copied())).collect();
    let ys: Vec<Vec<u64>> = (0..n).map(|i| key(y.row(i).iter().copied())).collect();
    let (x_counts, y_counts) = (multiplicities(&xs), multiplicities(&ys));
    let kf = k as f64;
    // One representative row per joint group, in row order (a fixed summation order).
    let mut seen = std::collections::HashSet::new();
    let (mut tied_points, mut shift) = (0usize, 0.0f64);
    for i in 0..n {
        let m = joint_counts[joint[i].as_slice()];
        if m <= k || !seen.insert(joint[i].as_slice()) {
            continue;
        }
        let (cx, cy) = (x_counts[xs[i].as_slice()] as f64, y_counts[ys[i].as_slice()] as f64);
        let copies = (m - 1) as f64;
        // Tie-aware minus plain contribution of one point of the group.
        let per_point = match algorithm {
            // Plain: strict counts are 0 → ψ(k) − 2ψ(1); tie-aware: ψ(k̃) − ψ(c_x) − ψ(c_y).
            KsgAlgorithm::One => digamma(copies) - digamma(kf) - digamma(cx) - digamma(cy) + 2.0 * digamma(1.0),
            // Both count the copies at distance ≤ 0 (c − 1); only k becomes k̃.
            KsgAlgorithm::Two => digamma(copies) - 1.0 / copies - digamma(kf) + 1.0 / kf,
        };
        tied_points += m;
        shift += m as f64 * per_point;
    }
    TieCorrection { tied_points, shift: shift / n as f64 }
}
