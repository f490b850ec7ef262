//! Scores for comparing a clustering with ground-truth classes.
//!
//! Cluster ids are arbitrary, so [`clustering_accuracy`] first finds the best
//! one-to-one matching of clusters to classes (Hungarian algorithm, via
//! `pathfinding::kuhn_munkres`), as in the IIC paper's evaluation.
//! [`normalized_mutual_information`] needs no matching and also rewards
//! clusterings that split classes consistently.
//!
//! ```
//! use mutinf_objectives::accuracy::{clustering_accuracy, normalized_mutual_information};
//!
//! let truth = [0, 0, 1, 1, 2, 2];
//! let predicted = [2, 2, 0, 0, 1, 1]; // same partition, other names
//! assert_eq!(clustering_accuracy(&predicted, &truth)?, 1.0);
//! assert!((normalized_mutual_information(&predicted, &truth)? - 1.0).abs() < 1e-12);
//! # Ok::<(), mutinf_objectives::ObjectiveError>(())
//! ```

use pathfinding::kuhn_munkres::kuhn_munkres;
use pathfinding::matrix::Matrix;

use crate::error::ObjectiveError;

/// Largest table [`contingency`] will allocate: label ids index it directly,
/// so a stray huge id must be an error, not an out-of-memory abort.
const MAX_CONTINGENCY_CELLS: usize = 1 << 24;

fn check_pair(predicted: &[usize], truth: &[usize]) -> Result<(), ObjectiveError> {
    if predicted.is_empty() || truth.is_empty() {
        return Err(ObjectiveError::InvalidInput(format!(
            "cannot score an empty labeling (predicted has {} labels, truth has {}); pass at least one sample",
            predicted.len(),
            truth.len()
        )));
    }
    if predicted.len() != truth.len() {
        return Err(ObjectiveError::InvalidInput(format!(
            "predicted has {} labels but truth has {}; pass one predicted and one true label per sample",
            predicted.len(),
            truth.len()
        )));
    }
    Ok(())
}

/// Renames labels to consecutive ids `0..k` in increasing order, so tables
/// are sized by the number of distinct labels, not by the largest id.
fn compact(labels: &[usize]) -> (Vec<usize>, usize) {
    let mut distinct = labels.to_vec();
    distinct.sort_unstable();
    distinct.dedup();
    let ids = labels
        .iter()
        .map(|l| {
            distinct
                .binary_search(l)
                .expect("label taken from the same slice")
        })
        .collect();
    (ids, distinct.len())
}

/// Dense counts over compacted labels: `table[p][t]`.
fn dense_table(predicted: &[usize], truth: &[usize]) -> Vec<Vec<usize>> {
    let (p, kp) = compact(predicted);
    let (t, kt) = compact(truth);
    let mut table = vec![vec![0usize; kt]; kp];
    for (&a, &b) in p.iter().zip(&t) {
        table[a][b] += 1;
    }
    table
}

/// Counts of samples per (predicted cluster, true class) pair.
///
/// Row `p` is predicted cluster `p` and column `t` true class `t`, for every
/// id from 0 to the largest one present, so ids that never occur give zero
/// rows or columns. Errors on empty or mismatched inputs, and when the ids
/// are so large that the table would exceed 2^24 cells (relabel to
/// consecutive ids first).
///
/// ```
/// let table = mutinf_objectives::accuracy::contingency(&[0, 0, 2], &[1, 0, 1])?;
/// assert_eq!(table, vec![vec![1, 1], vec![0, 0], vec![0, 1]]);
/// # Ok::<(), mutinf_objectives::ObjectiveError>(())
/// ```
pub fn contingency(
    predicted: &[usize],
    truth: &[usize],
) -> Result<Vec<Vec<usize>>, ObjectiveError> {
    check_pair(predicted, truth)?;
    let max_p = predicted.iter().copied().max().unwrap_or(0);
    let max_t = truth.iter().copied().max().unwrap_or(0);
    let cells = max_p
        .checked_add(1)
        .zip(max_t.checked_add(1))
        .and_then(|(r, c)| r.checked_mul(c))
        .filter(|&cells| cells <= MAX_CONTINGENCY_CELLS);
    if cells.is_none() {
        return Err(ObjectiveError::InvalidInput(format!(
            "label ids up to {max_p} (predicted) and {max_t} (truth) would need a table over {MAX_CONTINGENCY_CELLS} cells; relabel to consecutive ids 0..k"
        )));
    }
    let mut table = vec![vec![0usize; max_t + 1]; max_p + 1];
    for (&p, &t) in predicted.iter().zip(truth) {
        table[p][t] += 1;
    }
    Ok(table)
}

/// Fraction of samples whose cluster, under the best one-to-one matching of
/// clusters to classes, equals their class.
///
/// The contingency table (over the ids actually present) is padded with zeros
/// to a square, so with more clusters than classes the surplus clusters match
/// no class and their samples count as errors, and with fewer clusters some
/// classes go unmatched. The maximum-weight matching is found exactly by
/// `pathfinding::kuhn_munkres`, in `O(k^3)` for `k` distinct labels.
///
/// Errors on empty or mismatched inputs.
///
/// ```
/// use mutinf_objectives::accuracy::clustering_accuracy;
///
/// // Cluster 1 is split over two classes: the best matching gets 4 of 5.
/// let acc = clustering_accuracy(&[1, 1, 0, 0, 1], &[0, 0, 1, 1, 2])?;
/// assert!((acc - 0.8).abs() < 1e-12);
/// # Ok::<(), mutinf_objectives::ObjectiveError>(())
/// ```
pub fn clustering_accuracy(predicted: &[usize], truth: &[usize]) -> Result<f64, ObjectiveError> {
    check_pair(predicted, truth)?;
    let table = dense_table(predicted, truth);
    let k = table.len().max(table[0].len());
    let mut weights = Matrix::new(k, k, 0i64);
    for (p, row) in table.iter().enumerate() {
        for (t, &count) in row.iter().enumerate() {
            // Counts are at most predicted.len(), far below i64::MAX.
            weights[(p, t)] = count as i64;
        }
    }
    let (matched, _) = kuhn_munkres(&weights);
    Ok(matched as f64 / predicted.len() as f64)
}

/// Normalised mutual information between two labelings, `I(P; T)` divided by
/// the arithmetic mean of the entropies `(H(P) + H(T)) / 2` (natural log),
/// scikit-learn's default normalisation.
///
/// Limit cases follow scikit-learn: when both labelings are constant they are
/// the same (single-block) partition and the score is 1; when `I = 0` — in
/// particular when exactly one labeling is constant, making the ratio `0/x`
/// — the score is 0. The result is clamped to `[0, 1]` to absorb rounding.
///
/// Errors on empty or mismatched inputs.
///
/// ```
/// use mutinf_objectives::accuracy::normalized_mutual_information as nmi;
///
/// assert_eq!(nmi(&[0, 0, 0, 0], &[0, 1, 0, 1])?, 0.0);
/// assert_eq!(nmi(&[3, 3, 3], &[1, 1, 1])?, 1.0);
/// # Ok::<(), mutinf_objectives::ObjectiveError>(())
/// ```
pub fn normalized_mutual_information(
    predicted: &[usize],
    truth: &[usize],
) -> Result<f64, ObjectiveError> {
    check_pair(predicted, truth)?;
    let table = dense_table(predicted, truth);
    let (kp, kt) = (table.len(), table[0].len());
    if kp == 1 && kt == 1 {
        return Ok(1.0);
    }
    let n = predicted.len() as f64;
    let row_sums: Vec<f64> = table
        .iter()
        .map(|r| r.iter().sum::<usize>() as f64)
        .collect();
    let col_sums: Vec<f64> = (0..kt)
        .map(|t| table.iter().map(|r| r[t]).sum::<usize>() as f64)
        .collect();
    let entropy = |sums: &[f64]| -> f64 {
        sums.iter()
            .filter(|&&s| s > 0.0)
            .map(|&s| -(s / n) * (s / n).ln())
            .sum()
    };
    let mut mi = 0.0;
    for (p, row) in table.iter().enumerate() {
        for (t, &count) in row.iter().enumerate() {
            if count > 0 {
                let c = count as f64;
                mi += (c / n) * (n * c / (row_sums[p] * col_sums[t])).ln();
            }
        }
    }
    if mi <= 0.0 {
        return Ok(0.0);
    }
    let mean_entropy = 0.5 * (entropy(&row_sums) + entropy(&col_sums));
    Ok((mi / mean_entropy.max(f64::EPSILON)).clamp(0.0, 1.0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng, rngs::StdRng};

    /// Best matched count by trying every assignment of the padded square
    /// table — the definition the Hungarian result must reproduce exactly.
    fn brute_force_accuracy(predicted: &[usize], truth: &[usize]) -> f64 {
        let table = dense_table(predicted, truth);
        let k = table.len().max(table[0].len());
        let at = |p: usize, t: usize| table.get(p).and_then(|r| r.get(t)).copied().unwrap_or(0);
        fn best(
            row: usize,
            k: usize,
            used: &mut Vec<bool>,
            at: &dyn Fn(usize, usize) -> usize,
        ) -> usize {
            if row == k {
                return 0;
            }
            let mut top = 0;
            for t in 0..k {
                if !used[t] {
                    used[t] = true;
                    top = top.max(at(row, t) + best(row + 1, k, used, at));
                    used[t] = false;
                }
            }
            top
        }
        best(0, k, &mut vec![false; k], &at) as f64 / predicted.len() as f64
    }

    #[test]
    fn permuted_labels_score_one() {
        let truth: Vec<usize> = (0..60).map(|i| (i * 7) % 6).collect();
        let perm = [3, 5, 0, 1, 4, 2];
        let predicted: Vec<usize> = truth.iter().map(|&t| perm[t] * 10).collect();
        assert_eq!(clustering_accuracy(&predicted, &truth).unwrap(), 1.0);
        let nmi = normalized_mutual_information(&predicted, &truth).unwrap();
        assert!((nmi - 1.0).abs() < 1e-12, "{nmi}");
    }

    #[test]
    fn hungarian_matches_brute_force() {
        for seed in 0..400 {
            let mut rng = StdRng::seed_from_u64(seed);
            let n = rng.random_range(1..=30);
            let cp = rng.random_range(1..=5);
            let ct = rng.random_range(1..=5);
            let truth: Vec<usize> = (0..n).map(|_| rng.random_range(0..ct)).collect();
            // Mix of noisy-correct and random predictions, for varied tables.
            let predicted: Vec<usize> = truth
                .iter()
                .map(|&t| {
                    if rng.random_bool(0.5) {
                        t % cp
                    } else {
                        rng.random_range(0..cp)
                    }
                })
                .collect();
            let fast = clustering_accuracy(&predicted, &truth).unwrap();
            let slow = brute_force_accuracy(&predicted, &truth);
            assert_eq!(fast, slow, "seed {seed}: {predicted:?} vs {truth:?}");
        }
    }

    #[test]
    fn more_clusters_than_classes() {
        // Class 0 split into clusters 0 and 1; only one of them can match.
        let truth = [0, 0, 0, 0, 1, 1];
        let predicted = [0, 0, 0, 1, 2, 2];
        assert!((clustering_accuracy(&predicted, &truth).unwrap() - 5.0 / 6.0).abs() < 1e-12);
        // Every sample its own cluster: one sample per class is matched.
        let own: Vec<usize> = (0..6).collect();
        assert!((clustering_accuracy(&own, &truth).unwrap() - 2.0 / 6.0).abs() < 1e-12);
        // Fewer clusters than classes.
        assert!((clustering_accuracy(&[0; 6], &truth).unwrap() - 4.0 / 6.0).abs() < 1e-12);
    }

    #[test]
    fn contingency_layout() {
        let table = contingency(&[1, 1, 0, 3], &[2, 2, 0, 2]).unwrap();
        assert_eq!(
            table,
            vec![vec![1, 0, 0], vec![0, 0, 2], vec![0, 0, 0], vec![0, 0, 1]]
        );
        let err = contingency(&[0, usize::MAX], &[0, 1])
            .unwrap_err()
            .to_string();
        assert!(err.contains("relabel"), "{err}");
        // Sparse huge ids are still fine for the scores, which compact them.
        assert_eq!(clustering_accuracy(&[7, usize::MAX], &[0, 1]).unwrap(), 1.0);
    }

    #[test]
    fn nmi_hand_computed() {
        // predicted [0,0,1,1], truth [0,0,0,1]: n = 4, cells (0,0)=2, (1,0)=1, (1,1)=1.
        // I = 1/2 ln(4/3) + 1/4 ln(2/3) + 1/4 ln 2; H(P) = ln 2;
        // H(T) = -(3/4 ln 3/4 + 1/4 ln 1/4). scikit-learn gives 0.3437110184854508.
        let mi = 0.5 * (4.0f64 / 3.0).ln() + 0.25 * (2.0f64 / 3.0).ln() + 0.25 * 2.0f64.ln();
        let hp = 2.0f64.ln();
        let ht = -(0.75 * 0.75f64.ln() + 0.25 * 0.25f64.ln());
        let expected = mi / (0.5 * (hp + ht));
        let got = normalized_mutual_information(&[0, 0, 1, 1], &[0, 0, 0, 1]).unwrap();
        assert!((got - expected).abs() < 1e-12);
        assert!((got - 0.343_711_018_485_450_8).abs() < 1e-12);
        // Symmetric, and a second scikit-learn reference value.
        let sym = normalized_mutual_information(&[0, 0, 0, 1], &[0, 0, 1, 1]).unwrap();
        assert!((sym - got).abs() < 1e-12);
        let other =
            normalized_mutual_information(&[0, 1, 2, 0, 1, 2, 2, 1], &[1, 1, 0, 0, 2, 2, 2, 0])
                .unwrap();
        assert!((other - 0.238_622_602_265_261_7).abs() < 1e-12);
    }

    #[test]
    fn nmi_limit_cases() {
        assert_eq!(
            normalized_mutual_information(&[0, 0, 0], &[0, 1, 2]).unwrap(),
            0.0
        );
        assert_eq!(
            normalized_mutual_information(&[0, 1, 2], &[5, 5, 5]).unwrap(),
            0.0
        );
        assert_eq!(
            normalized_mutual_information(&[4, 4], &[1, 1]).unwrap(),
            1.0
        );
        assert_eq!(normalized_mutual_information(&[0], &[0]).unwrap(), 1.0);
        // Independent labelings.
        let nmi = normalized_mutual_information(&[0, 0, 1, 1], &[0, 1, 0, 1]).unwrap();
        assert_eq!(nmi, 0.0);
    }

    #[test]
    fn bad_inputs_are_rejected() {
        for (p, t) in [
            (&[][..], &[][..]),
            (&[0, 1][..], &[0][..]),
            (&[0][..], &[][..]),
        ] {
            assert!(contingency(p, t).is_err());
            assert!(clustering_accuracy(p, t).is_err());
            assert!(normalized_mutual_information(p, t).is_err());
        }
        let err = clustering_accuracy(&[0, 1], &[0]).unwrap_err().to_string();
        assert!(err.contains("2 labels") && err.contains("has 1"), "{err}");
    }
}
