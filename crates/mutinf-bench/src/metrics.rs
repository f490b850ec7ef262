//! The numbers the suites report: ROC AUC, order accuracy, error statistics, medians.

use serde::Serialize;

/// Area under the ROC curve of a score that should be larger for `positives` than for
/// `negatives`: the probability that a random positive outscores a random negative, ties
/// counting ½ (the Mann-Whitney U statistic divided by `|P| · |N|`).
///
/// Returns `None` when either class is empty or a score is NaN. O((P+N) log(P+N)).
///
/// ```
/// use mutinf_bench::metrics::roc_auc;
/// assert_eq!(roc_auc(&[3.0, 4.0], &[1.0, 2.0]), Some(1.0));
/// assert_eq!(roc_auc(&[1.0], &[1.0]), Some(0.5));
/// ```
pub fn roc_auc(positives: &[f64], negatives: &[f64]) -> Option<f64> {
    if positives.is_empty() || negatives.is_empty() {
        return None;
    }
    if positives.iter().chain(negatives).any(|v| v.is_nan()) {
        return None;
    }
    // (score, is_positive), sorted by score; tied groups get their average rank.
    let mut all: Vec<(f64, bool)> =
        positives.iter().map(|&s| (s, true)).chain(negatives.iter().map(|&s| (s, false))).collect();
    all.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut rank_sum_pos = 0.0;
    let mut i = 0;
    while i < all.len() {
        let mut j = i;
        while j + 1 < all.len() && all[j + 1].0 == all[i].0 {
            j += 1;
        }
        // ranks i+1 ..= j+1, average:
        let avg = (i + j + 2) as f64 / 2.0;
        rank_sum_pos += avg * all[i..=j].iter().filter(|(_, p)| *p).count() as f64;
        i = j + 1;
    }
    let (p, n) = (positives.len() as f64, negatives.len() as f64);
    let u = rank_sum_pos - p * (p + 1.0) / 2.0;
    Some(u / (p * n))
}

/// Fraction of triplets whose estimated order of `I(X;Y)` vs `I(X;Z)` agrees with the true order.
///
/// Each item is `(true_xy, true_xz, est_xy, est_xz)`. A triplet whose estimates are equal counts
/// ½ (a coin flip); one whose truths are equal is skipped (it has no order). Returns `None` when
/// no triplet has an order.
///
/// ```
/// use mutinf_bench::metrics::order_accuracy;
/// let items = [(0.5, 0.1, 0.4, 0.2), (0.1, 0.5, 0.4, 0.2), (0.2, 0.3, 0.1, 0.1)];
/// assert_eq!(order_accuracy(&items), Some(1.5 / 3.0));
/// ```
pub fn order_accuracy(items: &[(f64, f64, f64, f64)]) -> Option<f64> {
    let mut score = 0.0;
    let mut counted = 0usize;
    for &(t_xy, t_xz, e_xy, e_xz) in items {
        if t_xy == t_xz {
            continue;
        }
        counted += 1;
        if e_xy == e_xz {
            score += 0.5;
        } else if (e_xy > e_xz) == (t_xy > t_xz) {
            score += 1.0;
        }
    }
    (counted > 0).then(|| score / counted as f64)
}

/// Summary of errors `estimate − truth`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ErrorStats {
    /// Number of errors summarised.
    pub count: usize,
    /// Mean error (bias).
    pub mean: f64,
    /// Sample variance of the errors (n − 1 denominator; 0 for one error).
    pub variance: f64,
    /// Mean absolute error.
    pub mean_abs: f64,
    /// Largest absolute error.
    pub max_abs: f64,
    /// Root mean squared error.
    pub rmse: f64,
}

impl ErrorStats {
    /// Statistics of `estimates[i] − truths[i]`. NaN fields when empty.
    pub fn new(estimates: &[f64], truths: &[f64]) -> Self {
        assert_eq!(estimates.len(), truths.len(), "one truth per estimate");
        let errors: Vec<f64> = estimates.iter().zip(truths).map(|(e, t)| e - t).collect();
        Self::from_errors(&errors)
    }

    /// Statistics of the given errors. NaN fields when empty.
    pub fn from_errors(errors: &[f64]) -> Self {
        let n = errors.len();
        if n == 0 {
            return Self { count: 0, mean: f64::NAN, variance: f64::NAN, mean_abs: f64::NAN, max_abs: f64::NAN, rmse: f64::NAN };
        }
        let nf = n as f64;
        let mean = errors.iter().sum::<f64>() / nf;
        let variance = if n > 1 { errors.iter().map(|e| (e - mean).powi(2)).sum::<f64>() / (nf - 1.0) } else { 0.0 };
        let mean_abs = errors.iter().map(|e| e.abs()).sum::<f64>() / nf;
        let max_abs = errors.iter().fold(0.0f64, |m, e| m.max(e.abs()));
        let rmse = (errors.iter().map(|e| e * e).sum::<f64>() / nf).sqrt();
        Self { count: n, mean, variance, mean_abs, max_abs, rmse }
    }
}

/// Mean of `values` (NaN when empty).
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() { f64::NAN } else { values.iter().sum::<f64>() / values.len() as f64 }
}

/// Sample standard deviation (n − 1; 0 for one value, NaN when empty).
pub fn std_dev(values: &[f64]) -> f64 {
    match values.len() {
        0 => f64::NAN,
        1 => 0.0,
        n => {
            let m = mean(values);
            (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1) as f64).sqrt()
        }
    }
}

/// Mean and standard error of the paired differences `a[i] − b[i]`: how much larger `a` is
/// than `b` on the same items, with the noise of that comparison (the standard error shrinks
/// with the number of pairs; items shared by both remove their common difficulty). `None` when
/// there are fewer than two pairs or the lengths differ.
///
/// ```
/// use mutinf_bench::metrics::paired_difference;
/// let (diff, se) = paired_difference(&[1.0, 2.0, 3.0], &[0.5, 1.5, 2.0]).unwrap();
/// assert!((diff - 2.0 / 3.0).abs() < 1e-12);
/// assert!((se - (1.0f64 / 12.0).sqrt() / 3.0f64.sqrt()).abs() < 1e-12);
/// ```
pub fn paired_difference(a: &[f64], b: &[f64]) -> Option<(f64, f64)> {
    if a.len() != b.len() || a.len() < 2 {
        return None;
    }
    let diffs: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
    Some((mean(&diffs), std_dev(&diffs) / (diffs.len() as f64).sqrt()))
}

/// Median of `values` (average of the middle two for an even count; NaN when empty).
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 { v[m] } else { 0.5 * (v[m - 1] + v[m]) }
}

/// Share of intervals `(lower, upper)` that contain their truth; `None` when no estimate has an
/// interval.
///
/// ```
/// let ci = [Some((0.0, 1.0)), Some((2.0, 3.0)), None];
/// assert_eq!(mutinf_bench::metrics::coverage(&ci, &[0.5, 1.0, 7.0]), Some(0.5));
/// assert_eq!(mutinf_bench::metrics::coverage(&[None], &[0.0]), None);
/// ```
pub fn coverage(intervals: &[Option<(f64, f64)>], truths: &[f64]) -> Option<f64> {
    let hits: Vec<bool> =
        intervals.iter().zip(truths).filter_map(|(ci, &t)| ci.map(|(lo, hi)| lo <= t && t <= hi)).collect();
    if hits.is_empty() { None } else { Some(hits.iter().filter(|&&h| h).count() as f64 / hits.len() as f64) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paired_difference_matches_the_definition_and_ignores_shared_offsets() {
        let a = [0.3, 0.1, 0.4, 0.15, 0.9];
        let b = [0.2, 0.05, 0.5, 0.05, 0.7];
        let (d, se) = paired_difference(&a, &b).unwrap();
        let diffs = [0.1, 0.05, -0.1, 0.1, 0.2];
        let m = diffs.iter().sum::<f64>() / 5.0;
        let var = diffs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / 4.0;
        assert!((d - m).abs() < 1e-12 && (se - (var / 5.0).sqrt()).abs() < 1e-12);
        // A common offset per item (its difficulty) cancels.
        let shifted_a: Vec<f64> = a.iter().enumerate().map(|(i, x)| x + i as f64).collect();
        let shifted_b: Vec<f64> = b.iter().enumerate().map(|(i, x)| x + i as f64).collect();
        let (d2, se2) = paired_difference(&shifted_a, &shifted_b).unwrap();
        assert!((d2 - d).abs() < 1e-12 && (se2 - se).abs() < 1e-12);
        assert_eq!(paired_difference(&[1.0], &[0.0]), None);
        assert_eq!(paired_difference(&[1.0, 2.0], &[0.0]), None);
    }

    /// The O(P·N) definition the rank formula must match.
    fn auc_brute(pos: &[f64], neg: &[f64]) -> f64 {
        let mut s = 0.0;
        for p in pos {
            for n in neg {
                s += if p > n { 1.0 } else if p == n { 0.5 } else { 0.0 };
            }
        }
        s / (pos.len() * neg.len()) as f64
    }

    #[test]
    fn auc_hand_made() {
        assert_eq!(roc_auc(&[0.9, 0.8, 0.7], &[0.1, 0.2]), Some(1.0));
        assert_eq!(roc_auc(&[0.1, 0.2], &[0.9, 0.8, 0.7]), Some(0.0));
        // One of four pairs misordered.
        assert_eq!(roc_auc(&[0.5, 0.9], &[0.1, 0.6]), Some(0.75));
        // Ties count ½: pairs (2,1)=1, (2,2)=½, (2,3)=0, (3,1)=1, (3,2)=1, (3,3)=½ → 4/6.
        assert!((roc_auc(&[2.0, 3.0], &[1.0, 2.0, 3.0]).unwrap() - 4.0 / 6.0).abs() < 1e-15);
        // All scores equal: ½.
        assert_eq!(roc_auc(&[1.0; 4], &[1.0; 3]), Some(0.5));
        assert_eq!(roc_auc(&[], &[1.0]), None);
        assert_eq!(roc_auc(&[1.0], &[]), None);
        assert_eq!(roc_auc(&[f64::NAN], &[1.0]), None);
    }

    #[test]
    fn auc_matches_brute_force_with_many_ties() {
        let pos: Vec<f64> = (0..37).map(|i| ((i * 7) % 11) as f64 * 0.5).collect();
        let neg: Vec<f64> = (0..29).map(|i| ((i * 5) % 9) as f64 * 0.5 - 1.0).collect();
        let a = roc_auc(&pos, &neg).unwrap();
        assert!((a - auc_brute(&pos, &neg)).abs() < 1e-12, "{a} vs {}", auc_brute(&pos, &neg));
    }

    #[test]
    fn order_accuracy_counts() {
        // right, wrong, tie in estimates (½), tie in truths (skipped).
        let items = [(0.3, 0.1, 0.25, 0.05), (0.3, 0.1, 0.05, 0.25), (0.1, 0.3, 0.2, 0.2), (0.2, 0.2, 0.9, 0.0)];
        assert_eq!(order_accuracy(&items), Some(1.5 / 3.0));
        assert_eq!(order_accuracy(&[(0.1, 0.3, 0.0, 0.5)]), Some(1.0));
        assert_eq!(order_accuracy(&[(0.1, 0.1, 0.0, 0.5)]), None);
        assert_eq!(order_accuracy(&[]), None);
    }

    #[test]
    fn error_stats_by_hand() {
        let s = ErrorStats::new(&[1.0, 2.0, 4.0], &[1.0, 1.0, 1.0]);
        // errors 0, 1, 3
        assert_eq!(s.count, 3);
        assert!((s.mean - 4.0 / 3.0).abs() < 1e-15);
        assert!((s.variance - ((16.0 / 9.0 + 1.0 / 9.0 + 25.0 / 9.0) / 2.0)).abs() < 1e-12);
        assert!((s.mean_abs - 4.0 / 3.0).abs() < 1e-15);
        assert_eq!(s.max_abs, 3.0);
        assert!((s.rmse - (10.0f64 / 3.0).sqrt()).abs() < 1e-15);
        assert!(ErrorStats::from_errors(&[]).mean.is_nan());
        assert_eq!(ErrorStats::from_errors(&[-2.0]).variance, 0.0);
    }

    #[test]
    fn median_mean_std() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert!(median(&[]).is_nan());
        assert_eq!(mean(&[1.0, 3.0]), 2.0);
        assert!((std_dev(&[1.0, 3.0]) - 2f64.sqrt()).abs() < 1e-15);
    }
}
