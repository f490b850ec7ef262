//! Size-norm model: recovery of known models (gauge-free quantities), monotone EM, reduction to
//! the pared-down EM, the animal–component MI, determinism and input validation.

use std::time::Instant;

use mutinf_gmm::GmmError;
use mutinf_gmm::em::{EmConfig, fit_em};
use mutinf_gmm::sizenorm::{
    MiBootstrapOptions, NiwPrior, NoiseModel, RandomModelSpec, SizeNormConfig, SizeNormModel,
    fit_sizenorm, mi_animal_component,
};
use ndarray::{Array2, ArrayView2};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn draw(model: &SizeNormModel, frames: &[usize], seed: u64) -> Vec<Array2<f64>> {
    model
        .sample(frames, &mut StdRng::seed_from_u64(seed))
        .unwrap()
        .into_iter()
        .map(|a| a.observations)
        .collect()
}

fn views(data: &[Array2<f64>]) -> Vec<ArrayView2<'_, f64>> {
    data.iter().map(Array2::view).collect()
}

fn dist2(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum()
}

/// All permutations of 0..n (n <= 8 here).
fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for pos in 0..=p.len() {
            let mut q = p.clone();
            q.insert(pos, n - 1);
            out.push(q);
        }
    }
    out
}

/// Optimal assignment (exhaustive, exact for the small C here): `perm[true z] = fitted z`
/// minimising the squared distances between observed component means summed over animals.
fn match_components(fit: &SizeNormModel, truth: &SizeNormModel) -> Vec<usize> {
    let c = truth.n_components();
    let n = truth.n_animals();
    let cost: Vec<Vec<f64>> = (0..c)
        .map(|zt| {
            (0..c)
                .map(|zf| {
                    (0..n)
                        .map(|i| {
                            dist2(
                                &truth.observed_component(i, zt).unwrap().0,
                                &fit.observed_component(i, zf).unwrap().0,
                            )
                        })
                        .sum()
                })
                .collect()
        })
        .collect();
    permutations(c)
        .into_iter()
        .min_by(|a, b| {
            let ca: f64 = a.iter().enumerate().map(|(t, &f)| cost[t][f]).sum();
            let cb: f64 = b.iter().enumerate().map(|(t, &f)| cost[t][f]).sum();
            ca.total_cmp(&cb)
        })
        .unwrap()
}

fn assert_monotone(trace: &[f64], what: &str) {
    for (i, w) in trace.windows(2).enumerate() {
        assert!(
            w[1] >= w[0] - 1e-10 * w[0].abs().max(1.0),
            "{what} fell at iteration {}: {} -> {}",
            i + 1,
            w[0],
            w[1]
        );
    }
}

/// Worst errors of a fit against the truth, per the gauge-free criteria.
struct Recovery {
    weight_err: f64,
    mean_err_of_spread: f64,
    cov_rel_err: f64,
}

fn recovery(fit: &SizeNormModel, truth: &SizeNormModel) -> Recovery {
    let perm = match_components(fit, truth);
    let (n, c) = (truth.n_animals(), truth.n_components());
    let mut out = Recovery {
        weight_err: 0.0,
        mean_err_of_spread: 0.0,
        cov_rel_err: 0.0,
    };
    for i in 0..n {
        let true_means: Vec<Vec<f64>> = (0..c)
            .map(|z| truth.observed_component(i, z).unwrap().0)
            .collect();
        let dim = true_means[0].len();
        let centre: Vec<f64> = (0..dim)
            .map(|k| true_means.iter().map(|m| m[k]).sum::<f64>() / c as f64)
            .collect();
        // Spread: RMS distance of the true component means from their centre.
        let spread = (true_means.iter().map(|m| dist2(m, &centre)).sum::<f64>() / c as f64).sqrt();
        for (zt, &zf) in perm.iter().enumerate() {
            out.weight_err = out
                .weight_err
                .max((fit.weights[i][zf] - truth.weights[i][zt]).abs());
            let (fm, fc) = fit.observed_component(i, zf).unwrap();
            let (tm, tc) = truth.observed_component(i, zt).unwrap();
            out.mean_err_of_spread = out.mean_err_of_spread.max(dist2(&fm, &tm).sqrt() / spread);
            let fro = |a: &[Vec<f64>]| a.iter().flatten().map(|v| v * v).sum::<f64>().sqrt();
            let diff: Vec<Vec<f64>> = fc
                .iter()
                .zip(&tc)
                .map(|(a, b)| a.iter().zip(b).map(|(x, y)| x - y).collect())
                .collect();
            out.cov_rel_err = out.cov_rel_err.max(fro(&diff) / fro(&tc));
        }
    }
    out
}

#[test]
fn recovers_three_animals_with_different_maps_and_weights() {
    // 3 animals, K = 8 keypoints in D = 2 (KD = 16), M = 4, C = 6, 5,000 frames each.
    let truth = SizeNormModel::random(&RandomModelSpec::new(3, 16, 4, 6), 11).unwrap();
    let frames = [5000, 5000, 5000];
    let data = draw(&truth, &frames, 12);
    let start = Instant::now();
    let fit = fit_sizenorm(&views(&data), &SizeNormConfig::new(4, 6)).unwrap();
    let secs = start.elapsed().as_secs_f64();
    assert_monotone(&fit.objective, "penalised objective");

    let rec = recovery(&fit.model, &truth);
    let held_out = draw(&truth, &frames, 13);
    let ll_fit = fit.model.log_likelihood(&views(&held_out)).unwrap();
    let ll_true = truth.log_likelihood(&views(&held_out)).unwrap();
    let ll_rel = (ll_fit - ll_true).abs() / ll_true.abs();
    let true_mi = mi_animal_component(&truth.weights, &frames).unwrap();
    let mi = fit
        .model
        .mi_animal_component(&views(&data), &MiBootstrapOptions::default())
        .unwrap();
    eprintln!(
        "sizenorm recovery: fit {secs:.2} s, {} iterations (restart {} of {:?}); max weight error {:.4}; \
         max mean error {:.2} % of spread; max covariance error {:.2} % (Frobenius); held-out ll fit {ll_fit:.1} \
         vs true {ll_true:.1} ({:.4} %); MI fit {:.4} [{:.4}, {:.4}] vs true {true_mi:.4}",
        fit.iterations,
        fit.best_restart,
        fit.restart_objectives,
        rec.weight_err,
        100.0 * rec.mean_err_of_spread,
        100.0 * rec.cov_rel_err,
        100.0 * ll_rel,
        mi.value,
        mi.lower,
        mi.upper,
    );
    assert!(rec.weight_err < 0.03, "weights off by {}", rec.weight_err);
    assert!(
        rec.mean_err_of_spread < 0.05,
        "means off by {} of their spread",
        rec.mean_err_of_spread
    );
    assert!(
        rec.cov_rel_err < 0.15,
        "covariances off by {}",
        rec.cov_rel_err
    );
    assert!(ll_rel < 0.005, "held-out log-likelihood off by {ll_rel}");
    assert!(
        (mi.value - true_mi).abs() < 0.01,
        "MI {} vs {true_mi}",
        mi.value
    );
    assert!(mi.lower <= true_mi && true_mi <= mi.upper);
}

fn small_problem(seed: u64) -> (SizeNormModel, Vec<Array2<f64>>) {
    let truth = SizeNormModel::random(&RandomModelSpec::new(2, 6, 2, 3), seed).unwrap();
    let data = draw(&truth, &[600, 400], seed + 100);
    (truth, data)
}

#[test]
fn objective_never_decreases_with_or_without_priors_and_acceleration() {
    let (_, data) = small_problem(3);
    let base = SizeNormConfig {
        n_init: 1,
        max_iter: 150,
        tol: 1e-12,
        ..SizeNormConfig::new(2, 3)
    };
    let configs = [
        // Plain maximum likelihood EM: the log-likelihood itself never decreases.
        SizeNormConfig {
            accelerate: false,
            map_prior: 0.0,
            ..base.clone()
        },
        SizeNormConfig {
            accelerate: false,
            noise: NoiseModel::Isotropic,
            map_prior: 0.0,
            ..base.clone()
        },
        // MAP with every prior: the penalised objective never decreases.
        SizeNormConfig {
            accelerate: false,
            map_prior: 5.0,
            dirichlet_alpha: Some(3.0),
            niw: Some(NiwPrior {
                kappa: 0.5,
                nu: 2.0,
                psi: 0.1,
            }),
            ..base.clone()
        },
        SizeNormConfig {
            noise: NoiseModel::Fixed { variance: 0.05 },
            map_prior: 2.0,
            ..base.clone()
        },
        SizeNormConfig {
            map_prior: 1.0,
            dirichlet_alpha: Some(2.0),
            ..base.clone()
        },
    ];
    for cfg in &configs {
        let fit = fit_sizenorm(&views(&data), cfg).unwrap();
        assert!(fit.iterations > 5, "{cfg:?}");
        assert_monotone(&fit.objective, "penalised objective");
        let priors_off = cfg.map_prior == 0.0 && cfg.dirichlet_alpha.is_none() && cfg.niw.is_none();
        if priors_off {
            assert_monotone(&fit.log_likelihood, "log-likelihood");
            assert_eq!(fit.log_likelihood, fit.objective);
        }
    }
}

#[test]
fn one_animal_with_identity_map_reduces_to_the_pared_down_em() {
    // y = x + N(0, εI) with x a 3-component mixture in 2-D: the seed's section 1.1 model, which
    // `fit_em` with `observation_noise` fits. The size-norm model with one animal, M = KD and a
    // fixed σ² = ε contains it (F invertible is a gauge of F = Id).
    let eps = 0.3;
    let latent = mutinf_gmm::GaussianMixture::new(
        vec![0.2, 0.3, 0.5],
        vec![vec![-6.0, 0.0], vec![0.0, 6.0], vec![6.0, -2.0]],
        vec![
            vec![vec![1.0, 0.3], vec![0.3, 0.8]],
            vec![vec![0.6, -0.2], vec![-0.2, 1.2]],
            vec![vec![1.5, 0.0], vec![0.0, 0.5]],
        ],
    )
    .unwrap();
    let observed = mutinf_gmm::GaussianMixture::new(
        latent.weights().to_vec(),
        latent.means().to_vec(),
        latent
            .covariances()
            .iter()
            .map(|c| vec![vec![c[0][0] + eps, c[0][1]], vec![c[1][0], c[1][1] + eps]])
            .collect(),
    )
    .unwrap();
    let data = observed.sample(3000, &mut StdRng::seed_from_u64(5));
    let em = fit_em(
        data.view(),
        &EmConfig {
            components: 3,
            observation_noise: Some(eps),
            tol: 1e-10,
            max_iter: 1000,
            ..Default::default()
        },
    )
    .unwrap();
    let em_obs = em.observed_model().unwrap();
    let sn = fit_sizenorm(
        &[data.view()],
        &SizeNormConfig {
            noise: NoiseModel::Fixed { variance: eps },
            tol: 1e-10,
            max_iter: 1000,
            ..SizeNormConfig::new(2, 3)
        },
    )
    .unwrap();
    let diff = (sn.final_log_likelihood() - em.final_log_likelihood()).abs();
    assert!(diff < 1e-6, "log-likelihood per frame differs by {diff}");
    let mix = sn.model.observed_mixture(0).unwrap();
    for (w, (m, c)) in em_obs
        .weights()
        .iter()
        .zip(em_obs.means().iter().zip(em_obs.covariances()))
    {
        let z = (0..3)
            .min_by(|&a, &b| dist2(&mix.means()[a], m).total_cmp(&dist2(&mix.means()[b], m)))
            .unwrap();
        assert!((mix.weights()[z] - w).abs() < 1e-4);
        assert!(dist2(&mix.means()[z], m).sqrt() < 1e-3);
        for (ra, rb) in mix.covariances()[z].iter().zip(c) {
            for (a, b) in ra.iter().zip(rb) {
                assert!((a - b).abs() < 1e-3, "covariance {a} vs {b}");
            }
        }
    }
    // With F = Id fixed by the gauge, the latent covariances are the observed ones minus εI.
    let (_, cov) = sn.model.observed_component(0, 0).unwrap();
    assert!(cov[0][0] > eps);
}

#[test]
fn mi_of_identical_weights_is_zero_and_the_truth_is_recovered_on_a_small_problem() {
    let (truth, data) = small_problem(8);
    let fit = fit_sizenorm(&views(&data), &SizeNormConfig::new(2, 3)).unwrap();
    let true_mi = mi_animal_component(&truth.weights, &[600, 400]).unwrap();
    let est = fit
        .model
        .mi_animal_component(
            &views(&data),
            &MiBootstrapOptions {
                n_boot: 100,
                ..Default::default()
            },
        )
        .unwrap();
    assert!((est.value - fit.mi_animal_component()).abs() < 1e-12);
    assert!(
        (est.value - true_mi).abs() < 0.02,
        "{} vs {true_mi}",
        est.value
    );
    assert!(est.lower <= est.value && est.value <= est.upper);
    // The read-out is the MI of p(i, z) ∝ n_i π^i_z: by hand for two animals.
    let w = [vec![0.2, 0.8], vec![0.6, 0.4]];
    let n = [100usize, 300];
    let pz = [0.25 * 0.2 + 0.75 * 0.6, 0.25 * 0.8 + 0.75 * 0.4];
    let by_hand: f64 = (0..2)
        .flat_map(|i| (0..2).map(move |z| (i, z)))
        .map(|(i, z)| {
            let pi = n[i] as f64 / 400.0;
            pi * w[i][z] * (w[i][z] / pz[z]).ln()
        })
        .sum();
    assert!((mi_animal_component(&w, &n).unwrap() - by_hand).abs() < 1e-14);
}

#[test]
fn fits_are_seeded_and_models_round_trip_through_json() {
    let (truth, data) = small_problem(4);
    let cfg = SizeNormConfig {
        seed: 9,
        n_init: 2,
        ..SizeNormConfig::new(2, 3)
    };
    let a = fit_sizenorm(&views(&data), &cfg).unwrap();
    let b = fit_sizenorm(&views(&data), &cfg).unwrap();
    assert_eq!(a, b);
    let json = serde_json::to_string(&a.model).unwrap();
    let back: SizeNormModel = serde_json::from_str(&json).unwrap();
    // serde_json's default float parsing may differ in the last bit.
    let (la, lb) = (
        a.model.log_likelihood(&views(&data)).unwrap(),
        back.log_likelihood(&views(&data)).unwrap(),
    );
    assert!((la - lb).abs() < 1e-9 * la.abs());
    assert_eq!(back.weights.len(), 2);
    // Sampling is seeded and follows the weights.
    let s1 = truth
        .sample(&[4000, 10], &mut StdRng::seed_from_u64(1))
        .unwrap();
    let s2 = truth
        .sample(&[4000, 10], &mut StdRng::seed_from_u64(1))
        .unwrap();
    assert_eq!(s1, s2);
    for z in 0..3 {
        let freq = s1[0].components.iter().filter(|&&c| c == z).count() as f64 / 4000.0;
        assert!((freq - truth.weights[0][z]).abs() < 0.03);
    }
    // Posteriors: rows sum to one, latent has M columns.
    let post = a.model.posteriors(&views(&data)).unwrap();
    assert_eq!(post[1].latent.dim(), (400, 2));
    for row in post[0].responsibilities.rows() {
        assert!((row.sum() - 1.0).abs() < 1e-12);
    }
}

#[test]
fn bad_input_gives_clear_errors() {
    let (_, data) = small_problem(5);
    let cfg = SizeNormConfig::new(2, 3);
    let err = |animals: &[ArrayView2<'_, f64>], cfg: &SizeNormConfig| {
        fit_sizenorm(animals, cfg).unwrap_err()
    };

    let e = err(&[], &cfg);
    assert!(matches!(e, GmmError::NoAnimals));
    assert!(e.to_string().contains("one T x KD pose array per animal"));

    let narrow = data[1].slice(ndarray::s![.., ..4]).to_owned();
    let e = err(&[data[0].view(), narrow.view()], &cfg);
    assert!(matches!(
        e,
        GmmError::AnimalDimMismatch {
            animal: 1,
            expected: 6,
            found: 4
        }
    ));
    assert!(e.to_string().contains("same keypoint layout"));

    let e = err(&views(&data), &SizeNormConfig::new(7, 3));
    assert!(matches!(
        e,
        GmmError::LatentTooLarge {
            latent: 7,
            observed: 6
        }
    ));
    assert!(e.to_string().contains("choose 1 <= M <= KD"));

    let short = data[1].slice(ndarray::s![..3, ..]).to_owned();
    let e = err(&[data[0].view(), short.view()], &cfg);
    assert!(matches!(
        e,
        GmmError::TooFewFrames {
            animal: 1,
            frames: 3,
            min: 4,
            ..
        }
    ));
    assert!(e.to_string().contains("supply more frames"));

    let mut nan = data[0].clone();
    nan[[17, 2]] = f64::NAN;
    let e = err(&[nan.view(), data[1].view()], &cfg);
    assert!(matches!(
        e,
        GmmError::NonFiniteFrame {
            animal: 0,
            frame: 17,
            column: 2,
            ..
        }
    ));
    assert!(e.to_string().contains("remove or impute"));

    let e = err(&views(&data), &SizeNormConfig::new(2, 0));
    assert!(e.to_string().contains("SizeNormConfig.components"));
    let e = err(
        &views(&data),
        &SizeNormConfig {
            dirichlet_alpha: Some(0.5),
            ..cfg.clone()
        },
    );
    assert!(e.to_string().contains("dirichlet_alpha"));

    // Converted for CLI callers, the data problems keep their meaning.
    let core: mutinf_core::MutinfError = GmmError::NonFiniteFrame {
        animal: 1,
        frame: 3,
        column: 0,
        value: f64::INFINITY,
    }
    .into();
    assert!(core.to_string().contains("animal 1"));

    // A model with a wrong shape is rejected, not panicked on.
    let mut bad = SizeNormModel::random(&RandomModelSpec::new(2, 6, 2, 3), 1).unwrap();
    bad.noise_variances.pop();
    assert!(bad.log_likelihood(&views(&data)).is_err());
    assert!(
        bad.check()
            .unwrap_err()
            .to_string()
            .contains("noise_variances")
    );
}
