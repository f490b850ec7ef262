//! Construction, validation errors, serde, densities, marginals and sampling moments.

use mutinf_core::MutinfError;
use mutinf_gmm::{GaussianMixture, GmmError};
use rand::SeedableRng;
use rand::rngs::StdRng;

fn eye2() -> Vec<Vec<f64>> {
    vec![vec![1.0, 0.0], vec![0.0, 1.0]]
}

fn two_component() -> GaussianMixture {
    GaussianMixture::new(
        vec![0.3, 0.7],
        vec![vec![-2.0, 1.0], vec![1.5, -0.5]],
        vec![
            vec![vec![1.0, 0.6], vec![0.6, 2.0]],
            vec![vec![0.5, -0.2], vec![-0.2, 0.8]],
        ],
    )
    .unwrap()
}

// ---------- validation ----------

#[test]
fn weights_must_sum_to_one() {
    let e = GaussianMixture::new(
        vec![0.5, 0.4],
        vec![vec![0.0], vec![1.0]],
        vec![vec![vec![1.0]]; 2],
    )
    .unwrap_err();
    assert!(
        matches!(e, GmmError::WeightSum { sum } if (sum - 0.9).abs() < 1e-12),
        "{e}"
    );
    // Within the 1e-9 tolerance is fine.
    assert!(
        GaussianMixture::new(
            vec![0.5, 0.5 + 5e-10],
            vec![vec![0.0], vec![1.0]],
            vec![vec![vec![1.0]]; 2]
        )
        .is_ok()
    );
}

#[test]
fn negative_zero_and_nan_weights_are_rejected() {
    let means = vec![vec![0.0], vec![1.0]];
    let covs = vec![vec![vec![1.0]]; 2];
    let e = GaussianMixture::new(vec![1.5, -0.5], means.clone(), covs.clone()).unwrap_err();
    assert!(
        matches!(e, GmmError::NonPositiveWeight { component: 1, .. }),
        "{e}"
    );
    assert!(e.to_string().contains("component 1"));
    let e = GaussianMixture::new(vec![1.0, 0.0], means.clone(), covs.clone()).unwrap_err();
    assert!(
        matches!(e, GmmError::NonPositiveWeight { component: 1, .. }),
        "{e}"
    );
    let e = GaussianMixture::new(vec![f64::NAN, 0.5], means, covs).unwrap_err();
    assert!(matches!(e, GmmError::NonFinite { component: 0, .. }), "{e}");
}

#[test]
fn nan_mean_names_component_and_entry() {
    let e = GaussianMixture::new(
        vec![0.5, 0.5],
        vec![vec![0.0, 0.0], vec![1.0, f64::NAN]],
        vec![eye2(), eye2()],
    )
    .unwrap_err();
    assert!(matches!(e, GmmError::NonFinite { component: 1, .. }), "{e}");
    assert!(e.to_string().contains("mean entry 1"), "{e}");
}

#[test]
fn infinite_covariance_entry_is_rejected() {
    let e = GaussianMixture::gaussian(
        vec![0.0, 0.0],
        vec![vec![1.0, 0.0], vec![0.0, f64::INFINITY]],
    )
    .unwrap_err();
    assert!(matches!(e, GmmError::NonFinite { component: 0, .. }), "{e}");
}

#[test]
fn non_spd_covariance_names_the_component() {
    let bad = vec![vec![1.0, 2.0], vec![2.0, 1.0]];
    let e = GaussianMixture::new(
        vec![0.2, 0.3, 0.5],
        vec![vec![0.0, 0.0]; 3],
        vec![eye2(), eye2(), bad],
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            GmmError::NotPositiveDefinite {
                component: 2,
                pivot: 1
            }
        ),
        "{e}"
    );
    assert!(
        e.to_string().contains("component 2") && e.to_string().contains("positive definite"),
        "{e}"
    );
    let zero = vec![vec![0.0, 0.0], vec![0.0, 1.0]];
    assert!(matches!(
        GaussianMixture::gaussian(vec![0.0, 0.0], zero),
        Err(GmmError::NotPositiveDefinite {
            component: 0,
            pivot: 0
        })
    ));
}

#[test]
fn asymmetric_covariance_is_rejected() {
    let e = GaussianMixture::gaussian(vec![0.0, 0.0], vec![vec![1.0, 0.1], vec![0.2, 1.0]])
        .unwrap_err();
    assert!(
        matches!(e, GmmError::NotSymmetric { component: 0, .. }),
        "{e}"
    );
}

#[test]
fn dimension_mismatches_are_rejected() {
    // second mean has 3 entries
    let e = GaussianMixture::new(
        vec![0.5, 0.5],
        vec![vec![0.0, 0.0], vec![0.0, 0.0, 0.0]],
        vec![eye2(), eye2()],
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            GmmError::DimensionMismatch {
                component: 1,
                expected: 2,
                found: 3,
                ..
            }
        ),
        "{e}"
    );
    // covariance with the wrong number of rows
    let e = GaussianMixture::gaussian(vec![0.0, 0.0], vec![vec![1.0, 0.0]]).unwrap_err();
    assert!(
        matches!(
            e,
            GmmError::DimensionMismatch {
                component: 0,
                expected: 2,
                found: 1,
                ..
            }
        ),
        "{e}"
    );
    // a ragged covariance row
    let e = GaussianMixture::gaussian(vec![0.0, 0.0], vec![vec![1.0, 0.0], vec![0.0]]).unwrap_err();
    assert!(
        matches!(
            e,
            GmmError::DimensionMismatch {
                component: 0,
                found: 1,
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().contains("covariance row 1"), "{e}");
    // counts differ
    let e = GaussianMixture::new(vec![1.0], vec![vec![0.0], vec![1.0]], vec![vec![vec![1.0]]])
        .unwrap_err();
    assert!(
        matches!(
            e,
            GmmError::ComponentCountMismatch {
                weights: 1,
                means: 2,
                covariances: 1
            }
        ),
        "{e}"
    );
    // empty
    assert!(matches!(
        GaussianMixture::new(vec![], vec![], vec![]),
        Err(GmmError::NoComponents)
    ));
    // zero-dimensional
    assert!(matches!(
        GaussianMixture::gaussian(vec![], vec![]),
        Err(GmmError::InvalidParameter { .. })
    ));
}

#[test]
fn bivariate_gaussian_rejects_bad_rho() {
    for rho in [1.0, -1.0, 1.5, f64::NAN, f64::INFINITY] {
        let e = GaussianMixture::bivariate_gaussian(rho).unwrap_err();
        assert!(e.to_string().contains("rho"), "{e}");
    }
}

#[test]
fn errors_convert_to_mutinf_error() {
    let e: MutinfError = GaussianMixture::bivariate_gaussian(2.0).unwrap_err().into();
    assert!(matches!(e, MutinfError::InvalidParameter { .. }));
    let e: MutinfError = GaussianMixture::new(
        vec![0.5, 0.4],
        vec![vec![0.0], vec![1.0]],
        vec![vec![vec![1.0]]; 2],
    )
    .unwrap_err()
    .into();
    assert!(e.to_string().contains("normalise"), "{e}");
}

// ---------- serde ----------

#[test]
fn serde_round_trip_uses_the_documented_layout() {
    let g = two_component();
    let json = serde_json::to_value(&g).unwrap();
    let obj = json.as_object().unwrap();
    let mut keys: Vec<_> = obj.keys().cloned().collect();
    keys.sort();
    assert_eq!(keys, ["covariances", "means", "weights"]);
    assert_eq!(json["covariances"][0][0][1], 0.6);
    let back: GaussianMixture = serde_json::from_value(json).unwrap();
    assert_eq!(back, g);
}

#[test]
fn deserialising_revalidates() {
    let bad =
        r#"{"weights": [0.5, 0.4], "means": [[0.0], [1.0]], "covariances": [[[1.0]], [[1.0]]]}"#;
    let err = serde_json::from_str::<GaussianMixture>(bad).unwrap_err();
    assert!(err.to_string().contains("weights sum"), "{err}");
    let not_spd =
        r#"{"weights": [1.0], "means": [[0.0, 0.0]], "covariances": [[[1.0, 3.0], [3.0, 1.0]]]}"#;
    assert!(
        serde_json::from_str::<GaussianMixture>(not_spd)
            .unwrap_err()
            .to_string()
            .contains("positive definite")
    );
}

// ---------- densities ----------

#[test]
fn log_density_matches_the_bivariate_formula() {
    let (s1, s2, rho): (f64, f64, f64) = (1.5, 0.7, -0.4);
    let cov = vec![vec![s1 * s1, rho * s1 * s2], vec![rho * s1 * s2, s2 * s2]];
    let g = GaussianMixture::gaussian(vec![0.3, -1.0], cov).unwrap();
    for p in [[0.0, 0.0], [1.2, -3.0], [-2.0, 0.5]] {
        let (u, v) = ((p[0] - 0.3) / s1, (p[1] + 1.0) / s2);
        let q = (u * u - 2.0 * rho * u * v + v * v) / (1.0 - rho * rho);
        let direct =
            -(2.0 * std::f64::consts::PI * s1 * s2 * (1.0 - rho * rho).sqrt()).ln() - 0.5 * q;
        assert!((g.log_density(&p) - direct).abs() < 1e-12);
    }
}

#[test]
fn mixture_density_is_the_weighted_sum_of_components() {
    let g = two_component();
    let parts: Vec<GaussianMixture> = (0..2)
        .map(|k| {
            GaussianMixture::gaussian(g.means()[k].clone(), g.covariances()[k].clone()).unwrap()
        })
        .collect();
    for p in [[0.0, 0.0], [-2.0, 1.0], [5.0, 5.0], [40.0, -40.0]] {
        let direct = g.weights()[0] * parts[0].log_density(&p).exp()
            + g.weights()[1] * parts[1].log_density(&p).exp();
        if direct > 0.0 {
            assert!((g.log_density(&p) - direct.ln()).abs() < 1e-10);
        }
        // Far in the tail the direct sum underflows; log-sum-exp must stay finite.
        assert!(g.log_density(&p).is_finite());
    }
}

#[test]
fn one_dimensional_mixture_integrates_to_one() {
    let g = GaussianMixture::new(
        vec![0.2, 0.5, 0.3],
        vec![vec![-3.0], vec![0.0], vec![4.0]],
        vec![vec![vec![0.25]], vec![vec![1.0]], vec![vec![4.0]]],
    )
    .unwrap();
    let (lo, hi, n) = (-30.0, 30.0, 60_000);
    let h = (hi - lo) / n as f64;
    let integral: f64 = (0..=n)
        .map(|i| {
            let w = if i == 0 || i == n { 0.5 } else { 1.0 };
            w * g.log_density(&[lo + i as f64 * h]).exp()
        })
        .sum::<f64>()
        * h;
    assert!((integral - 1.0).abs() < 1e-8, "{integral}");
}

#[test]
fn marginal_matches_the_integral_of_the_joint() {
    let g = two_component();
    let m1 = g.marginal(&[1]).unwrap();
    assert_eq!(m1.means(), &[vec![1.0], vec![-0.5]]);
    assert_eq!(m1.covariances(), &[vec![vec![2.0]], vec![vec![0.8]]]);
    // p(x1) = ∫ p(x0, x1) dx0, by the trapezoid rule.
    for x1 in [-2.0, 0.0, 1.3] {
        let (lo, hi, n) = (-25.0, 25.0, 20_000);
        let h = (hi - lo) / n as f64;
        let integral: f64 = (0..=n)
            .map(|i| {
                let w = if i == 0 || i == n { 0.5 } else { 1.0 };
                w * g.log_density(&[lo + i as f64 * h, x1]).exp()
            })
            .sum::<f64>()
            * h;
        assert!((integral.ln() - m1.log_density(&[x1])).abs() < 1e-8);
    }
    // Reordering coordinates permutes the density's arguments.
    let swapped = g.marginal(&[1, 0]).unwrap();
    assert!((swapped.log_density(&[0.3, -0.7]) - g.log_density(&[-0.7, 0.3])).abs() < 1e-12);
}

#[test]
fn marginal_rejects_bad_coordinates() {
    let g = two_component();
    for coords in [&[][..], &[2][..], &[0, 0][..]] {
        assert!(
            matches!(g.marginal(coords), Err(GmmError::InvalidCoordinates { .. })),
            "{coords:?}"
        );
    }
}

// ---------- sampling ----------

/// Checks sample means and covariances against the mixture's analytic moments within 5 standard errors.
fn check_moments(g: &GaussianMixture, n: usize, seed: u64) {
    let x = g.sample(n, &mut StdRng::seed_from_u64(seed));
    let d = g.dim();
    let (mu, cov) = (g.mean(), g.covariance());
    let nf = n as f64;
    for i in 0..d {
        let m = x.column(i).mean().unwrap();
        assert!(
            (m - mu[i]).abs() < 5.0 * (cov[i][i] / nf).sqrt(),
            "mean {i}: {m} vs {}",
            mu[i]
        );
        for j in 0..=i {
            let prod: Vec<f64> = x
                .rows()
                .into_iter()
                .map(|r| (r[i] - mu[i]) * (r[j] - mu[j]))
                .collect();
            let c = prod.iter().sum::<f64>() / nf;
            let var = prod.iter().map(|p| (p - c).powi(2)).sum::<f64>() / nf;
            assert!(
                (c - cov[i][j]).abs() < 5.0 * (var / nf).sqrt(),
                "cov ({i},{j}): {c} vs {}",
                cov[i][j]
            );
        }
    }
}

#[test]
fn sampling_moments_match_two_component_mixture() {
    check_moments(&two_component(), 200_000, 11);
}

#[test]
fn sampling_moments_match_in_three_dimensions() {
    let g = GaussianMixture::new(
        vec![0.6, 0.4],
        vec![vec![1.0, 2.0, 3.0], vec![-1.0, 0.0, 4.0]],
        vec![
            vec![
                vec![2.0, 0.5, 0.1],
                vec![0.5, 1.0, -0.3],
                vec![0.1, -0.3, 1.5],
            ],
            vec![
                vec![1.0, 0.0, 0.0],
                vec![0.0, 0.5, 0.2],
                vec![0.0, 0.2, 0.7],
            ],
        ],
    )
    .unwrap();
    check_moments(&g, 200_000, 12);
}

#[test]
fn labels_follow_the_weights() {
    let g = two_component();
    let n = 100_000;
    let (_, labels) = g.sample_with_labels(n, &mut StdRng::seed_from_u64(3));
    let frac = labels.iter().filter(|&&k| k == 0).count() as f64 / n as f64;
    assert!(
        (frac - 0.3).abs() < 5.0 * (0.3f64 * 0.7 / n as f64).sqrt(),
        "{frac}"
    );
}

#[test]
fn sampling_is_reproducible_for_a_seed() {
    let g = two_component();
    let a = g.sample(1000, &mut StdRng::seed_from_u64(5));
    let b = g.sample(1000, &mut StdRng::seed_from_u64(5));
    let c = g.sample(1000, &mut StdRng::seed_from_u64(6));
    assert_eq!(a, b);
    assert_ne!(a, c);
}
