//! Sliced MI's standard error against the spread of independent repeats, and the estimator's
//! readout reaching the sliced path.

use burn::tensor::Device;
use mutinf_core::slicing::{SliceSummary, project_slices};
use mutinf_core::{Estimator, PairedSamples};
use mutinf_models::{CopulaSequence, InfoNetEstimator, Readout};
use ndarray::Array2;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// X 3-D standard normal, Y 2-D = a mix of X's first two columns plus noise; N = 400.
fn data() -> PairedSamples {
    let mut rng = StdRng::seed_from_u64(11);
    let x = Array2::from_shape_fn((400, 3), |_| rng.sample::<f64, _>(StandardNormal));
    let y = Array2::from_shape_fn((400, 2), |(i, j)| x[[i, j]] + 0.5 * x[[i, 2]] + 0.8 * rng.sample::<f64, _>(StandardNormal));
    PairedSamples::new(x, y).unwrap()
}

fn sd(values: &[f64]) -> f64 {
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    (values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (values.len() - 1) as f64).sqrt()
}

#[test]
fn sliced_standard_error_matches_the_spread_over_seeds() {
    let device = Device::flex();
    let (net, _) = mutinf_models::pretrained::infonet("infonet-small", &device).unwrap();
    let data = data();
    let (slices, repeats) = (32, 16);
    let mut means = Vec::new();
    let mut errors = Vec::new();
    let mut shared_means = Vec::new();
    let mut shared_errors = Vec::new();
    for seed in 0..repeats {
        let est = InfoNetEstimator::builder(net.clone()).seed(seed).slices(slices).build().unwrap();
        let e = est.estimate(&data).unwrap();
        means.push(e.mi);
        errors.push(e.std_error.unwrap());
        // What sliced MI did before: every slice of a pass read with the same halves and
        // permutations (one seed for the whole chunk).
        let sequences: Vec<CopulaSequence> = project_slices(&data, slices, seed)
            .unwrap()
            .iter()
            .map(|(x, y)| CopulaSequence::from_samples(x, y).unwrap())
            .collect();
        let shared = SliceSummary::from_values(&net.estimate_sequences_with(&sequences, seed, net.readout()).unwrap());
        shared_means.push(shared.mean);
        shared_errors.push(shared.std_error);
    }
    let ratio = (errors.iter().sum::<f64>() / repeats as f64) / sd(&means);
    let shared_ratio = (shared_errors.iter().sum::<f64>() / repeats as f64) / sd(&shared_means);
    eprintln!(
        "mean reported SE / sd over {repeats} seeds: independent slices {ratio:.3} (sd {:.4}), shared readout {shared_ratio:.3} (sd {:.4})",
        sd(&means),
        sd(&shared_means)
    );
    assert!((1.0 / 1.5..=1.5).contains(&ratio), "reported SE / spread over seeds = {ratio}");
}

#[test]
fn the_estimators_readout_reaches_sliced_mi() {
    let device = Device::flex();
    let (net, _) = mutinf_models::pretrained::infonet("infonet-small", &device).unwrap();
    let data = data();
    let read = |readout: Readout| {
        let est = InfoNetEstimator::builder(net.clone()).readout(readout).slices(16).build().unwrap();
        let e = est.estimate(&data).unwrap();
        assert_eq!(e.params["readout"], readout.name());
        e.mi
    };
    let (fitted, in_sample) = (read(Readout::ScaleFitted), read(Readout::InSample));
    assert_ne!(fitted, in_sample, "the sliced path ignored the readout");
    assert!(InfoNetEstimator::builder(net.clone()).slices(0).build().is_err());
    assert!(InfoNetEstimator::builder(net).lanes(0).build().is_err());
}
