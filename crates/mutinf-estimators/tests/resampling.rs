//! Bootstrap, shuffle baseline, proficiency and the pairwise matrix.

mod common;

use common::*;
use mutinf_core::{Estimator, PairedSamples};
use mutinf_estimators::bootstrap::{BootstrapParams, Resampling, shuffle_baseline};
use mutinf_estimators::histogram::HistogramParams;
use mutinf_estimators::kde::KdeParams;
use mutinf_estimators::ksg::KsgParams;
use mutinf_estimators::matrix::pairwise_mi;
use mutinf_estimators::proficiency::{FeatureKind, ProficiencyParams};
use ndarray::{Array2, Axis, concatenate};

#[test]
fn bootstrap_ci_covers_truth_and_is_reproducible() {
    let ksg = KsgParams::new().check().unwrap();
    let boot = BootstrapParams::new().resamples(100).seed(42).check().unwrap();
    for (seed, rho) in [(900, 0.6), (901, 0.3)] {
        let data = gaussian_pair(2000, rho, seed);
        let est = boot.run(&ksg, &data).unwrap();
        let ci = est.ci.unwrap();
        let truth = gaussian_mi(rho);
        assert!(ci.lower < truth && truth < ci.upper, "rho={rho}: truth {truth} outside [{}, {}]", ci.lower, ci.upper);
        // The KSG sd at N = 2000 is about 0.017 (seeded runs); the bootstrap should see that.
        let se = est.std_error.unwrap();
        assert!(se > 0.008 && se < 0.04, "std error {se}");
        assert_eq!(est.mi, ksg.estimate(&data).unwrap().mi, "the point estimate is the full-data one");
        let again = boot.run(&ksg, &data).unwrap();
        assert_eq!((again.ci, again.std_error), (est.ci, est.std_error));
    }
}

#[test]
fn with_replacement_bootstrap_for_tie_tolerant_estimators() {
    let data = gaussian_pair(1000, 0.6, 902);
    let boot = BootstrapParams::new().resamples(60).seed(1).resampling(Resampling::WithReplacement).check().unwrap();
    let est = boot.run(&KdeParams::new().check().unwrap(), &data).unwrap();
    let ci = est.ci.unwrap();
    assert!(ci.lower < ci.upper && est.std_error.unwrap() > 0.0);
    assert_eq!(est.params["bootstrap_resampling"], "with-replacement");
}

#[test]
fn shuffle_baseline_is_reproducible_and_named() {
    let data = gaussian_pair(1000, 0.8, 903);
    let ksg = KsgParams::new().check().unwrap();
    let a = shuffle_baseline(&ksg, &data, 4, 9).unwrap();
    let b = shuffle_baseline(&ksg, &data, 4, 9).unwrap();
    assert_eq!((a.mi, a.std_error), (b.mi, b.std_error));
    assert_eq!(a.method, "ksg-shuffled");
    assert!(ksg.estimate(&data).unwrap().mi > a.mi + 0.3);
}

#[test]
fn proficiency_discrete_and_continuous() {
    // Discrete F in {0, 1, 2, 3}; A = (F + noise, independent noise).
    let mut r = rng(904);
    use rand::Rng;
    let n = 2000;
    let f: Vec<f64> = (0..n).map(|_| r.random_range(0..4) as f64).collect();
    let a = Array2::from_shape_fn((n, 2), |(i, j)| if j == 0 { f[i] + 0.05 * r.random::<f64>() } else { r.random::<f64>() });
    let hist = HistogramParams::new().bins(4).check().unwrap();
    let p = ProficiencyParams::new().check().unwrap().compute(&f, a.column(0).insert_axis(Axis(1)), &hist).unwrap();
    assert_eq!(p.feature_kind, FeatureKind::Discrete);
    assert!((p.proficiency - 1.0).abs() < 0.01, "A0 determines F: {}", p.proficiency);
    let noise_only = ProficiencyParams::new().check().unwrap().compute(&f, a.column(1).insert_axis(Axis(1)), &hist).unwrap();
    assert!(noise_only.proficiency.abs() < 0.02, "noise carries nothing: {}", noise_only.proficiency);

    // Continuous F with positive entropy (sd 3 → h ≈ 2.52): KSG on A = F + noise.
    let data = gaussian_pair(3000, 0.9, 905);
    let f: Vec<f64> = data.x().iter().map(|v| 3.0 * v).collect();
    let ksg = KsgParams::new().check().unwrap();
    let p = ProficiencyParams::new().check().unwrap().compute(&f, data.y(), &ksg).unwrap();
    assert_eq!(p.feature_kind, FeatureKind::Continuous);
    let h = 0.5 * (2.0 * std::f64::consts::PI * std::f64::consts::E * 9.0).ln();
    assert!((p.feature_entropy - h).abs() < 0.05);
    assert!((p.proficiency - gaussian_mi(0.9) / h).abs() < 0.03);
    // Differential entropy ≤ 0 (sd 0.1): the ratio is undefined.
    let tiny: Vec<f64> = data.x().iter().map(|v| 0.1 * v).collect();
    assert!(ProficiencyParams::new().check().unwrap().compute(&tiny, data.y(), &ksg).is_err());
}

#[test]
fn pairwise_matrix_is_symmetric_with_nan_diagonal() {
    let a = gaussian_pair(800, 0.9, 906);
    let b = gaussian_pair(800, 0.0, 907);
    let table = concatenate![Axis(1), a.x(), a.y(), b.x()];
    let ksg = KsgParams::new().check().unwrap();
    let m = pairwise_mi(table.view(), &ksg).unwrap();
    for i in 0..3 {
        assert!(m[[i, i]].is_nan());
        for j in 0..3 {
            if i != j {
                assert_eq!(m[[i, j]], m[[j, i]]);
            }
        }
    }
    let direct = ksg.estimate(&PairedSamples::new(a.x().to_owned(), a.y().to_owned()).unwrap()).unwrap().mi;
    assert_eq!(m[[0, 1]], direct);
    assert!(m[[0, 1]] > 0.6 && m[[0, 2]].abs() < 0.1);
    let constant = concatenate![Axis(1), a.x(), Array2::from_elem((800, 1), 1.0)];
    let err = pairwise_mi(constant.view(), &ksg).unwrap_err();
    assert!(err.to_string().contains("column 1"), "{err}");
}
