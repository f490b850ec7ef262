//! The paper's families: ranges respected, reproducible for a seed, invalid settings rejected,
//! MI-level buckets and order triplets.

use mutinf_gmm::families::{
    MiLevelsConfig, PaperEvalFamily, PaperTrainFamily, gaussian_with_correlation, mi_for_rho,
    mi_levels, mi_levels_with, order_triplet, order_triplet_with, rho_for_mi,
};
use mutinf_gmm::{GmmError, MonteCarloOptions};
use rand::SeedableRng;
use rand::rngs::StdRng;

#[test]
fn train_family_respects_its_ranges() {
    let fam = PaperTrainFamily::default();
    let mut rng = StdRng::seed_from_u64(1);
    let mut ks = std::collections::BTreeSet::new();
    for _ in 0..300 {
        let g = fam.sample(&mut rng).unwrap();
        assert_eq!(g.dim(), 2);
        ks.insert(g.n_components());
        assert!((g.weights().iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for (m, c) in g.means().iter().zip(g.covariances()) {
            assert!(m.iter().all(|v| (-5.0..5.0).contains(v)));
            // each variance: two squared U(-3,3) draws (<= 18) plus the 0.01 jitter
            for i in 0..2 {
                assert!(c[i][i] >= 0.01 && c[i][i] <= 18.01, "{c:?}");
            }
            let (vx, vy) = (c[0][0] - 0.01, c[1][1] - 0.01);
            assert!(c[0][1].abs() <= (vx * vy).sqrt() + 1e-12);
        }
    }
    assert_eq!(ks.first(), Some(&1));
    assert_eq!(ks.last(), Some(&20));
    // custom ranges
    let narrow = PaperTrainFamily {
        components: (3, 3),
        mean_range: (0.0, 1.0),
        correlation_range: (0.5, 0.5),
        ..Default::default()
    };
    let g = narrow.sample(&mut rng).unwrap();
    assert_eq!(g.n_components(), 3);
    assert!(g.means().iter().flatten().all(|v| (0.0..1.0).contains(v)));
    for c in g.covariances() {
        let (vx, vy) = (c[0][0] - 0.01, c[1][1] - 0.01);
        assert!((c[0][1] - 0.5 * (vx * vy).sqrt()).abs() < 1e-12);
    }
}

#[test]
fn eval_family_respects_its_ranges_in_any_dimension() {
    for dim in [1, 2, 3, 5] {
        let fam = PaperEvalFamily {
            dim,
            components: (2, 6),
            ..Default::default()
        };
        let mut rng = StdRng::seed_from_u64(dim as u64);
        for _ in 0..100 {
            let g = fam.sample(&mut rng).unwrap();
            assert_eq!(g.dim(), dim);
            assert!((2..=6).contains(&g.n_components()));
            assert!(g.means().iter().flatten().all(|v| (-5.0..5.0).contains(v)));
            for c in g.covariances() {
                // diag of A Aᵀ + 0.01 I: sum of dim squared U(-3,3) entries plus 0.01
                for (i, row) in c.iter().enumerate() {
                    assert!(row[i] >= 0.01 && row[i] <= 9.0 * dim as f64 + 0.01);
                }
            }
        }
    }
}

#[test]
fn families_are_reproducible_for_a_seed() {
    let train = PaperTrainFamily::default();
    let eval = PaperEvalFamily::fixed(3, 4);
    let draw = |seed| {
        let mut rng = StdRng::seed_from_u64(seed);
        (
            train.sample(&mut rng).unwrap(),
            eval.sample(&mut rng).unwrap(),
        )
    };
    assert_eq!(draw(7), draw(7));
    assert_ne!(draw(7), draw(8));
}

#[test]
fn invalid_family_settings_name_the_field() {
    let mut rng = StdRng::seed_from_u64(0);
    let bad_train = [
        (
            PaperTrainFamily {
                components: (0, 3),
                ..Default::default()
            },
            "components",
        ),
        (
            PaperTrainFamily {
                components: (5, 3),
                ..Default::default()
            },
            "components",
        ),
        (
            PaperTrainFamily {
                mean_range: (5.0, -5.0),
                ..Default::default()
            },
            "mean_range",
        ),
        (
            PaperTrainFamily {
                scale_range: (f64::NAN, 1.0),
                ..Default::default()
            },
            "scale_range",
        ),
        (
            PaperTrainFamily {
                correlation_range: (-1.5, 1.0),
                ..Default::default()
            },
            "correlation_range",
        ),
        (
            PaperTrainFamily {
                jitter: 0.0,
                ..Default::default()
            },
            "jitter",
        ),
        (
            PaperTrainFamily {
                aat_fraction: 1.5,
                ..Default::default()
            },
            "aat_fraction",
        ),
    ];
    for (fam, field) in bad_train {
        let e = fam.sample(&mut rng).unwrap_err();
        assert!(
            e.to_string().contains(&format!("PaperTrainFamily.{field}")),
            "{e}"
        );
    }
    let bad_eval = [
        (
            PaperEvalFamily {
                dim: 0,
                ..Default::default()
            },
            "dim",
        ),
        (
            PaperEvalFamily {
                components: (0, 0),
                ..Default::default()
            },
            "components",
        ),
        (
            PaperEvalFamily {
                a_range: (1.0, f64::INFINITY),
                ..Default::default()
            },
            "a_range",
        ),
        (
            PaperEvalFamily {
                jitter: -1.0,
                ..Default::default()
            },
            "jitter",
        ),
    ];
    for (fam, field) in bad_eval {
        let e = fam.sample(&mut rng).unwrap_err();
        assert!(
            e.to_string().contains(&format!("PaperEvalFamily.{field}")),
            "{e}"
        );
    }
}

#[test]
fn rho_for_mi_inverts_the_gaussian_mi() {
    for mi in [0.0, 0.05, 0.5, 1.0, 3.0] {
        let rho = rho_for_mi(mi).unwrap();
        let g = gaussian_with_correlation(rho).unwrap();
        let truth = g
            .mutual_information(&[0], &[1], &MonteCarloOptions::default())
            .unwrap();
        assert!((truth.value - mi).abs() < 1e-12, "{mi}: {truth:?}");
        assert!((mi_for_rho(rho).unwrap() - mi).abs() < 1e-12);
    }
    assert!(rho_for_mi(f64::NAN).is_err() && rho_for_mi(-1.0).is_err() && mi_for_rho(1.0).is_err());
}

#[test]
fn mi_levels_fill_buckets_within_half_width() {
    let mc = MonteCarloOptions {
        samples: 20_000,
        seed: 5,
        ..Default::default()
    };
    let fam = PaperEvalFamily::default();
    let levels = [0.0, 0.2, 0.5, 0.9];
    let out = mi_levels(&levels, 0.05, 3, &fam, &mc, 11).unwrap();
    assert_eq!(out.len(), 12);
    for (i, &level) in levels.iter().enumerate() {
        let bucket: Vec<_> = out.iter().filter(|l| l.level == level).collect();
        assert_eq!(bucket.len(), 3);
        assert!(
            out[3 * i..3 * i + 3].iter().all(|l| l.level == level),
            "ordered by level"
        );
        for item in bucket {
            assert!(
                (item.truth.value - level).abs() <= 0.05,
                "{level}: {:?}",
                item.truth
            );
            // The stored truth is reproducible from the mixture and the options.
            assert_eq!(
                item.gmm.mutual_information(&[0], &[1], &mc).unwrap(),
                item.truth
            );
        }
    }
    // Deterministic for a seed; another seed gives other mixtures.
    assert_eq!(mi_levels(&levels, 0.05, 3, &fam, &mc, 11).unwrap(), out);
    assert_ne!(mi_levels(&levels, 0.05, 3, &fam, &mc, 12).unwrap(), out);
}

#[test]
fn mi_levels_report_the_unfilled_level_and_bad_settings() {
    let mc = MonteCarloOptions {
        samples: 5_000,
        ..Default::default()
    };
    let fam = PaperEvalFamily::default();
    let cfg = MiLevelsConfig {
        levels: vec![0.3, 50.0],
        half_width: 0.05,
        per_level: 1,
        max_draws: 40,
    };
    let e = mi_levels_with(&cfg, &fam, &mc, 1).unwrap_err();
    assert!(
        matches!(e, GmmError::LevelUnfilled { level, filled: 0, wanted: 1, draws: 40 } if level == 50.0),
        "{e}"
    );
    let bad = [
        MiLevelsConfig {
            levels: vec![],
            ..cfg.clone()
        },
        MiLevelsConfig {
            levels: vec![-0.1],
            ..cfg.clone()
        },
        MiLevelsConfig {
            half_width: 0.0,
            ..cfg.clone()
        },
        MiLevelsConfig {
            per_level: 0,
            ..cfg.clone()
        },
        MiLevelsConfig {
            max_draws: 0,
            ..cfg.clone()
        },
    ];
    for c in bad {
        assert!(
            mi_levels_with(&c, &fam, &mc, 1)
                .unwrap_err()
                .to_string()
                .contains("MiLevelsConfig.")
        );
    }
    let three_d = PaperEvalFamily::fixed(3, 2);
    assert!(
        mi_levels_with(&cfg, &three_d, &mc, 1)
            .unwrap_err()
            .to_string()
            .contains("PaperEvalFamily.dim")
    );
}

#[test]
fn order_triplets_carry_both_truths() {
    let mc = MonteCarloOptions {
        samples: 10_000,
        seed: 2,
        ..Default::default()
    };
    for k in [1, 2, 5] {
        let t = order_triplet(k, &mc, &mut StdRng::seed_from_u64(k as u64)).unwrap();
        assert_eq!((t.gmm.dim(), t.gmm.n_components()), (3, k));
        assert_eq!(t.mi_xy, t.gmm.mutual_information(&[0], &[1], &mc).unwrap());
        assert_eq!(t.mi_xz, t.gmm.mutual_information(&[0], &[2], &mc).unwrap());
        assert_eq!(t.mi_xy.analytic, k == 1);
        assert_eq!(t.xy_greater(), t.mi_xy.value > t.mi_xz.value);
        assert_eq!(
            order_triplet(k, &mc, &mut StdRng::seed_from_u64(k as u64)).unwrap(),
            t
        );
    }
    let e = order_triplet_with(
        &PaperEvalFamily::default(),
        &mc,
        &mut StdRng::seed_from_u64(0),
    )
    .unwrap_err();
    assert!(e.to_string().contains("3-D"), "{e}");
}

/// Share of components with |correlation| > 0.99 among `draws` mixtures of `fam`.
fn thin_share(fam: &PaperTrainFamily, draws: u64) -> f64 {
    let (mut thin, mut all) = (0usize, 0usize);
    for seed in 0..draws {
        let g = fam.sample(&mut StdRng::seed_from_u64(seed)).unwrap();
        for c in g.covariances() {
            let r = c[0][1] / (c[0][0] * c[1][1]).sqrt();
            thin += usize::from(r.abs() > 0.99);
            all += 1;
        }
    }
    thin as f64 / all as f64
}

#[test]
fn aat_covariances_put_mass_near_perfect_correlation() {
    // Uniform correlations: P(|rho| > 0.99) = 1 %, less after the jitter. A Aᵀ: the cosine of the
    // angle between two random vectors of the square, ≈ 9 % before the jitter (≈ 7 % after).
    let paper = thin_share(&PaperTrainFamily::default(), 400);
    let aat = thin_share(&PaperTrainFamily { aat_fraction: 1.0, ..Default::default() }, 400);
    let half = thin_share(&PaperTrainFamily { aat_fraction: 0.5, ..Default::default() }, 400);
    assert!(paper < 0.015, "paper rule: {paper}");
    assert!((0.04..0.12).contains(&aat), "A Aᵀ rule: {aat}");
    assert!(half > paper && half < aat, "half: {half}");
}
