//! Speed of conditional MI and transfer entropy (the goals: CMI at N = 2 000 with
//! 1-D X, Y, Z ≤ 3 ms; TE at 10 000 samples, k = l = 1, ≤ 50 ms), release build:
//! `cargo run -p mutinf-estimators --release --example cmi_speed`.
//! Reports the median of repeated runs on one thread (parallel off) and with rayon.

use std::time::Instant;

use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, KsgCmiParams, ksg_cmi_tree};
use mutinf_estimators::time_series::TeParams;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// CPU time of this thread in ms (Linux `/proc/thread-self/schedstat`), or NaN elsewhere.
/// Reported next to wall time because the build machine is shared: on a busy machine the
/// wall time of a single-threaded run includes time spent waiting for a core.
fn thread_cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|v| v.parse::<f64>().ok()))
        .map_or(f64::NAN, |ns| ns / 1e6)
}

/// Median wall ms, mean thread-CPU ms (the kernel accounts CPU time in ticks of a few ms,
/// so it is read once around all runs) and the last value of `reps` runs.
fn median_ms(reps: usize, mut f: impl FnMut() -> f64) -> (f64, f64, f64) {
    let mut wall = Vec::with_capacity(reps);
    let mut v = 0.0;
    let c = thread_cpu_ms();
    for _ in 0..reps {
        let t = Instant::now();
        v = f();
        wall.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let cpu = (thread_cpu_ms() - c) / reps as f64;
    wall.sort_by(f64::total_cmp);
    (wall[reps / 2], cpu, v)
}

fn main() -> mutinf_core::Result<()> {
    let mut r = StdRng::seed_from_u64(1);
    let mut g = || r.sample::<f64, _>(StandardNormal);
    for n in [2_000usize, 10_000] {
        let reps = 2_000_000 / n / 5;
        let z: Vec<f64> = (0..n).map(|_| g()).collect();
        let x: Vec<f64> = z.iter().map(|v| v + 0.5 * g()).collect();
        let y: Vec<f64> = z.iter().zip(&x).map(|(v, a)| v + 0.3 * a + 0.5 * g()).collect();
        let data = ConditionalSamples::from_columns(&x, &y, &z)?;
        for parallel in [false, true] {
            let est = KsgCmiParams::new().parallel(parallel).check()?;
            let (ms, cpu, v) = median_ms(reps, || est.estimate(&data).unwrap().mi);
            println!("ksg-cmi 1x1x1 N = {n:>6} parallel = {parallel:<5}: wall {ms:7.3} ms, thread CPU {cpu:7.3} ms (value {v:.4})");
        }
        let (xs, ys, zs) = (data.x().to_owned(), data.y().to_owned(), data.z().to_owned());
        let (ms, cpu, v) = median_ms(reps, || ksg_cmi_tree(xs.view(), ys.view(), zs.view(), 3, false).unwrap());
        println!("ksg-cmi 1x1x1 N = {n:>6} kd-tree path   : wall {ms:7.3} ms, thread CPU {cpu:7.3} ms (value {v:.4}, unscaled)");
    }
    // TE(X → Y), k = l = d = 1, on 10 000 samples of a coupled AR pair.
    let n = 10_000;
    let (mut x, mut y) = (vec![0.0; n], vec![0.0; n]);
    for t in 1..n {
        x[t] = 0.6 * x[t - 1] + g();
        y[t] = 0.5 * y[t - 1] + 0.4 * x[t - 1] + g();
    }
    for parallel in [false, true] {
        let cmi = KsgCmiParams::new().parallel(parallel).check()?;
        let te = TeParams::new().check()?;
        let (ms, cpu, v) = median_ms(20, || te.run(&cmi, &x, &y).unwrap().estimate.mi);
        println!("TE k = l = 1 N = {n} parallel = {parallel:<5}: wall {ms:7.3} ms, thread CPU {cpu:7.3} ms (value {v:.4})");
    }
    Ok(())
}
