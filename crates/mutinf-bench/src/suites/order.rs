//! Tab. 3: 3-D evaluation-family mixtures (X, Y, Z) with K = 1..10 components; does each method
//! order I(X;Y) vs I(X;Z) as the (Monte-Carlo) truth does? Both estimates of a triplet use the
//! same N samples of (X, Y, Z).

use mutinf_gmm::MonteCarloOptions;
use mutinf_gmm::families::order_triplet;
use rayon::prelude::*;
use serde_json::json;

use super::run_methods;
use crate::data::{pair_from, rng_for, sample_gmm, sub_seed};
use crate::metrics::order_accuracy;
use crate::table::{Cell, Table};
use crate::{Bench, Result, Suite, SuiteReport, plot};

/// Runs the suite.
pub fn run(bench: &Bench) -> Result<SuiteReport> {
    let methods = bench.methods_for(Suite::Order);
    let n = bench.pick(&bench.sizes.n, 2000, 2000);
    let per_k = bench.pick(&bench.sizes.triplets, 2, 2000);
    let truth_samples = bench.pick(&bench.sizes.truth_samples, 20_000, 100_000);
    let ks: Vec<usize> = (1..=10).collect();
    let mc = MonteCarloOptions { samples: truth_samples, seed: bench.seed_for(&[31]), ..Default::default() };

    let keys: Vec<(usize, usize)> = ks.iter().flat_map(|&k| (0..per_k).map(move |i| (k, i))).collect();
    let bar = crate::progress::bar(bench.progress, keys.len() as u64, "order: truths");
    let triplets = keys
        .par_iter()
        .map(|&(k, i)| {
            let t = order_triplet(k, &mc, &mut rng_for(bench.seed, &[30, k as u64, i as u64]));
            bar.inc(1);
            t
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    bar.finish_and_clear();

    let mut data = Vec::with_capacity(2 * triplets.len());
    for (t, &(k, i)) in triplets.iter().zip(&keys) {
        let s = sample_gmm(&t.gmm, n, sub_seed(bench.seed, &[32, k as u64, i as u64]));
        data.push(pair_from(&s, &[0], &[1])?);
        data.push(pair_from(&s, &[0], &[2])?);
    }
    let est = run_methods(bench, "order", &methods, &data, 1, bench.seed_for(&[33]))?;

    let mut header = vec!["K".to_string(), "triplets".to_string()];
    header.extend(methods.iter().map(|m| format!("{} accuracy %", m.name())));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(
        "accuracy",
        format!("Order accuracy of I(X;Y) vs I(X;Z) (%), N = {n}, {per_k} triplets per K (equal estimates count ½)"),
        &header_refs,
    );
    let mut raw = Table::raw("raw", &["k", "triplet", "truth_xy", "truth_xz", "method", "estimate_xy", "estimate_xz"]);
    let mut series: Vec<Vec<(f64, f64)>> = vec![Vec::new(); methods.len()];
    // `filter` picks triplets by index.
    let items_for = |mi: usize, filter: &dyn Fn(usize) -> bool| -> Vec<(f64, f64, f64, f64)> {
        (0..triplets.len())
            .filter(|&t| filter(t))
            .map(|t| (triplets[t].mi_xy.value, triplets[t].mi_xz.value, est[mi][2 * t].mi, est[mi][2 * t + 1].mi))
            .collect()
    };
    for &k in &ks {
        let mut row = vec![Cell::Int(k as i64), per_k.into()];
        for (mi, s) in series.iter_mut().enumerate() {
            let acc = order_accuracy(&items_for(mi, &|t| keys[t].0 == k)).unwrap_or(f64::NAN) * 100.0;
            row.push(Cell::num(acc, 1));
            s.push((k as f64, acc));
        }
        table.push(row);
    }
    let mut row = vec![Cell::Text("all".into()), triplets.len().into()];
    for mi in 0..methods.len() {
        row.push(Cell::num(order_accuracy(&items_for(mi, &|_| true)).unwrap_or(f64::NAN) * 100.0, 1));
    }
    table.push(row);
    let by_gap = gap_table(&methods, &triplets, &items_for);
    for (mi, m) in methods.iter().enumerate() {
        for (t, &(k, i)) in keys.iter().enumerate() {
            raw.push(vec![
                k.into(),
                i.into(),
                Cell::num(triplets[t].mi_xy.value, 4),
                Cell::num(triplets[t].mi_xz.value, 4),
                m.name().into(),
                Cell::num(est[mi][2 * t].mi, 4),
                Cell::num(est[mi][2 * t + 1].mi, 4),
            ]);
        }
    }
    let png = plot::write(
        &bench.out_dir,
        "order.png",
        "Order accuracy of I(X;Y) vs I(X;Z)",
        "components K",
        "accuracy (%)",
        methods.iter().zip(series).map(|(m, s)| plot::line(m.name(), s)).collect(),
        false,
        false,
    )?;
    Ok(SuiteReport {
        suite: "order".into(),
        title: "Order accuracy on 3-D mixtures (paper Tab. 3)".into(),
        settings: json!({"n": n, "triplets_per_k": per_k, "k": "1..10", "truth_samples": truth_samples, "mine_steps": bench.mine_steps()}),
        notes: vec![format!(
            "Truths by Monte-Carlo ({truth_samples} samples, common random numbers for both pairs; analytic for K = 1). \
             Triplets whose truths are closer than their Monte-Carlo error are still counted, as in the paper \
             (median Monte-Carlo standard error of a truth: {:.4} nats).",
            median_std_error(&triplets)
        )],
        tables: vec![table, by_gap, raw],
        plots: vec![png],
        seconds: 0.0,
    })
}

/// Edges (nats) of the truth-gap bins of the accuracy-by-gap table.
const GAP_EDGES: [f64; 6] = [0.0, 0.01, 0.02, 0.05, 0.1, f64::INFINITY];

/// A method index and a filter on triplet indices → `(truth_xy, truth_xz, estimate_xy,
/// estimate_xz)` of each triplet that passes, as [`order_accuracy`] reads them.
type ItemsFor<'a> = dyn Fn(usize, &dyn Fn(usize) -> bool) -> Vec<(f64, f64, f64, f64)> + 'a;

/// Accuracy by how far apart the two truths of a triplet are, |I(X;Y) − I(X;Z)|: near-ties —
/// gaps below the estimators' own noise at this N — cap every method's accuracy, so this says
/// how much of a miss any estimator could avoid.
fn gap_table(
    methods: &[crate::Method],
    triplets: &[mutinf_gmm::OrderTriplet],
    items_for: &ItemsFor<'_>,
) -> Table {
    let mut header = vec!["truth gap (nats)".to_string(), "triplets".to_string(), "share %".to_string()];
    header.extend(methods.iter().map(|m| format!("{} accuracy %", m.name())));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut table = Table::new(
        "accuracy-by-gap",
        "Order accuracy (%) by the gap between the two truths, |I(X;Y) − I(X;Z)|",
        &header_refs,
    );
    for w in GAP_EDGES.windows(2) {
        let in_bin = |t: usize| {
            let gap = (triplets[t].mi_xy.value - triplets[t].mi_xz.value).abs();
            gap >= w[0] && gap < w[1]
        };
        let count = (0..triplets.len()).filter(|&t| in_bin(t)).count();
        let label = if w[1].is_finite() { format!("{:.2}–{:.2}", w[0], w[1]) } else { format!("≥ {:.2}", w[0]) };
        let mut row = vec![
            Cell::Text(label),
            count.into(),
            Cell::num(100.0 * count as f64 / triplets.len().max(1) as f64, 1),
        ];
        for mi in 0..methods.len() {
            row.push(Cell::num(order_accuracy(&items_for(mi, &in_bin)).unwrap_or(f64::NAN) * 100.0, 1));
        }
        table.push(row);
    }
    table
}

/// Median Monte-Carlo standard error over the triplets' truths (0 when all are analytic).
fn median_std_error(triplets: &[mutinf_gmm::OrderTriplet]) -> f64 {
    let mut se: Vec<f64> = triplets.iter().flat_map(|t| [t.mi_xy.std_error, t.mi_xz.std_error]).collect();
    se.sort_by(f64::total_cmp);
    se.get(se.len() / 2).copied().unwrap_or(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mutinf_gmm::{GaussianMixture, OrderTriplet, TrueMi};

    fn triplet(xy: f64, xz: f64) -> OrderTriplet {
        let truth = |value| TrueMi { value, std_error: 0.001 * value, samples: 1, analytic: false };
        let gmm = GaussianMixture::new(
            vec![1.0],
            vec![vec![0.0; 3]],
            vec![vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0], vec![0.0, 0.0, 1.0]]],
        )
        .unwrap();
        OrderTriplet { gmm, mi_xy: truth(xy), mi_xz: truth(xz) }
    }

    #[test]
    fn accuracy_by_gap_bins_every_triplet_once_and_scores_within_its_bin() {
        // Gaps 0.005 (missed), 0.015 (right), 0.3 and 0.2 (right, wrong).
        let triplets = vec![triplet(0.100, 0.105), triplet(0.2, 0.215), triplet(0.5, 0.2), triplet(0.1, 0.3)];
        let estimates = [(0.11, 0.10), (0.19, 0.21), (0.4, 0.3), (0.3, 0.1)];
        let items_for = |_mi: usize, filter: &dyn Fn(usize) -> bool| -> Vec<(f64, f64, f64, f64)> {
            (0..triplets.len())
                .filter(|&t| filter(t))
                .map(|t| (triplets[t].mi_xy.value, triplets[t].mi_xz.value, estimates[t].0, estimates[t].1))
                .collect()
        };
        let table = gap_table(&[crate::Method::Ksg], &triplets, &items_for);
        let counts: Vec<i64> = table.rows.iter().map(|r| if let Cell::Int(c) = r[1] { c } else { -1 }).collect();
        assert_eq!(counts, vec![1, 1, 0, 0, 2]);
        let acc: Vec<f64> = table.rows.iter().map(|r| if let Cell::Num { value, .. } = r[3] { value } else { -1.0 }).collect();
        assert_eq!(acc[0], 0.0);
        assert_eq!(acc[1], 100.0);
        assert!(acc[2].is_nan() && acc[3].is_nan());
        assert_eq!(acc[4], 50.0);
        assert!((median_std_error(&triplets) - 0.0002).abs() < 1e-12);
    }
}
