//! The fast KSG paths (1x1 rank grid, kd-tree) against the O(N²) brute force, to 1e-9,
//! on normal, Cauchy-tailed and tied data, 1-D and multivariate, both algorithms.

mod common;

use common::*;
use mutinf_core::{Estimator, PairedSamples};
use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams, ksg_mi};
use mutinf_estimators::preprocess::scale_columns;

const ALGS: [KsgAlgorithm; 2] = [KsgAlgorithm::One, KsgAlgorithm::Two];

fn check_against_oracle(data: &PairedSamples, k: usize, label: &str) {
    // The oracle runs on the same scaled values the estimator uses.
    let (x, y) = (scale_columns(data.x()), scale_columns(data.y()));
    for alg in ALGS {
        let oracle = ksg_brute_force(x.view(), y.view(), k, alg);
        let fast = KsgParams::new().k(k).algorithm(alg).check().unwrap().estimate(data).unwrap().mi;
        assert!((fast - oracle).abs() < 1e-9, "{label} {alg:?} k={k}: fast {fast} vs brute {oracle}");
        // The generic kd-tree path must agree too (it is what dx, dy > 1 use).
        let tree = mutinf_estimators::ksg::ksg_mi_tree(x.view(), y.view(), k, alg, false);
        assert!((tree - oracle).abs() < 1e-9, "{label} {alg:?} k={k}: tree {tree} vs brute {oracle}");
    }
}

#[test]
fn one_d_normal_matches_brute_force() {
    for (seed, rho) in [(1, 0.0), (2, 0.5), (3, 0.9), (4, -0.7)] {
        for k in [1, 3, 7] {
            check_against_oracle(&gaussian_pair(700, rho, seed), k, &format!("normal rho={rho}"));
        }
    }
}

#[test]
fn one_d_cauchy_matches_brute_force() {
    for seed in 10..13 {
        for k in [1, 3, 5] {
            check_against_oracle(&cauchy_pair(600, seed), k, "cauchy");
        }
    }
}

#[test]
fn one_d_tied_matches_brute_force() {
    // Values in {0..7}: most distances tie, many k-th distances are 0 or shared.
    for seed in 20..23 {
        for k in [1, 3, 10] {
            check_against_oracle(&tied_pair(400, seed), k, "tied");
        }
    }
}

#[test]
fn multivariate_matches_brute_force() {
    for (seed, dx, dy) in [(30, 2, 3), (31, 3, 1), (32, 1, 2), (33, 4, 4)] {
        let (data, _) = gaussian_blocks(500, dx, dy, &[0.8, 0.5], seed);
        check_against_oracle(&data, 3, &format!("gaussian {dx}x{dy}"));
    }
    // Cauchy-tailed and tied 2x3 blocks, built from the 1-D generators.
    let blocks = |a: &PairedSamples, b: &PairedSamples, c: &PairedSamples| {
        let x = ndarray::concatenate![ndarray::Axis(1), a.x(), b.x()];
        let y = ndarray::concatenate![ndarray::Axis(1), a.y(), b.y(), c.y()];
        PairedSamples::new(x, y).unwrap()
    };
    let cauchy = blocks(&cauchy_pair(500, 40), &cauchy_pair(500, 41), &cauchy_pair(500, 42));
    check_against_oracle(&cauchy, 3, "cauchy 2x3");
    let tied = blocks(&tied_pair(400, 43), &tied_pair(400, 44), &tied_pair(400, 45));
    for k in [1, 4] {
        check_against_oracle(&tied, k, "tied 2x3");
    }
}

#[test]
fn parallel_and_serial_are_bit_identical() {
    // Above the parallel threshold (20 000 points).
    let data = gaussian_pair(30_000, 0.6, 50);
    let (bx, by) = gaussian_blocks(25_000, 2, 2, &[0.7], 51);
    let _ = by;
    for alg in ALGS {
        let a = ksg_mi(data.x(), data.y(), 3, alg, true).unwrap();
        let b = ksg_mi(data.x(), data.y(), 3, alg, false).unwrap();
        assert_eq!(a.to_bits(), b.to_bits());
        let a = ksg_mi(bx.x(), bx.y(), 3, alg, true).unwrap();
        let b = ksg_mi(bx.x(), bx.y(), 3, alg, false).unwrap();
        assert_eq!(a.to_bits(), b.to_bits());
    }
}

#[test]
fn one_d_edge_cases_match_brute_force() {
    // The 1x1 path's rank grid degenerates to a single cell or a few: N barely above k.
    for n in 2..14 {
        for k in 1..n.min(5) {
            check_against_oracle(&gaussian_pair(n, 0.5, 60 + n as u64), k, &format!("tiny n={n}"));
        }
    }
    // Unscaled data (ksg_mi takes it as given): wildly different scales, a strong dependence
    // (points crowd the grid's diagonal) and a heavy tail, so that cells differ greatly in
    // width and in occupancy.
    let g = gaussian_pair(900, 0.95, 61);
    let c = cauchy_pair(900, 62);
    let cases = [
        (g.x().mapv(|v| v * 1e6), g.y().mapv(|v| v * 1e-6), "scales 1e6 / 1e-6"),
        (c.x().mapv(|v| v * v * v), c.y().to_owned(), "cubed cauchy"),
        (g.x().to_owned(), g.x().mapv(|v| v + 1e-9), "y = x + const"),
    ];
    for (x, y, label) in cases {
        for alg in ALGS {
            for k in [1, 3, 6] {
                let oracle = ksg_brute_force(x.view(), y.view(), k, alg);
                let fast = ksg_mi(x.view(), y.view(), k, alg, false).unwrap();
                assert!((fast - oracle).abs() < 1e-9, "{label} {alg:?} k={k}: fast {fast} vs brute {oracle}");
            }
        }
    }
}

/// Discrete X and Y with a known MI: X uniform on {0, 1, 2}; Y = X with probability `keep`,
/// else uniform on {0, 1, 2}. Returns the data and I(X; Y).
fn discrete_pair(n: usize, keep: f64, seed: u64) -> (PairedSamples, f64) {
    use rand::Rng;
    let mut r = rng(seed);
    let x: Vec<f64> = (0..n).map(|_| r.random_range(0..3) as f64).collect();
    let y: Vec<f64> = x.iter().map(|&v| if r.random::<f64>() < keep { v } else { r.random_range(0..3) as f64 }).collect();
    let same = keep + (1.0 - keep) / 3.0;
    let other = (1.0 - keep) / 3.0;
    let h_y_given_x = -(same * same.ln() + if other > 0.0 { 2.0 * other * other.ln() } else { 0.0 });
    (PairedSamples::from_columns(&x, &y).unwrap(), 3f64.ln() - h_y_given_x)
}

#[test]
fn discrete_data_read_their_mi_not_log_n() {
    // Plain KSG reads ~ψ(k) + ψ(N) − 2ψ(1) ≈ 9.7 nats here (algorithm 1) and ~−4.8
    // (algorithm 2); the tie rule gives the plug-in MI up to O(1/N).
    for (keep, seed) in [(0.0, 70), (0.5, 71), (0.8, 72)] {
        let (data, truth) = discrete_pair(4000, keep, seed);
        for alg in ALGS {
            for k in [1, 3, 5] {
                let est = KsgParams::new().k(k).algorithm(alg).check().unwrap().estimate(&data).unwrap();
                assert!((est.mi - truth).abs() < 0.02, "keep {keep} {alg:?} k={k}: {} vs {truth}", est.mi);
                assert_eq!(est.params.get("tied_points").and_then(|v| v.as_u64()), Some(4000));
            }
        }
    }
    // Continuous data have no tied points and say nothing about them.
    let est = KsgParams::new().check().unwrap().estimate(&gaussian_pair(500, 0.5, 73)).unwrap();
    assert!(!est.params.contains_key("tied_points"));
}

#[test]
fn a_partly_discrete_mixture_matches_brute_force() {
    // Half the rows sit on a few exact values (ε = 0 for them), half are continuous.
    use rand::Rng;
    let mut r = rng(74);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for i in 0..500 {
        if i % 2 == 0 {
            let v = r.random_range(0..4) as f64;
            x.push(v);
            y.push(if r.random::<f64>() < 0.7 { v } else { r.random_range(0..4) as f64 });
        } else {
            let v: f64 = r.random::<f64>() * 4.0;
            x.push(v);
            y.push(v + r.random::<f64>());
        }
    }
    let data = PairedSamples::from_columns(&x, &y).unwrap();
    for k in [1, 3, 6] {
        check_against_oracle(&data, k, "half discrete");
    }
}
