//! IIC clustering on data with known clusters: found, none empty, reproducible; bad input is an
//! error.

use burn::tensor::Device;
use mutinf_objectives::accuracy::clustering_accuracy;
use mutinf_objectives::cluster::{IicConfig, TabularViews, fit_iic};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// `k` well-separated isotropic blobs in `d` dimensions, `per` points each, row-major.
fn blobs(k: usize, d: usize, per: usize, seed: u64) -> (Vec<f64>, Vec<usize>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let centres: Vec<Vec<f64>> = (0..k).map(|_| (0..d).map(|_| rng.random_range(-10.0..10.0)).collect()).collect();
    let mut data = Vec::new();
    let mut labels = Vec::new();
    for i in 0..k * per {
        let c = i % k;
        labels.push(c);
        data.extend(centres[c].iter().map(|m| m + 0.5 * rng.sample::<f64, _>(StandardNormal)));
    }
    (data, labels)
}

#[test]
fn separated_blobs_are_recovered_without_empty_clusters() {
    let (data, truth) = blobs(4, 3, 150, 1);
    let views = TabularViews::new(&data, 600, 3, 0.1, 0.0).unwrap();
    let config = IicConfig::new(4).with_overcluster(Some(12)).with_steps(300).with_batch(256).with_hidden(vec![64]).with_seed(3);
    let mut calls = 0;
    let fit = fit_iic(&views, &config, &Device::flex(), &mut |p| {
        calls += 1;
        assert!(p.loss.is_finite() && p.step <= p.steps);
    })
    .unwrap();
    assert_eq!(calls, 300);
    assert_eq!(fit.labels.len(), 600);
    assert!(fit.sizes.iter().all(|&s| s > 0), "empty cluster: {:?}", fit.sizes);
    let accuracy = clustering_accuracy(&fit.labels, &truth).unwrap();
    assert!(accuracy > 0.97, "accuracy {accuracy}, sizes {:?}", fit.sizes);
    // Four balanced clusters the views agree on: I(Z; Z') near ln 4.
    assert!(fit.mi > 0.9 * 4f64.ln() && fit.mi <= 4f64.ln() + 1e-9, "MI {}", fit.mi);
    assert_eq!(fit.overcluster_labels.as_ref().map(Vec::len), Some(600));
    // Seeded: the same run gives the same labels.
    let again = fit_iic(&views, &config, &Device::flex(), &mut |_| {}).unwrap();
    assert_eq!(again.labels, fit.labels);
}

#[test]
fn bad_input_is_an_error() {
    let nan = TabularViews::new(&[1.0, f64::NAN, 2.0, 3.0], 2, 2, 0.1, 0.1).unwrap_err().to_string();
    assert!(nan.contains("row 1, column 2"), "{nan}");
    let constant = TabularViews::new(&[1.0, 5.0, 2.0, 5.0, 3.0, 5.0], 3, 2, 0.1, 0.1).unwrap_err().to_string();
    assert!(constant.contains("column 2 is constant"), "{constant}");
    assert!(TabularViews::new(&[1.0, 2.0, 3.0], 2, 2, 0.1, 0.1).is_err());
    assert!(TabularViews::new(&[1.0, 2.0, 3.0, 4.0], 2, 2, 0.1, 1.0).is_err());
    let views = TabularViews::new(&[1.0, 2.0, 3.0, 4.0, 5.0, 7.0], 3, 2, 0.1, 0.1).unwrap();
    let too_many = fit_iic(&views, &IicConfig::new(5), &Device::flex(), &mut |_| {}).unwrap_err().to_string();
    assert!(too_many.contains("cannot form 5"), "{too_many}");
}
