//! How well could *any* estimator order I(X;Y) vs I(X;Z) from N samples? The "oracle" knows the
//! true density and reads the MI off the very N samples an estimator would see: the sample mean
//! of log p(x,y) − log p(x) − log p(y), for both pairs on the same N draws of (X, Y, Z). Its
//! misses come from the sample alone (no estimator bias), so its order accuracy against the
//! 100,000-sample truth is a practical ceiling for the paper's Tab. 3 protocol at that N.
//!
//! ```text
//! cargo build --release --workspace --examples
//! target/release/examples/order_oracle [triplets_per_k] [n]
//! ```

use mutinf_gmm::MonteCarloOptions;
use mutinf_gmm::families::order_triplet;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rayon::prelude::*;

const GAP_EDGES: [f64; 6] = [0.0, 0.01, 0.02, 0.05, 0.1, f64::INFINITY];

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let per_k = args.first().copied().unwrap_or(200);
    let n = args.get(1).copied().unwrap_or(2000);
    let truth = MonteCarloOptions { samples: 100_000, seed: 31, ..Default::default() };
    // (k, gap, oracle right?)
    let rows: Vec<(usize, f64, f64)> = (1..=10usize)
        .flat_map(|k| (0..per_k).map(move |i| (k, i)))
        .collect::<Vec<_>>()
        .par_iter()
        .map(|&(k, i)| {
            let t = order_triplet(k, &truth, &mut StdRng::seed_from_u64(1_000_003 * k as u64 + i as u64)).expect("triplet");
            // The same N draws for both pairs (same seed), as one data set of (X, Y, Z).
            let sample = MonteCarloOptions { samples: n, seed: 7 + i as u64, ..Default::default() };
            let xy = t.gmm.mutual_information(&[0], &[1], &sample).expect("oracle").value;
            let xz = t.gmm.mutual_information(&[0], &[2], &sample).expect("oracle").value;
            let score = if xy == xz { 0.5 } else if (xy > xz) == t.xy_greater() { 1.0 } else { 0.0 };
            (k, (t.mi_xy.value - t.mi_xz.value).abs(), score)
        })
        .collect();
    let acc = |f: &dyn Fn(&(usize, f64, f64)) -> bool| {
        let picked: Vec<_> = rows.iter().filter(|r| f(r)).collect();
        (picked.len(), 100.0 * picked.iter().map(|r| r.2).sum::<f64>() / picked.len().max(1) as f64)
    };
    println!("oracle order accuracy, N = {n}, {per_k} triplets per K (truth: 100,000 samples)");
    println!("| K | accuracy % |\n|---:|---:|");
    for k in 1..=10 {
        println!("| {k} | {:.1} |", acc(&|r| r.0 == k).1);
    }
    println!("| all | {:.1} |", acc(&|_| true).1);
    println!("\n| truth gap | triplets | accuracy % |\n|---|---:|---:|");
    for w in GAP_EDGES.windows(2) {
        let (count, a) = acc(&|r| r.1 >= w[0] && r.1 < w[1]);
        let label = if w[1].is_finite() { format!("{:.2}–{:.2}", w[0], w[1]) } else { format!("≥ {:.2}", w[0]) };
        println!("| {label} | {count} | {a:.1} |");
    }
}
