//! The copula (rank) transform: each margin mapped to its empirical CDF.
//!
//! MI is invariant under strictly monotone maps of each margin, so estimators that work on
//! copula-transformed data (InfoNet, rank-based histograms) see the same input whatever the
//! margins were.

use ndarray::{Array2, ArrayView2, Axis};

/// The copula transform `(r − ½) / N` of `values`, r the 1-based average rank: the midpoint
/// of each sample's cell of width 1/N, so the result lies in (0, 1), symmetric about ½.
///
/// This is the workspace's one copula convention: InfoNet's sequences, the equal-frequency
/// histogram and the regression readout's features all read it, and the soft ranks of
/// `mutinf-objectives` tend to it.
///
/// Ties share the mean of the ranks they occupy (the "average" method of
/// `scipy.stats.rankdata`), so the transform is deterministic and symmetric under relabelling.
/// NaN sorts after every number (total order); validate data first.
///
/// ```
/// use mutinf_core::copula::rank_transform;
/// assert_eq!(rank_transform(&[30.0, 10.0, 20.0, 10.0]), vec![0.875, 0.25, 0.625, 0.25]);
/// ```
pub fn rank_transform(values: &[f64]) -> Vec<f64> {
    let n = values.len();
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut ranks = vec![0.0; n];
    let mut start = 0;
    while start < n {
        let mut end = start + 1;
        while end < n && values[order[end]] == values[order[start]] {
            end += 1;
        }
        // Positions start..end hold equal values: 1-based ranks start+1 ..= end, mean below.
        let average_rank = (start + 1 + end) as f64 / 2.0;
        for &i in &order[start..end] {
            ranks[i] = (average_rank - 0.5) / n as f64;
        }
        start = end;
    }
    ranks
}

/// Applies [`rank_transform`] to every column of an N x d block.
///
/// ```
/// use mutinf_core::copula::rank_transform_columns;
/// use ndarray::array;
/// let u = rank_transform_columns(array![[5.0, -1.0], [7.0, -3.0]].view());
/// assert_eq!(u, array![[0.25, 0.75], [0.75, 0.25]]);
/// ```
pub fn rank_transform_columns(block: ArrayView2<'_, f64>) -> Array2<f64> {
    let mut out = Array2::zeros(block.raw_dim());
    for (src, mut dst) in block.axis_iter(Axis(1)).zip(out.axis_iter_mut(Axis(1))) {
        let column: Vec<f64> = src.iter().copied().collect();
        for (d, r) in dst.iter_mut().zip(rank_transform(&column)) {
            *d = r;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// O(N²) oracle: u = (#smaller + (#equal + 1) / 2 − ½) / N.
    fn brute_force_ranks(values: &[f64]) -> Vec<f64> {
        let n = values.len() as f64;
        values
            .iter()
            .map(|&v| {
                let smaller = values.iter().filter(|&&w| w < v).count() as f64;
                let equal = values.iter().filter(|&&w| w == v).count() as f64;
                (smaller + (equal + 1.0) / 2.0 - 0.5) / n
            })
            .collect()
    }

    #[test]
    fn matches_brute_force_with_many_ties() {
        let values: Vec<f64> = (0..200).map(|i| ((i * 37) % 11) as f64 - 3.0).collect();
        assert_eq!(rank_transform(&values), brute_force_ranks(&values));
    }

    #[test]
    fn invariant_under_strictly_increasing_maps() {
        let values: Vec<f64> = (0..100).map(|i| ((i * 7919) % 101) as f64 / 10.0 - 5.0).collect();
        let mapped: Vec<f64> = values.iter().map(|v| v.powi(3) + v.exp()).collect();
        assert_eq!(rank_transform(&values), rank_transform(&mapped));
    }

    #[test]
    fn ranks_lie_in_unit_interval_and_average_one_half() {
        let values = [3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0];
        let ranks = rank_transform(&values);
        assert!(ranks.iter().all(|&r| r > 0.0 && r < 1.0));
        let sum: f64 = ranks.iter().sum();
        assert!((sum - values.len() as f64 / 2.0).abs() < 1e-12);
    }
}
