//! Estimates do not depend on the scale of a column, up to the largest finite magnitudes
//! (issue 17: squaring values near 1e300 once overflowed the standard deviation to inf, and
//! KSG, KSG2 and GMM then read ≈ 0).

use mutinf_core::{Estimator, PairedSamples};
use mutinf_estimators::gmm_mi::GmmMiParams;
use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

#[test]
fn ksg_ksg2_and_gmm_are_invariant_to_huge_and_tiny_column_scales() {
    let mut rng = StdRng::seed_from_u64(17);
    let x: Vec<f64> = (0..1500).map(|_| -> f64 { StandardNormal.sample(&mut rng) }).collect();
    let y: Vec<f64> = x.iter().map(|v| { let e: f64 = StandardNormal.sample(&mut rng); 0.8 * v + 0.6 * e }).collect();
    let estimators: Vec<Box<dyn Estimator>> = vec![
        Box::new(KsgParams::new().check().unwrap()),
        Box::new(KsgParams::new().algorithm(KsgAlgorithm::Two).check().unwrap()),
        Box::new(GmmMiParams::new().samples(20_000).seed(1).check().unwrap()),
        // KDE read "singular covariance" at 1e300 before it scaled its columns.
        Box::new(mutinf_estimators::kde::KdeParams::new().check().unwrap()),
    ];
    for est in &estimators {
        let base = est.estimate(&PairedSamples::from_columns(&x, &y).unwrap()).unwrap().mi;
        assert!(base > 0.35, "{}: {base}", est.method());
        for scale in [1e300, 1e-300, 1e154] {
            let scaled: Vec<f64> = x.iter().map(|v| v * scale).collect();
            let mi = est.estimate(&PairedSamples::from_columns(&scaled, &y).unwrap()).unwrap().mi;
            assert!((mi - base).abs() < 1e-6, "{} with X scaled by {scale}: {mi} vs {base}", est.method());
        }
    }
}

#[test]
fn gaussian_cmi_is_invariant_to_huge_column_scales() {
    use mutinf_estimators::conditional::{ConditionalEstimator, ConditionalSamples, GaussianCmi};
    let mut rng = StdRng::seed_from_u64(3);
    let n = 1000;
    let z: Vec<f64> = (0..n).map(|_| -> f64 { StandardNormal.sample(&mut rng) }).collect();
    let x: Vec<f64> = z.iter().map(|v| { let e: f64 = StandardNormal.sample(&mut rng); v + e }).collect();
    let y: Vec<f64> = x.iter().zip(&z).map(|(a, c)| { let e: f64 = StandardNormal.sample(&mut rng); 0.5 * a + c + e }).collect();
    let col = |v: &[f64], s: f64| ndarray::Array2::from_shape_fn((n, 1), |(i, _)| v[i] * s);
    let cmi = |s: f64| {
        let data = ConditionalSamples::new(col(&x, s), col(&y, 1.0), col(&z, s)).unwrap();
        GaussianCmi.estimate(&data).unwrap().mi
    };
    let base = cmi(1.0);
    assert!(base > 0.05, "{base}");
    for s in [1e300, 1e-300] {
        assert!((cmi(s) - base).abs() < 1e-9, "scale {s}: {} vs {base}", cmi(s));
    }
}
