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
