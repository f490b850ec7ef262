//! EM: recovery of known mixtures, monotone log-likelihood, observation noise, BIC, validation.

use mutinf_gmm::em::{EmConfig, fit_best_bic, fit_em};
use mutinf_gmm::{GaussianMixture, GmmError};
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, Normal};

fn three_blobs() -> GaussianMixture {
    GaussianMixture::new(
        vec![0.2, 0.3, 0.5],
        vec![vec![-6.0, 0.0], vec![0.0, 6.0], vec![6.0, -2.0]],
        vec![
            vec![vec![1.0, 0.3], vec![0.3, 0.8]],
            vec![vec![0.6, -0.2], vec![-0.2, 1.2]],
            vec![vec![1.5, 0.0], vec![0.0, 0.5]],
        ],
    )
    .unwrap()
}

/// For each true component, the fitted component with the nearest mean (label order is arbitrary).
fn matched(fit: &GaussianMixture, truth: &GaussianMixture) -> Vec<usize> {
    truth
        .means()
        .iter()
        .map(|m| {
            (0..fit.n_components())
                .min_by(|&a, &b| dist(&fit.means()[a], m).total_cmp(&dist(&fit.means()[b], m)))
                .unwrap()
        })
        .collect()
}

fn dist(a: &[f64], b: &[f64]) -> f64 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt()
}

fn assert_monotone(trace: &[f64]) {
    for (i, w) in trace.windows(2).enumerate() {
        assert!(
            w[1] >= w[0] - 1e-9 * w[0].abs(),
            "log-likelihood fell at iteration {}: {} -> {}",
            i + 1,
            w[0],
            w[1]
        );
    }
}

#[test]
fn recovers_a_well_separated_three_component_mixture() {
    let truth = three_blobs();
    let data = truth.sample(3000, &mut StdRng::seed_from_u64(1));
    let fit = fit_em(
        data.view(),
        &EmConfig {
            components: 3,
            seed: 2,
            ..Default::default()
        },
    )
    .unwrap();
    assert!(fit.converged && fit.iterations <= 200);
    let idx = matched(&fit.model, &truth);
    let mut sorted = idx.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [0, 1, 2],
        "each true component has its own fitted component"
    );
    for (k, &j) in idx.iter().enumerate() {
        assert!((fit.model.weights()[j] - truth.weights()[k]).abs() < 0.03);
        assert!(dist(&fit.model.means()[j], &truth.means()[k]) < 0.15);
        for a in 0..2 {
            for b in 0..2 {
                assert!(
                    (fit.model.covariances()[j][a][b] - truth.covariances()[k][a][b]).abs() < 0.2
                );
            }
        }
    }
    assert_monotone(&fit.log_likelihood);
    assert_eq!(fit.log_likelihood.len(), fit.iterations + 1);
    // The reported final log-likelihood is the model's.
    let direct = fit.model.log_densities(data.view()).mean().unwrap();
    assert!((direct - fit.final_log_likelihood()).abs() < 1e-9);
}

#[test]
fn log_likelihood_never_decreases_on_overlapping_data() {
    // Overlapping components and too many fitted components: many slow iterations.
    let truth = GaussianMixture::new(
        vec![0.5, 0.5],
        vec![vec![0.0, 0.0], vec![1.0, 0.5]],
        vec![
            vec![vec![1.0, 0.5], vec![0.5, 1.0]],
            vec![vec![0.5, 0.0], vec![0.0, 2.0]],
        ],
    )
    .unwrap();
    let data = truth.sample(2000, &mut StdRng::seed_from_u64(3));
    for (k, noise) in [(4, None), (3, Some(0.3)), (2, Some(1.0))] {
        let cfg = EmConfig {
            components: k,
            max_iter: 300,
            tol: 1e-10,
            seed: 4,
            observation_noise: noise,
            ..Default::default()
        };
        let fit = fit_em(data.view(), &cfg).unwrap();
        assert!(fit.iterations > 10, "k {k}: {} iterations", fit.iterations);
        assert_monotone(&fit.log_likelihood);
        // With noise the trace is the likelihood of the observed model Q + εI.
        let obs = fit.observed_model().unwrap();
        let direct = obs.log_densities(data.view()).mean().unwrap();
        assert!((direct - fit.final_log_likelihood()).abs() < 1e-9, "k {k}");
    }
}

#[test]
fn observation_noise_recovers_the_latent_covariances() {
    let latent = GaussianMixture::new(
        vec![0.5, 0.5],
        vec![vec![-5.0, 0.0], vec![5.0, 0.0]],
        vec![
            vec![vec![1.0, 0.5], vec![0.5, 1.0]],
            vec![vec![0.5, 0.0], vec![0.0, 0.5]],
        ],
    )
    .unwrap();
    let eps: f64 = 0.5;
    let mut rng = StdRng::seed_from_u64(5);
    let x = latent.sample(20_000, &mut rng);
    let noise = Normal::new(0.0, eps.sqrt()).unwrap();
    let y: Array2<f64> = x.mapv(|v| v + noise.sample(&mut rng));
    let fit = fit_em(
        y.view(),
        &EmConfig {
            components: 2,
            observation_noise: Some(eps),
            tol: 1e-9,
            max_iter: 2000,
            ..Default::default()
        },
    )
    .unwrap();
    let idx = matched(&fit.model, &latent);
    for (k, &j) in idx.iter().enumerate() {
        for a in 0..2 {
            for b in 0..2 {
                let (got, want) = (
                    fit.model.covariances()[j][a][b],
                    latent.covariances()[k][a][b],
                );
                assert!(
                    (got - want).abs() < 0.08,
                    "component {k} ({a},{b}): {got} vs {want}"
                );
            }
        }
    }
    // Without the noise model, EM fits the observed covariances Q + εI instead.
    let plain = fit_em(
        y.view(),
        &EmConfig {
            components: 2,
            ..Default::default()
        },
    )
    .unwrap();
    let j = matched(&plain.model, &latent)[1];
    assert!((plain.model.covariances()[j][0][0] - (0.5 + eps)).abs() < 0.08);
}

#[test]
fn bic_picks_the_true_number_of_components() {
    let truth = three_blobs();
    let data = truth.sample(1500, &mut StdRng::seed_from_u64(6));
    let best = fit_best_bic(
        data.view(),
        6,
        &EmConfig {
            seed: 1,
            n_init: 2,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(best.model.n_components(), 3);
    for k in [1, 2, 4, 5] {
        let other = fit_em(
            data.view(),
            &EmConfig {
                components: k,
                seed: 1,
                n_init: 2,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(other.bic > best.bic, "K = {k}");
    }
}

#[test]
fn fits_are_reproducible_for_a_seed() {
    let data = three_blobs().sample(500, &mut StdRng::seed_from_u64(7));
    let cfg = EmConfig {
        components: 3,
        seed: 9,
        ..Default::default()
    };
    assert_eq!(
        fit_em(data.view(), &cfg).unwrap(),
        fit_em(data.view(), &cfg).unwrap()
    );
}

#[test]
fn max_iter_bounds_the_run() {
    let data = three_blobs().sample(500, &mut StdRng::seed_from_u64(8));
    let fit = fit_em(
        data.view(),
        &EmConfig {
            components: 5,
            max_iter: 2,
            tol: 1e-12,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(
        (fit.iterations, fit.converged, fit.log_likelihood.len()),
        (2, false, 3)
    );
}

#[test]
fn bad_data_is_rejected() {
    let cfg = EmConfig::new(3);
    let few = Array2::<f64>::zeros((2, 2));
    let e = fit_em(few.view(), &cfg).unwrap_err();
    assert!(
        matches!(
            e,
            GmmError::TooFewRows {
                rows: 2,
                min: 3,
                ..
            }
        ),
        "{e}"
    );
    // fewer rows than d + 1
    let wide = Array2::<f64>::from_shape_fn((4, 5), |(i, j)| (i * j) as f64);
    assert!(matches!(
        fit_em(wide.view(), &EmConfig::new(1)),
        Err(GmmError::TooFewRows { min: 6, .. })
    ));
    let mut data = three_blobs().sample(100, &mut StdRng::seed_from_u64(1));
    data[[17, 1]] = f64::NAN;
    let e = fit_em(data.view(), &cfg).unwrap_err();
    assert!(
        matches!(
            e,
            GmmError::NonFiniteData {
                row: 17,
                column: 1,
                ..
            }
        ),
        "{e}"
    );
    let empty = Array2::<f64>::zeros((10, 0));
    assert!(fit_em(empty.view(), &cfg).is_err());
}

#[test]
fn bad_config_fields_are_named() {
    let data = three_blobs().sample(100, &mut StdRng::seed_from_u64(1));
    let base = EmConfig::new(2);
    let bad = [
        (
            EmConfig {
                components: 0,
                ..base.clone()
            },
            "components",
        ),
        (
            EmConfig {
                max_iter: 0,
                ..base.clone()
            },
            "max_iter",
        ),
        (
            EmConfig {
                tol: 0.0,
                ..base.clone()
            },
            "tol",
        ),
        (
            EmConfig {
                tol: f64::NAN,
                ..base.clone()
            },
            "tol",
        ),
        (
            EmConfig {
                reg_covar: -1e-6,
                ..base.clone()
            },
            "reg_covar",
        ),
        (
            EmConfig {
                reg_covar: f64::INFINITY,
                ..base.clone()
            },
            "reg_covar",
        ),
        (
            EmConfig {
                observation_noise: Some(0.0),
                ..base.clone()
            },
            "observation_noise",
        ),
        (
            EmConfig {
                observation_noise: Some(f64::NAN),
                ..base.clone()
            },
            "observation_noise",
        ),
        (
            EmConfig {
                n_init: 0,
                ..base.clone()
            },
            "n_init",
        ),
    ];
    for (cfg, field) in bad {
        let e = fit_em(data.view(), &cfg).unwrap_err();
        assert!(
            e.to_string().contains(&format!("EmConfig.{field}")),
            "{field}: {e}"
        );
    }
    assert!(
        fit_best_bic(data.view(), 0, &base)
            .unwrap_err()
            .to_string()
            .contains("max_components")
    );
}
