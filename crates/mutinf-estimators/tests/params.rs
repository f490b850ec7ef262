//! Every invalid parameter is rejected by `check()` with an error naming the field; data
//! errors (N ≤ k) name the method.

use mutinf_core::{Estimator, MutinfError, PairedSamples};
use mutinf_estimators::bootstrap::{BootstrapParams, Resampling, shuffle_baseline};
use mutinf_estimators::entropy::KlEntropyParams;
use mutinf_estimators::histogram::HistogramParams;
use mutinf_estimators::kde::{Bandwidth, KdeParams};
use mutinf_estimators::ksg::{KsgAlgorithm, KsgParams};
use mutinf_estimators::proficiency::ProficiencyParams;

fn names(err: MutinfError, field: &str) {
    match &err {
        MutinfError::InvalidParameter { name, .. } => assert_eq!(name, field, "{err}"),
        other => panic!("expected InvalidParameter({field}), got {other}"),
    }
}

#[test]
fn invalid_parameters_name_their_field() {
    names(KsgParams::new().k(0).check().unwrap_err(), "k");
    names(KsgParams::new().algorithm(KsgAlgorithm::Two).k(0).check().unwrap_err(), "k");
    names(KlEntropyParams::new().k(0).check().unwrap_err(), "k");
    names(HistogramParams::new().bins(0).check().unwrap_err(), "bins");
    names(HistogramParams::new().bins(1).check().unwrap_err(), "bins");
    for f in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        names(KdeParams::new().bandwidth(Bandwidth::Factor(f)).check().unwrap_err(), "bandwidth");
    }
    names(BootstrapParams::new().resamples(1).check().unwrap_err(), "resamples");
    for l in [0.0, 1.0, -0.5, f64::NAN] {
        names(BootstrapParams::new().level(l).check().unwrap_err(), "level");
    }
    for f in [0.0, 1.0, 1.5] {
        names(BootstrapParams::new().resampling(Resampling::Subsample { fraction: f }).check().unwrap_err(), "fraction");
    }
    names(mutinf_estimators::gmm_mi::GmmMiParams::new().max_components(0).check().unwrap_err(), "max_components");
    names(mutinf_estimators::gmm_mi::GmmMiParams::new().samples(1).check().unwrap_err(), "samples");
    names(ProficiencyParams::new().entropy_k(0).check().unwrap_err(), "entropy_k");
    names(ProficiencyParams::new().max_discrete_values(1).check().unwrap_err(), "max_discrete_values");
    let data = PairedSamples::from_columns(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]).unwrap();
    names(shuffle_baseline(&KsgParams::new().k(1).check().unwrap(), &data, 0, 0).unwrap_err(), "repeats");
}

#[test]
fn too_few_samples_for_k() {
    let data = PairedSamples::from_columns(&[1.0, 2.0, 3.0], &[1.0, 3.0, 2.0]).unwrap();
    for alg in [KsgAlgorithm::One, KsgAlgorithm::Two] {
        let err = KsgParams::new().k(3).algorithm(alg).check().unwrap().estimate(&data).unwrap_err();
        assert!(matches!(err, MutinfError::TooFewSamples { n: 3, min: 4, .. }), "{err}");
        assert!(err.to_string().contains("k = 3"));
    }
    assert!(KsgParams::new().k(2).check().unwrap().estimate(&data).is_ok());
}

#[test]
fn estimates_record_their_parameters() {
    let x: Vec<f64> = (0..100).map(|i| ((i * 37) % 100) as f64).collect();
    let y: Vec<f64> = x.iter().map(|v| v + ((*v as usize * 13) % 7) as f64).collect();
    let data = PairedSamples::from_columns(&x, &y).unwrap();
    let e = KsgParams::new().k(4).algorithm(KsgAlgorithm::Two).check().unwrap().estimate(&data).unwrap();
    assert_eq!((e.method.as_str(), e.n), ("ksg2", 100));
    assert_eq!(e.params["k"], 4);
    assert_eq!(e.params["algorithm"], 2);
    let json = serde_json::to_value(&e).unwrap();
    for field in ["method", "mi", "std_error", "ci", "n", "seconds", "params"] {
        assert!(json.get(field).is_some(), "missing {field}");
    }
}
