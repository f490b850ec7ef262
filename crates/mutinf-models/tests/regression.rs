//! The shipped regression readout (`pretrained::regressor("infonet-gt")`): accuracy on analytic
//! truths, intervals, invariances, batching, and clear errors.

use mutinf_core::{Estimator, PairedSamples};
use mutinf_models::pretrained;
use mutinf_models::regression::{RegressionEstimator, load_regressor};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

fn shipped() -> RegressionEstimator {
    let device = burn::tensor::Device::flex();
    let (net, meta) = pretrained::regressor("infonet-gt", &device).expect("the shipped regression checkpoint loads");
    RegressionEstimator::with_metadata(net, meta)
}

/// N samples of the standard bivariate Gaussian with correlation rho (Box-Muller).
fn gaussian(rho: f64, n: usize, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut normal = move || {
        let (a, b): (f64, f64) = (rng.random::<f64>().max(1e-300), rng.random());
        (-2.0 * a.ln()).sqrt() * (2.0 * std::f64::consts::PI * b).cos()
    };
    let x: Vec<f64> = (0..n).map(|_| normal()).collect();
    let y: Vec<f64> = x.iter().map(|a| rho * a + (1.0 - rho * rho).sqrt() * normal()).collect();
    (x, y)
}

fn truth(rho: f64) -> f64 {
    -0.5 * (1.0 - rho * rho).ln()
}

fn estimate(est: &RegressionEstimator, x: &[f64], y: &[f64]) -> mutinf_core::MiEstimate {
    est.estimate(&PairedSamples::from_columns(x, y).unwrap()).unwrap()
}

#[test]
fn the_checkpoint_carries_its_training_metadata() {
    let est = shipped();
    for key in ["mutinf.regressor_config", "mutinf.head_train_config", "mutinf.families", "mutinf.truth_std_error", "mutinf.step", "mutinf.wall_seconds", "mutinf.hardware", "mutinf.validation"] {
        assert!(est.metadata().contains_key(key), "missing metadata {key}");
    }
}

#[test]
fn strong_dependence_reads_its_analytic_value() {
    let est = shipped();
    let (x, y) = gaussian(0.9, 2000, 1);
    let e = estimate(&est, &x, &y);
    assert!((e.mi - truth(0.9)).abs() < 0.05, "{} vs {}", e.mi, truth(0.9));
}

#[test]
fn independent_data_reads_near_zero() {
    let est = shipped();
    for seed in 0..4 {
        let (x, y) = gaussian(0.0, 2000, 100 + seed);
        let e = estimate(&est, &x, &y);
        assert!(e.mi.abs() < 0.02, "seed {seed}: {}", e.mi);
    }
}

#[test]
fn the_90_percent_interval_covers_the_truth_on_seeded_gaussians() {
    let est = shipped();
    let mut covered = 0;
    let mut total = 0;
    for (i, rho) in [0.0, 0.2, 0.4, 0.6, 0.8, 0.95].into_iter().enumerate() {
        for seed in 0..3 {
            let (x, y) = gaussian(rho, 2000, 1000 + 10 * i as u64 + seed);
            let e = estimate(&est, &x, &y);
            let ci = e.ci.expect("the regression readout reports an interval");
            assert!(ci.lower <= e.mi && e.mi <= ci.upper && (ci.level - 0.9).abs() < 1e-12);
            total += 1;
            covered += usize::from(ci.lower <= truth(rho) && truth(rho) <= ci.upper);
        }
    }
    // 18 intervals at 90 %: fewer than 13 covered would happen by chance with probability < 1 %.
    assert!(covered >= 13, "{covered} of {total} intervals cover the truth");
}

#[test]
fn swapping_x_and_y_and_monotone_maps_change_nothing() {
    let est = shipped();
    let (x, y) = gaussian(0.6, 1500, 7);
    let a = estimate(&est, &x, &y).mi;
    let swapped = estimate(&est, &y, &x).mi;
    let mx: Vec<f64> = x.iter().map(|v| (2.0 * v).exp()).collect();
    let my: Vec<f64> = y.iter().map(|v| -v.powi(3)).collect();
    let mapped = estimate(&est, &mx, &my).mi;
    assert!((a - swapped).abs() < 0.005, "{a} vs swapped {swapped}");
    assert!((a - mapped).abs() < 1e-4, "{a} vs mapped {mapped}");
}

#[test]
fn a_batch_equals_one_estimate_per_pair() {
    let est = shipped();
    let data: Vec<PairedSamples> = [(0.3, 500), (0.8, 500), (0.5, 800), (0.0, 100)]
        .iter()
        .enumerate()
        .map(|(i, &(rho, n))| {
            let (x, y) = gaussian(rho, n, 50 + i as u64);
            PairedSamples::from_columns(&x, &y).unwrap()
        })
        .collect();
    let many = est.estimate_many(&data).unwrap();
    for (d, m) in data.iter().zip(&many) {
        let one = est.estimate(d).unwrap();
        assert!((one.mi - m.mi).abs() < 1e-5, "{} vs {}", one.mi, m.mi);
        assert_eq!(one.n, m.n);
    }
}

#[test]
fn long_samples_are_read_in_subsamples_and_work_at_ten_thousand() {
    let est = shipped();
    let (x, y) = gaussian(0.5, 10_000, 3);
    let e = estimate(&est, &x, &y);
    assert_eq!(e.params["subsamples"], 2);
    assert!((e.mi - truth(0.5)).abs() < 0.05, "{} vs {}", e.mi, truth(0.5));
}

#[test]
fn a_table_checkpoint_asked_for_the_regression_readout_is_a_clear_error() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../checkpoints/infonet-small.safetensors");
    let err = load_regressor(&path, &burn::tensor::Device::flex()).unwrap_err().to_string();
    assert!(err.contains("table InfoNet checkpoint") && err.contains("--readout trained"), "{err}");
    let err = pretrained::regressor("infonet-small", &burn::tensor::Device::flex()).unwrap_err().to_string();
    assert!(err.contains("infonet-gt"), "{err}");
}

#[test]
fn bad_input_is_an_error_not_a_panic() {
    let est = shipped();
    let short = PairedSamples::from_columns(&[1.0, 2.0, 3.0, 4.0], &[2.0, 1.0, 4.0, 3.0]).unwrap();
    let err = est.estimate(&short).unwrap_err().to_string();
    assert!(err.contains("32"), "{err}");
    let wide = PairedSamples::new(
        ndarray::Array2::from_shape_fn((100, 2), |(i, j)| ((i * 7 + j * 13) % 17) as f64 + j as f64 * 0.1),
        ndarray::Array2::from_shape_fn((100, 1), |(i, _)| ((i * 5) % 11) as f64),
    )
    .unwrap();
    // Wider blocks are read as sliced MI, and the estimate says so.
    let sliced = est.estimate(&wide).unwrap();
    assert_eq!(sliced.params["sliced"], mutinf_core::slicing::DEFAULT_SLICES);
    assert!(sliced.notes.iter().any(|n| n.contains("sliced MI")), "{:?}", sliced.notes);
    assert!(RegressionEstimator::pretrained("infonet-gt", &burn::tensor::Device::flex()).unwrap().with_slices(0, 0).is_err());
}
