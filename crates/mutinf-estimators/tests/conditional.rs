//! Conditional MI: the fast Frenzel-Pompe estimator against an O(N²) brute force of the same
//! formula (1e-9), against analytic Gaussian truths, conditional independence, and plain MI;
//! the Gaussian CMI against exact values; bad input.
//!
//! Tolerances come from the seed spreads measured by `examples/cmi_accuracy.rs` (20 seeds,
//! N = 5 000, k = 3); each test averages 4 seeds, whose mean has sd σ/2, and allows
//! |bias| + 4·σ/2 (stated per test).

mod cmi_common;

use cmi_common::*;
use mutinf_core::{Estimator, MutinfError, PairedSamples};
use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, GaussianCmi, KsgCmiParams, ksg_cmi, ksg_cmi_tree};
use mutinf_estimators::ksg::KsgParams;
use mutinf_estimators::neighbours::Metric;
use mutinf_estimators::preprocess::scale_columns;
use mutinf_estimators::special::digamma;
use ndarray::{Array2, ArrayView2, Axis, concatenate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Cauchy, Distribution};

/// The O(N²) oracle: per point, all N − 1 joint max-norm distances sorted, ε = the k-th;
/// counts by full scans with distance max(‖x_j − x_i‖, ‖z_j − z_i‖) etc. A point with ε = 0
/// uses its number of copies for k and counts at distance ≤ 0 (the tie rule of KSG).
fn cmi_brute_force(x: ArrayView2<f64>, y: ArrayView2<f64>, z: ArrayView2<f64>, k: usize) -> f64 {
    let n = x.nrows();
    let rows = |a: ArrayView2<f64>| (0..n).map(|i| a.row(i).to_vec()).collect::<Vec<_>>();
    let (xs, ys, zs) = (rows(x), rows(y), rows(z));
    let m = Metric::MaxNorm;
    let mut sum = 0.0;
    for i in 0..n {
        let dxz = |j: usize| m.distance(&xs[i], &xs[j]).max(m.distance(&zs[i], &zs[j]));
        let dyz = |j: usize| m.distance(&ys[i], &ys[j]).max(m.distance(&zs[i], &zs[j]));
        let dz = |j: usize| m.distance(&zs[i], &zs[j]);
        let mut d: Vec<f64> = (0..n).filter(|&j| j != i).map(|j| dxz(j).max(m.distance(&ys[i], &ys[j]))).collect();
        d.sort_by(f64::total_cmp);
        let eps = d[k - 1];
        let count = |f: &dyn Fn(usize) -> f64| {
            (0..n).filter(|&j| j != i && if eps > 0.0 { f(j) < eps } else { f(j) <= 0.0 }).count() as f64
        };
        let k_eff = if eps > 0.0 { k as f64 } else { d.iter().filter(|&&v| v == 0.0).count() as f64 };
        sum += digamma(k_eff) - digamma(count(&dxz) + 1.0) - digamma(count(&dyz) + 1.0) + digamma(count(&dz) + 1.0);
    }
    sum / n as f64
}

fn check_oracle(data: &ConditionalSamples, k: usize, label: &str) {
    let (x, y, z) = (scale_columns(data.x()), scale_columns(data.y()), scale_columns(data.z()));
    let oracle = cmi_brute_force(x.view(), y.view(), z.view(), k);
    let fast = KsgCmiParams::new().k(k).check().unwrap().estimate(data).unwrap().mi;
    assert!((fast - oracle).abs() < 1e-9, "{label} k={k}: fast {fast} vs brute {oracle}");
    let tree = ksg_cmi_tree(x.view(), y.view(), z.view(), k, false).unwrap();
    assert!((tree - oracle).abs() < 1e-9, "{label} k={k}: tree path {tree} vs brute {oracle}");
}

fn random_block(n: usize, d: usize, seed: u64, f: impl Fn(&mut StdRng) -> f64) -> Array2<f64> {
    let mut r = StdRng::seed_from_u64(seed);
    Array2::from_shape_fn((n, d), |_| f(&mut r))
}

#[test]
fn matches_brute_force_on_small_random_data() {
    // Gaussian chains (1-D), multivariate X, Y, Z, Cauchy tails, and tied integer data
    // (most distances tie; many points have ε = 0).
    for (seed, k) in [(1, 1), (2, 3), (3, 7)] {
        check_oracle(&gaussian_chain(400, seed).0, k, "chain");
    }
    check_oracle(&gaussian_two_z(350, 4).0, 3, "2-D Z");
    let normal = |r: &mut StdRng| r.sample::<f64, _>(rand_distr::StandardNormal);
    for (seed, (dx, dy, dz)) in [(5, (2, 1, 3)), (6, (1, 2, 2)), (7, (3, 3, 1))] {
        let z = random_block(300, dz, seed, normal);
        let x = random_block(300, dx, seed + 100, normal) + z.column(0).insert_axis(Axis(1));
        let y = random_block(300, dy, seed + 200, normal) + x.column(0).insert_axis(Axis(1)) + z.column(dz - 1).insert_axis(Axis(1));
        let data = ConditionalSamples::new(x, y, z).unwrap();
        for k in [1, 4] {
            check_oracle(&data, k, &format!("{dx}x{dy}x{dz}"));
        }
    }
    let c = Cauchy::new(0.0, 1.0).unwrap();
    let cauchy = |seed| random_block(300, 1, seed, |r| c.sample(r));
    let (cx, cz) = (cauchy(8), cauchy(9));
    let cy = &cx + &cz + cauchy(10);
    check_oracle(&ConditionalSamples::new(cx, cy, cz).unwrap(), 3, "cauchy");
    let int = |seed, m: u32| random_block(300, 1, seed, move |r| r.random_range(0..m) as f64);
    let (tx, tz) = (int(11, 4), int(12, 3));
    let ty = &tx + &tz + int(13, 2);
    for k in [1, 3, 10] {
        check_oracle(&ConditionalSamples::new(tx.clone(), ty.clone(), tz.clone()).unwrap(), k, "tied");
    }
    // Tiny N, barely above k.
    for n in 3..9 {
        check_oracle(&gaussian_chain(n, 20 + n as u64).0, 2, &format!("tiny n={n}"));
    }
}

#[test]
fn parallel_and_serial_are_bit_identical() {
    let (data, _) = gaussian_chain(6_000, 30);
    let (a, b) = (ksg_cmi(data.x(), data.y(), data.z(), 3, true).unwrap(), ksg_cmi(data.x(), data.y(), data.z(), 3, false).unwrap());
    assert_eq!(a.to_bits(), b.to_bits());
}

fn mean_over_seeds(make: fn(usize, u64) -> (ConditionalSamples, f64), first_seed: u64, est: &dyn ConditionalEstimator) -> (f64, f64) {
    let mut truth = 0.0;
    let mut sum = 0.0;
    for seed in first_seed..first_seed + 4 {
        let (data, t) = make(5_000, seed);
        truth = t;
        sum += est.estimate(&data).unwrap().mi;
    }
    (sum / 4.0, truth)
}

#[test]
fn gaussian_truth_within_noise() {
    let ksg = KsgCmiParams::new().k(3).check().unwrap();
    // 1-D Z: truth 0.0843 = −½ ln(1 − ρ²_XY·Z); measured bias −0.002, σ = 0.010 per estimate,
    // so the 4-seed mean is allowed 0.002 + 4·0.005 ≈ 0.022.
    let (mean, truth) = mean_over_seeds(gaussian_chain, 1_000, &ksg);
    assert!((mean - truth).abs() < 0.022, "chain: mean {mean} vs truth {truth}");
    // The truth is the partial-correlation formula (checked against the covariance route).
    let rho = partial_correlation_chain();
    assert!((truth - (-0.5 * (1.0 - rho * rho).ln())).abs() < 1e-12);
    // 2-D Z: truth 0.1252, bias −0.003, σ = 0.015 → 0.003 + 4·0.0075 ≈ 0.033.
    let (mean, truth) = mean_over_seeds(gaussian_two_z, 1_100, &ksg);
    assert!((mean - truth).abs() < 0.033, "2-D Z: mean {mean} vs truth {truth}");
}

/// ρ_XY·Z of `gaussian_chain` from the pairwise correlations (the textbook formula).
fn partial_correlation_chain() -> f64 {
    // Var: X = 0.8² + 0.6² = 1; Y = (0.9)² + 0.3² + 0.7²; Z = 1.
    let (sxx, syy, szz) = (1.0, 0.81 + 0.09 + 0.49, 1.0);
    let (sxy, sxz, syz) = (0.9 * 0.8 + 0.3 * 0.6, 0.8, 0.9);
    let r = |s: f64, a: f64, b: f64| s / (a * b).sqrt();
    let (rxy, rxz, ryz) = (r(sxy, sxx, syy), r(sxz, sxx, szz), r(syz, syy, szz));
    (rxy - rxz * ryz) / ((1.0 - rxz * rxz) * (1.0 - ryz * ryz)).sqrt()
}

#[test]
fn conditionally_independent_reads_zero() {
    let ksg = KsgCmiParams::new().k(3).check().unwrap();
    // X, Y strongly dependent through Z (ρ = 1/1.09, I(X; Y) = 0.92 nats) yet X ⫫ Y | Z: measured bias
    // −0.008, σ = 0.007 → 0.008 + 4·0.0035 = 0.022.
    let (data, truth) = common_cause(5_000, 2_000);
    assert!(truth.abs() < 1e-12, "analytic truth {truth}");
    let mi = KsgParams::new().check().unwrap().estimate(&PairedSamples::new(data.x().to_owned(), data.y().to_owned()).unwrap()).unwrap().mi;
    assert!((mi - 0.9205).abs() < 0.05, "the pair itself is strongly dependent: {mi}");
    let (mean, _) = mean_over_seeds(common_cause, 2_000, &ksg);
    assert!(mean.abs() < 0.022, "X ⫫ Y | Z but CMI {mean}");
}

#[test]
fn independent_z_gives_plain_mi() {
    // Z independent of (X, Y): I(X; Y | Z) = I(X; Y) = 0.2231. CMI − KSG MI on the same
    // rows: measured mean −0.003, σ = 0.0135 → 4-seed mean within 0.003 + 4·0.0068 ≈ 0.03;
    // and each within the truth's noise.
    let ksg_cmi = KsgCmiParams::new().k(3).check().unwrap();
    let ksg = KsgParams::new().k(3).check().unwrap();
    let mut diff = 0.0;
    for seed in 3_000..3_004 {
        let (data, truth) = independent_z(5_000, 0.6, seed);
        let c = ksg_cmi.estimate(&data).unwrap().mi;
        let m = ksg.estimate(&PairedSamples::new(data.x().to_owned(), data.y().to_owned()).unwrap()).unwrap().mi;
        assert!((c - truth).abs() < 0.05, "CMI {c} vs truth {truth} (σ = 0.012)");
        diff += (c - m) / 4.0;
    }
    assert!(diff.abs() < 0.03, "CMI − MI = {diff}");
}

#[test]
fn gaussian_cmi_is_exact_on_its_own_covariance_and_close_on_samples() {
    // Exact: data whose sample covariance *is* a chosen matrix (whitened then coloured), so
    // the estimator must return the analytic value to rounding.
    let (data, _) = gaussian_chain(2_000, 4_000);
    let all = concatenate(Axis(1), &[data.x(), data.y(), data.z()]).unwrap();
    let n = all.nrows() as f64;
    let c = &all - &all.mean_axis(Axis(0)).unwrap();
    let cov = c.t().dot(&c) / n;
    let via_cov = mutinf_estimators::conditional::gaussian_cmi_from_covariance(cov.view(), &[0], &[1], &[2]).unwrap();
    let est = GaussianCmi.estimate(&data).unwrap().mi;
    assert!((est - via_cov).abs() < 1e-12);
    let r = |a: usize, b: usize| cov[[a, b]] / (cov[[a, a]] * cov[[b, b]]).sqrt();
    let rho = (r(0, 1) - r(0, 2) * r(1, 2)) / ((1.0 - r(0, 2).powi(2)) * (1.0 - r(1, 2).powi(2))).sqrt();
    assert!((est - (-0.5 * (1.0 - rho * rho).ln())).abs() < 1e-12, "{est} vs partial-correlation {rho}");
    // On samples: measured σ = 0.006 at N = 5 000 → 4σ.
    let (mean, truth) = mean_over_seeds(gaussian_chain, 4_100, &GaussianCmi);
    assert!((mean - truth).abs() < 0.012, "{mean} vs {truth}");
}

#[test]
fn bad_input_gives_clear_errors() {
    let ksg = KsgCmiParams::new().k(3).check().unwrap();
    // NaN in Z names the column and row.
    let err = ConditionalSamples::from_columns(&[1.0, 2.0, 3.0, 4.0], &[1.0, 3.0, 2.0, 4.0], &[0.0, 1.0, f64::NAN, 2.0]).unwrap_err();
    assert!(matches!(err, MutinfError::NonFinite { row: 2, ref column, .. } if column == "Z0"), "{err}");
    assert!(err.to_string().contains("remove or impute"), "{err}");
    // k ≥ N.
    let small = ConditionalSamples::from_columns(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0], &[3.0, 1.0, 2.0]).unwrap();
    let err = ksg.estimate(&small).unwrap_err();
    assert!(matches!(err, MutinfError::TooFewSamples { n: 3, min: 4, .. }), "{err}");
    assert!(err.to_string().contains("lower k"), "{err}");
    // Mismatched lengths, constant column, k = 0.
    let err = ConditionalSamples::from_columns(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0], &[3.0, 1.0]).unwrap_err();
    assert!(err.to_string().contains("Z rows"), "{err}");
    let err = ConditionalSamples::from_columns(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0], &[5.0, 5.0, 5.0]).unwrap_err();
    assert!(matches!(err, MutinfError::ConstantColumn { .. }), "{err}");
    assert!(KsgCmiParams::new().k(0).check().is_err());
    // Collinear columns in the Gaussian CMI.
    let x = [1.0, 2.0, 3.0, 5.0];
    let data = ConditionalSamples::from_columns(&x, &[2.0, 1.0, 4.0, 3.0], &x.map(|v| 2.0 * v + 1.0)).unwrap();
    let err = GaussianCmi.estimate(&data).unwrap_err();
    assert!(err.to_string().contains("singular"), "{err}");
}
