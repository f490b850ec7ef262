//! Measures 2-D sampling throughput (single thread) and Monte-Carlo truth timings.
//!
//! ```text
//! cargo run --release -p mutinf-gmm --example throughput
//! ```

use std::time::Instant;

use mutinf_gmm::families::PaperTrainFamily;
use mutinf_gmm::{GaussianMixture, MonteCarloOptions};
use rand::SeedableRng;
use rand::rngs::{SmallRng, StdRng};

fn train_gmm(k: usize, seed: u64) -> GaussianMixture {
    PaperTrainFamily {
        components: (k, k),
        ..Default::default()
    }
    .sample(&mut StdRng::seed_from_u64(seed))
    .expect("valid family")
}

/// Best of `reps` runs, in seconds.
fn best_of(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

fn main() {
    let n = 10_000_000;
    let mut buf = vec![0.0; 2 * n];
    println!("2-D sampling, single thread, {n} samples, best of 3:");
    for k in [1, 5, 20] {
        let g = train_gmm(k, 1);
        let mut std_rng = StdRng::seed_from_u64(0);
        let t_std = best_of(3, || g.sample_into(&mut buf, &mut std_rng));
        let mut small_rng = SmallRng::seed_from_u64(0);
        let t_small = best_of(3, || g.sample_into(&mut buf, &mut small_rng));
        let t_arr = best_of(3, || {
            std::hint::black_box(g.sample(n, &mut std_rng));
        });
        println!(
            "  K={k:>2}: sample_into StdRng {:>6.1} M/s | SmallRng {:>6.1} M/s | sample() -> Array2, StdRng {:>6.1} M/s",
            n as f64 / t_std / 1e6,
            n as f64 / t_small / 1e6,
            n as f64 / t_arr / 1e6
        );
    }
    std::hint::black_box(&buf);

    println!("Monte-Carlo truth I(X0; X1), 2-D, 100k samples, best of 3:");
    let opts = MonteCarloOptions {
        samples: 100_000,
        seed: 1,
        ..Default::default()
    };
    for k in [5, 20] {
        let g = train_gmm(k, 2);
        for threads in [1, 2] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("thread pool");
            let mut mi = None;
            let t = best_of(3, || {
                mi = Some(pool.install(|| {
                    g.mutual_information(&[0], &[1], &opts)
                        .expect("valid blocks")
                }))
            });
            let mi = mi.expect("ran");
            println!(
                "  K={k:>2}, {threads} thread(s): {:>7.1} ms  (MI = {:.4} ± {:.4} nats)",
                t * 1e3,
                mi.value,
                mi.std_error
            );
        }
    }
}
