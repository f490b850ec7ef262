//! Seeded data generators and the brute-force KSG oracle shared by the integration tests.
#![allow(dead_code)]

use mutinf_core::PairedSamples;
use mutinf_estimators::ksg::KsgAlgorithm;
use mutinf_estimators::neighbours::Metric;
use mutinf_estimators::special::digamma;
use ndarray::{Array2, ArrayView2};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Cauchy, Distribution, StandardNormal};

pub fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

/// Bivariate standard normal with correlation rho.
pub fn gaussian_pair(n: usize, rho: f64, seed: u64) -> PairedSamples {
    let mut r = rng(seed);
    let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for _ in 0..n {
        let a: f64 = r.sample(StandardNormal);
        let b: f64 = r.sample(StandardNormal);
        x.push(a);
        y.push(rho * a + (1.0 - rho * rho).sqrt() * b);
    }
    PairedSamples::from_columns(&x, &y).unwrap()
}

/// Cauchy-tailed dependence: x ~ Cauchy, y = x + Cauchy noise.
pub fn cauchy_pair(n: usize, seed: u64) -> PairedSamples {
    let mut r = rng(seed);
    let c = Cauchy::new(0.0, 1.0).unwrap();
    let x: Vec<f64> = (0..n).map(|_| c.sample(&mut r)).collect();
    let y: Vec<f64> = x.iter().map(|v| v + c.sample(&mut r)).collect();
    PairedSamples::from_columns(&x, &y).unwrap()
}

/// Heavily tied data: small integers plus dependence, many exact duplicates.
pub fn tied_pair(n: usize, seed: u64) -> PairedSamples {
    let mut r = rng(seed);
    let x: Vec<f64> = (0..n).map(|_| r.random_range(0..6) as f64).collect();
    let y: Vec<f64> = x.iter().map(|v| (v + r.random_range(0..3) as f64).floor()).collect();
    PairedSamples::from_columns(&x, &y).unwrap()
}

/// N x (dx + dy) standard normal blocks where X_i and Y_i are correlated with rho_i
/// (i < min(dx, dy)); MI = -1/2 Σ ln(1 - rho_i²).
pub fn gaussian_blocks(n: usize, dx: usize, dy: usize, rhos: &[f64], seed: u64) -> (PairedSamples, f64) {
    let mut r = rng(seed);
    let mut x = Array2::zeros((n, dx));
    let mut y = Array2::zeros((n, dy));
    for i in 0..n {
        for j in 0..dx {
            x[[i, j]] = r.sample::<f64, _>(StandardNormal);
        }
        for j in 0..dy {
            let e: f64 = r.sample(StandardNormal);
            y[[i, j]] = if j < rhos.len() && j < dx { rhos[j] * x[[i, j]] + (1.0 - rhos[j] * rhos[j]).sqrt() * e } else { e };
        }
    }
    let mi = -0.5 * rhos.iter().take(dx.min(dy)).map(|r| (1.0 - r * r).ln()).sum::<f64>();
    (PairedSamples::new(x, y).unwrap(), mi)
}

/// Gaussian MI for correlation rho.
pub fn gaussian_mi(rho: f64) -> f64 {
    -0.5 * (1.0 - rho * rho).ln()
}

/// The O(N²) KSG oracle: for every point, all N-1 joint max-norm distances sorted by
/// (distance, row); counts by a full scan. Sums in row order. A point whose k-th distance is 0
/// (k or more exact copies) follows Gao et al. (2017): k becomes its number of copies and its
/// marginal counts take the points at distance ≤ 0.
pub fn ksg_brute_force(x: ArrayView2<f64>, y: ArrayView2<f64>, k: usize, algorithm: KsgAlgorithm) -> f64 {
    let n = x.nrows();
    let row = |a: ArrayView2<f64>, i: usize| a.row(i).to_vec();
    let xs: Vec<Vec<f64>> = (0..n).map(|i| row(x, i)).collect();
    let ys: Vec<Vec<f64>> = (0..n).map(|i| row(y, i)).collect();
    let m = Metric::MaxNorm;
    let mut sum = 0.0;
    for i in 0..n {
        let mut d: Vec<(f64, usize)> = (0..n)
            .filter(|&j| j != i)
            .map(|j| (m.distance(&xs[i], &xs[j]).max(m.distance(&ys[i], &ys[j])), j))
            .collect();
        d.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        if d[k - 1].0 == 0.0 {
            let copies = d.iter().filter(|e| e.0 == 0.0).count() as f64;
            let nx = (0..n).filter(|&j| j != i && m.distance(&xs[i], &xs[j]) <= 0.0).count() as f64;
            let ny = (0..n).filter(|&j| j != i && m.distance(&ys[i], &ys[j]) <= 0.0).count() as f64;
            let (kf, plain_k) = (k as f64, digamma(k as f64));
            // `base` below adds ψ(k) (− 1/k) for every point: swap in the copies' terms.
            sum -= match algorithm {
                KsgAlgorithm::One => digamma(copies) - plain_k - digamma(nx + 1.0) - digamma(ny + 1.0),
                KsgAlgorithm::Two => digamma(copies) - 1.0 / copies - plain_k + 1.0 / kf - digamma(nx) - digamma(ny),
            };
            continue;
        }
        match algorithm {
            KsgAlgorithm::One => {
                let eps = d[k - 1].0;
                let nx = (0..n).filter(|&j| j != i && m.distance(&xs[i], &xs[j]) < eps).count();
                let ny = (0..n).filter(|&j| j != i && m.distance(&ys[i], &ys[j]) < eps).count();
                sum += digamma(nx as f64 + 1.0) + digamma(ny as f64 + 1.0);
            }
            KsgAlgorithm::Two => {
                let ex = d[..k].iter().map(|&(_, j)| m.distance(&xs[i], &xs[j])).fold(0.0, f64::max);
                let ey = d[..k].iter().map(|&(_, j)| m.distance(&ys[i], &ys[j])).fold(0.0, f64::max);
                let nx = (0..n).filter(|&j| j != i && m.distance(&xs[i], &xs[j]) <= ex).count();
                let ny = (0..n).filter(|&j| j != i && m.distance(&ys[i], &ys[j]) <= ey).count();
                sum += digamma(nx as f64) + digamma(ny as f64);
            }
        }
    }
    let base = digamma(k as f64) + digamma(n as f64) - sum / n as f64;
    match algorithm {
        KsgAlgorithm::One => base,
        KsgAlgorithm::Two => base - 1.0 / k as f64,
    }
}
