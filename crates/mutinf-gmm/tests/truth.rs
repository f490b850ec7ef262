//! Ground-truth MI: closed form, Monte-Carlo, determinism and option validation.

use mutinf_gmm::{GaussianMixture, GmmError, MonteCarloOptions, analytic_gaussian_mi};

fn gaussian_mi(rho: f64) -> f64 {
    -0.5 * (1.0 - rho * rho).ln()
}

fn two_blobs(a: f64) -> GaussianMixture {
    let eye = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
    GaussianMixture::new(
        vec![0.5, 0.5],
        vec![vec![-a, -a], vec![a, a]],
        vec![eye.clone(), eye],
    )
    .unwrap()
}

#[test]
fn analytic_bivariate_mi_and_block_symmetry() {
    for rho in [-0.95, -0.5, 0.0, 0.3, 0.9, 0.999] {
        let g = GaussianMixture::bivariate_gaussian(rho).unwrap();
        let cov = &g.covariances()[0];
        let xy = analytic_gaussian_mi(cov, &[0], &[1]).unwrap();
        let yx = analytic_gaussian_mi(cov, &[1], &[0]).unwrap();
        assert!((xy - gaussian_mi(rho)).abs() < 1e-12, "rho {rho}: {xy}");
        assert_eq!(xy, yx);
        let t = g
            .mutual_information(&[0], &[1], &MonteCarloOptions::default())
            .unwrap();
        assert!(t.analytic && t.std_error == 0.0 && t.samples == 0 && t.value == xy);
    }
}

#[test]
fn analytic_mi_of_multivariate_blocks_adds_independent_pairs() {
    // X = (0, 1), Y = (2, 3); only (0,2) and (1,3) are correlated, so MI is the sum of two pair MIs.
    let (r1, r2) = (0.6, -0.8);
    let cov = vec![
        vec![1.0, 0.0, r1, 0.0],
        vec![0.0, 1.0, 0.0, r2],
        vec![r1, 0.0, 1.0, 0.0],
        vec![0.0, r2, 0.0, 1.0],
    ];
    let mi = analytic_gaussian_mi(&cov, &[0, 1], &[2, 3]).unwrap();
    assert!((mi - gaussian_mi(r1) - gaussian_mi(r2)).abs() < 1e-12);
    assert!((analytic_gaussian_mi(&cov, &[2, 3], &[1, 0]).unwrap() - mi).abs() < 1e-12);
    // Blocks that leave coordinates out use the sub-covariance.
    assert!((analytic_gaussian_mi(&cov, &[1], &[3]).unwrap() - gaussian_mi(r2)).abs() < 1e-12);
    assert!(analytic_gaussian_mi(&cov, &[0], &[1]).unwrap().abs() < 1e-15);
}

#[test]
fn monte_carlo_agrees_with_analytic_for_one_gaussian() {
    // Two identical components force the Monte-Carlo path while the truth stays analytic.
    for (rho, seed) in [(0.3, 1), (0.8, 2), (-0.95, 3)] {
        let cov = vec![
            vec![2.0, rho * 2.0f64.sqrt()],
            vec![rho * 2.0f64.sqrt(), 1.0],
        ];
        let g = GaussianMixture::new(
            vec![0.4, 0.6],
            vec![vec![1.0, -1.0]; 2],
            vec![cov.clone(), cov],
        )
        .unwrap();
        let t = g
            .mutual_information(
                &[0],
                &[1],
                &MonteCarloOptions {
                    samples: 100_000,
                    seed,
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(!t.analytic && t.samples == 100_000 && t.std_error > 0.0);
        assert!(
            (t.value - gaussian_mi(rho)).abs() < 4.0 * t.std_error,
            "rho {rho}: {} ± {}",
            t.value,
            t.std_error
        );
    }
}

#[test]
fn two_separated_blobs_tend_to_ln_2() {
    let opts = MonteCarloOptions {
        samples: 100_000,
        seed: 4,
        ..Default::default()
    };
    let values: Vec<_> = [0.5, 1.0, 2.0, 3.0, 5.0, 10.0]
        .iter()
        .map(|&a| two_blobs(a).mutual_information(&[0], &[1], &opts).unwrap())
        .collect();
    for w in values.windows(2) {
        assert!(w[1].value > w[0].value - 3.0 * w[1].std_error, "{values:?}");
    }
    let last = values.last().unwrap();
    assert!(
        (last.value - std::f64::consts::LN_2).abs() < 0.02,
        "{last:?}"
    );
    assert!(values[0].value < 0.3);
}

#[test]
fn monte_carlo_is_deterministic_across_thread_counts() {
    let g = two_blobs(1.5);
    let opts = MonteCarloOptions {
        samples: 50_000,
        seed: 9,
        ..Default::default()
    };
    let run = |threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap()
            .install(|| g.mutual_information(&[0], &[1], &opts).unwrap())
    };
    assert_eq!(run(1), run(3));
    let other = g
        .mutual_information(
            &[0],
            &[1],
            &MonteCarloOptions {
                seed: 10,
                ..opts.clone()
            },
        )
        .unwrap();
    assert_ne!(other.value, run(2).value);
}

#[test]
fn target_std_error_doubles_the_samples_until_met() {
    let g = two_blobs(1.0);
    let opts = MonteCarloOptions {
        samples: 10_000,
        seed: 1,
        target_std_error: Some(2e-3),
        max_samples: 2_000_000,
    };
    let t = g.mutual_information(&[0], &[1], &opts).unwrap();
    assert!(
        t.std_error <= 2e-3 && t.samples > 10_000 && t.samples <= 2_000_000,
        "{t:?}"
    );
    // Doubling reuses earlier chunks: asking for that many samples directly gives the same answer.
    let direct = g
        .mutual_information(
            &[0],
            &[1],
            &MonteCarloOptions {
                samples: t.samples,
                target_std_error: None,
                ..opts.clone()
            },
        )
        .unwrap();
    assert_eq!(direct, t);
    // The cap wins over an unreachable target.
    let capped = g
        .mutual_information(
            &[0],
            &[1],
            &MonteCarloOptions {
                target_std_error: Some(1e-9),
                max_samples: 40_000,
                ..opts
            },
        )
        .unwrap();
    assert_eq!(capped.samples, 40_000);
}

#[test]
fn blocks_of_a_larger_mixture_use_its_marginal() {
    let g = GaussianMixture::new(
        vec![0.5, 0.5],
        vec![vec![0.0, 1.0, -1.0], vec![2.0, -1.0, 1.0]],
        vec![
            vec![
                vec![1.0, 0.3, 0.2],
                vec![0.3, 1.0, 0.1],
                vec![0.2, 0.1, 1.0],
            ],
            vec![
                vec![1.0, -0.4, 0.0],
                vec![-0.4, 2.0, 0.5],
                vec![0.0, 0.5, 1.0],
            ],
        ],
    )
    .unwrap();
    let opts = MonteCarloOptions {
        samples: 20_000,
        seed: 3,
        ..Default::default()
    };
    let from_full = g.mutual_information(&[2], &[0], &opts).unwrap();
    let from_marginal = g
        .marginal(&[2, 0])
        .unwrap()
        .mutual_information(&[0], &[1], &opts)
        .unwrap();
    assert_eq!(from_full, from_marginal);
    // Multi-coordinate blocks: X = (0, 1) vs Y = 2 carries at least as much as X = 0 alone.
    let big = g.mutual_information(&[0, 1], &[2], &opts).unwrap();
    let small = g.mutual_information(&[0], &[2], &opts).unwrap();
    assert!(big.value > small.value - 4.0 * (big.std_error + small.std_error));
}

#[test]
fn invalid_blocks_and_options_are_rejected() {
    let g = two_blobs(1.0);
    let opts = MonteCarloOptions::default();
    for (x, y) in [
        (&[][..], &[1][..]),
        (&[0][..], &[][..]),
        (&[0][..], &[0][..]),
        (&[0][..], &[2][..]),
        (&[0, 0][..], &[1][..]),
    ] {
        let e = g.mutual_information(x, y, &opts).unwrap_err();
        assert!(
            matches!(e, GmmError::InvalidCoordinates { .. }),
            "{x:?} {y:?}: {e}"
        );
    }
    let overlap = g.mutual_information(&[0, 1], &[1], &opts).unwrap_err();
    assert!(overlap.to_string().contains("both blocks"), "{overlap}");
    let bad_opts = [
        MonteCarloOptions {
            samples: 1,
            ..Default::default()
        },
        MonteCarloOptions {
            max_samples: 10,
            ..Default::default()
        },
        MonteCarloOptions {
            target_std_error: Some(0.0),
            ..Default::default()
        },
        MonteCarloOptions {
            target_std_error: Some(f64::NAN),
            ..Default::default()
        },
    ];
    for o in bad_opts {
        let e = g.mutual_information(&[0], &[1], &o).unwrap_err();
        assert!(e.to_string().contains("MonteCarloOptions."), "{e}");
    }
    let not_spd = vec![vec![1.0, 2.0], vec![2.0, 1.0]];
    assert!(matches!(
        analytic_gaussian_mi(&not_spd, &[0], &[1]),
        Err(GmmError::NotPositiveDefinite { .. })
    ));
}
