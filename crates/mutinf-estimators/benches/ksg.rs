//! KSG speed over sizes: `cargo bench -p mutinf-estimators --bench ksg`.
//!
//! Groups: 1x1 Gaussian (rho = 0.5) on one core (parallel off) and with rayon; 1x1 Cauchy-
//! tailed data (heavy tails must cost at most ~2x); a 2x2 multivariate block (kd-tree path).
//! Goals from the issue (reported, not asserted): N = 2000 1x1 ≤ 0.5 ms on one core,
//! N = 100k ≤ 100 ms.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use mutinf_estimators::ksg::{KsgAlgorithm, ksg_mi};
use mutinf_estimators::preprocess::scale_columns;
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Cauchy, Distribution, StandardNormal};
use std::hint::black_box;

fn gaussian(n: usize, d: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut r = StdRng::seed_from_u64(seed);
    let x = Array2::from_shape_fn((n, d), |_| r.sample::<f64, _>(StandardNormal));
    let y = Array2::from_shape_fn((n, d), |(i, j)| 0.5 * x[[i, j]] + 0.866 * r.sample::<f64, _>(StandardNormal));
    (scale_columns(x.view()), scale_columns(y.view()))
}

fn cauchy(n: usize, seed: u64) -> (Array2<f64>, Array2<f64>) {
    let mut r = StdRng::seed_from_u64(seed);
    let c = Cauchy::new(0.0, 1.0).unwrap();
    let x = Array2::from_shape_fn((n, 1), |_| c.sample(&mut r));
    let y = Array2::from_shape_fn((n, 1), |(i, _)| x[[i, 0]] + c.sample(&mut r));
    (scale_columns(x.view()), scale_columns(y.view()))
}

fn bench(c: &mut Criterion) {
    let sizes = [2_000usize, 10_000, 100_000];
    let mut g = c.benchmark_group("ksg1_1x1_gaussian_one_core");
    for &n in &sizes {
        let (x, y) = gaussian(n, 1, 1);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| ksg_mi(black_box(x.view()), y.view(), 3, KsgAlgorithm::One, false).unwrap())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ksg1_1x1_gaussian_parallel");
    for &n in &sizes[1..] {
        let (x, y) = gaussian(n, 1, 1);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| ksg_mi(black_box(x.view()), y.view(), 3, KsgAlgorithm::One, true).unwrap())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ksg1_1x1_cauchy_one_core");
    for &n in &sizes {
        let (x, y) = cauchy(n, 2);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| ksg_mi(black_box(x.view()), y.view(), 3, KsgAlgorithm::One, false).unwrap())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ksg2_1x1_gaussian_one_core");
    for &n in &sizes[..2] {
        let (x, y) = gaussian(n, 1, 3);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| ksg_mi(black_box(x.view()), y.view(), 3, KsgAlgorithm::Two, false).unwrap())
        });
    }
    g.finish();

    let mut g = c.benchmark_group("ksg1_2x2_gaussian_parallel");
    for &n in &sizes {
        let (x, y) = gaussian(n, 2, 4);
        g.bench_with_input(BenchmarkId::from_parameter(n), &n, |b, _| {
            b.iter(|| ksg_mi(black_box(x.view()), y.view(), 3, KsgAlgorithm::One, true).unwrap())
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(std::time::Duration::from_secs(3));
    targets = bench
}
criterion_main!(benches);
