//! End-to-end behaviour of the estimator: accuracy on Gaussians, independence, errors,
//! reproducibility, batching, configs.

use burn::config::Config;
use burn::tensor::Device;
use mutinf_core::{Estimator, MutinfError, PairedSamples};
use mutinf_mine::critic::{
    Activation, Critic, MlpCriticConfig, SeparableCriticConfig, SequenceCriticConfig,
};
use mutinf_mine::{Bound, MineEstimator, MineParams};
use ndarray::Array2;
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

fn gaussian(rho: f64, n: usize, seed: u64) -> PairedSamples {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut x = Array2::zeros((n, 1));
    let mut y = Array2::zeros((n, 1));
    for i in 0..n {
        let a: f64 = StandardNormal.sample(&mut rng);
        let b: f64 = StandardNormal.sample(&mut rng);
        x[[i, 0]] = a;
        y[[i, 0]] = rho * a + (1.0 - rho * rho).sqrt() * b;
    }
    PairedSamples::new(x, y).unwrap()
}

fn truth(rho: f64) -> f64 {
    -0.5 * (1.0 - rho * rho).ln()
}

/// Small and quick: 2x64 critic, 400 steps of 128 pairs, N = 2000.
fn quick(bound: Bound) -> MineParams {
    MineParams::new(bound)
        .with_hidden(vec![64, 64])
        .with_steps(400)
        .with_batch(128)
        .with_lr(3e-3)
        .with_seed(3)
        .with_patience(None)
}

#[test]
fn mine_on_rho_09_lands_near_the_truth() {
    // Truth 0.830 nats. With this config three other data/critic seeds gave 0.833–0.840;
    // N = 2000 alone gives a sampling spread of ~0.02–0.03, so 0.08 is ~3 sigma and still
    // fails a broken bound or loop (those give ≈0, a large bias, or blow up).
    let est = MineEstimator::new(quick(Bound::Mine), Device::flex()).unwrap();
    let e = est.estimate(&gaussian(0.9, 2000, 1)).unwrap();
    assert!(
        (e.mi - truth(0.9)).abs() < 0.08,
        "mine gave {} vs {}",
        e.mi,
        truth(0.9)
    );
    assert_eq!(e.method, "mine");
    assert_eq!(e.n, 2000);
}

#[test]
fn mine_on_independent_data_is_near_zero() {
    // Critic fitted and evaluated on the same 2000 rows: overfitting adds a small positive
    // bias (measured 0.003–0.004 with this config on three seeds); 0.03 nats is ~ρ = 0.24.
    let est = MineEstimator::new(quick(Bound::Mine), Device::flex()).unwrap();
    let e = est.estimate(&gaussian(0.0, 2000, 2)).unwrap();
    assert!(e.mi.abs() < 0.03, "mine gave {} on independent data", e.mi);
}

#[test]
fn every_bound_ranks_dependent_above_independent() {
    for bound in [Bound::MineDv, Bound::Nwj, Bound::InfoNce, Bound::Smile] {
        let est = MineEstimator::new(quick(bound).with_steps(250), Device::flex()).unwrap();
        let dep = est.estimate(&gaussian(0.9, 1000, 5)).unwrap().mi;
        let ind = est.estimate(&gaussian(0.0, 1000, 6)).unwrap().mi;
        assert!(
            dep > 0.4 && ind.abs() < 0.1,
            "{}: dependent {dep}, independent {ind}",
            bound.name()
        );
        if bound == Bound::InfoNce {
            assert!(dep <= (128f64).ln() + 1e-6);
        }
    }
}

#[test]
fn same_seed_same_estimate_other_seed_differs() {
    let data = gaussian(0.5, 600, 9);
    let p = quick(Bound::Mine).with_steps(60).with_batch(64);
    let a = MineEstimator::new(p.clone(), Device::flex())
        .unwrap()
        .estimate(&data)
        .unwrap();
    let b = MineEstimator::new(p.clone(), Device::flex())
        .unwrap()
        .estimate(&data)
        .unwrap();
    let c = MineEstimator::new(p.with_seed(4), Device::flex())
        .unwrap()
        .estimate(&data)
        .unwrap();
    assert_eq!(a.mi, b.mi);
    assert_ne!(a.mi, c.mi);
}

#[test]
fn batched_estimation_fits_each_set_separately() {
    let sets = vec![
        gaussian(0.0, 1000, 11),
        gaussian(0.9, 1500, 12),
        gaussian(0.5, 1000, 13),
    ];
    let est = MineEstimator::new(quick(Bound::Mine).with_steps(300), Device::flex()).unwrap();
    let out = est.estimate_batch(&sets).unwrap();
    assert_eq!(out.len(), 3);
    assert_eq!(out[1].n, 1500);
    for (e, rho) in out.iter().zip([0.0, 0.9, 0.5]) {
        assert!(
            (e.mi - truth(rho)).abs() < 0.15,
            "rho {rho}: {} vs {}",
            e.mi,
            truth(rho)
        );
        assert_eq!(e.params["batched_over"], 3);
    }
}

#[test]
fn fewer_rows_than_the_batch_is_a_clear_error() {
    let est =
        MineEstimator::new(MineParams::new(Bound::Mine).with_batch(100), Device::flex()).unwrap();
    let err = est.estimate(&gaussian(0.5, 50, 1)).unwrap_err();
    assert!(
        matches!(
            err,
            MutinfError::TooFewSamples {
                n: 50,
                min: 100,
                ..
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("batch"), "{err}");
}

#[test]
fn mismatched_dimensions_in_a_batch_are_rejected() {
    let a = gaussian(0.5, 200, 1);
    let b = PairedSamples::new(
        Array2::from_shape_fn((200, 2), |(i, j)| (i * 7 + j * 3) as f64 % 11.0),
        a.y().to_owned(),
    )
    .unwrap();
    let est =
        MineEstimator::new(MineParams::new(Bound::Mine).with_batch(50), Device::flex()).unwrap();
    let err = est.estimate_batch(&[a, b]).unwrap_err();
    assert!(err.to_string().contains("dx"), "{err}");
}

#[test]
fn a_diverging_run_reports_the_step_and_is_not_an_estimate() {
    // A learning rate of 1e6 blows NWJ's exp(T − 1) up within a few steps.
    let p = quick(Bound::Nwj).with_lr(1e6).with_steps(200);
    let err = MineEstimator::new(p, Device::flex())
        .unwrap()
        .estimate(&gaussian(0.9, 500, 3))
        .unwrap_err();
    match &err {
        MutinfError::EstimationFailed { method, reason } => {
            assert_eq!(method, "nwj");
            assert!(reason.contains("at step "), "{reason}");
        }
        other => panic!("expected EstimationFailed, got {other}"),
    }
}

#[test]
fn invalid_params_name_the_field() {
    let base = MineParams::new(Bound::Mine);
    let cases: Vec<(MineParams, &str)> = vec![
        (base.clone().with_steps(0), "steps"),
        (base.clone().with_batch(1), "batch"),
        (base.clone().with_lr(0.0), "lr"),
        (base.clone().with_lr(f64::NAN), "lr"),
        (base.clone().with_ema_rate(1.5), "ema_rate"),
        (base.clone().with_smile_tau(-1.0), "smile_tau"),
        (base.clone().with_hidden(vec![]), "hidden"),
        (base.clone().with_hidden(vec![64, 0]), "hidden"),
        (base.clone().with_patience(Some(0)), "patience"),
        (base.clone().with_smoothing(0.0), "smoothing"),
        (base.clone().with_snapshots(0, 5), "snapshot_every"),
        (base.clone().with_snapshots(10, 0), "final_snapshots"),
        (base.clone().with_embed(0), "embed"),
    ];
    for (p, field) in cases {
        match p.check().unwrap_err() {
            MutinfError::InvalidParameter { name, .. } => assert_eq!(name, field),
            other => panic!("expected InvalidParameter for {field}, got {other}"),
        }
        assert!(MineEstimator::new(p, Device::flex()).is_err());
    }
    assert!(matches!(
        Bound::from_name("mine-xyz"),
        Err(MutinfError::InvalidParameter { .. })
    ));
    for b in Bound::ALL {
        assert_eq!(Bound::from_name(b.name()).unwrap(), b);
    }
}

#[test]
fn configs_round_trip_through_json() {
    let mlp = MlpCriticConfig::new(3, 2)
        .with_hidden(vec![64, 32, 16])
        .with_activation(Activation::Elu);
    let back = MlpCriticConfig::load_binary(burn::config::config_to_json(&mlp).as_bytes()).unwrap();
    assert_eq!(back.hidden, vec![64, 32, 16]);
    assert_eq!(back.activation, Activation::Elu);
    assert_eq!(
        burn::config::config_to_json(&back),
        burn::config::config_to_json(&mlp)
    );

    let sep = SeparableCriticConfig::new(1, 4).with_embed(8);
    let back =
        SeparableCriticConfig::load_binary(burn::config::config_to_json(&sep).as_bytes()).unwrap();
    assert_eq!(
        (back.d_x, back.d_y, back.embed, back.hidden.clone()),
        (1, 4, 8, vec![128, 128])
    );

    let seq = SequenceCriticConfig::new(1200).with_layers(3);
    let back =
        SequenceCriticConfig::load_binary(burn::config::config_to_json(&seq).as_bytes()).unwrap();
    assert_eq!(
        burn::config::config_to_json(&back),
        burn::config::config_to_json(&seq)
    );

    let params = MineParams::new(Bound::Smile)
        .with_hidden(vec![32])
        .with_patience(None);
    let json = serde_json::to_string(&params).unwrap();
    assert!(json.contains("\"smile\""), "{json}");
    assert_eq!(serde_json::from_str::<MineParams>(&json).unwrap(), params);
}

#[test]
fn critics_have_the_documented_shapes() {
    use burn::tensor::{Int, Tensor, TensorData};
    let d = Device::flex();
    let x = Tensor::<3>::from_data(TensorData::new(vec![0.5f32; 2 * 5 * 3], [2, 5, 3]), &d);
    let y = Tensor::<3>::from_data(TensorData::new(vec![0.1f32; 2 * 5], [2, 5, 1]), &d);
    let perm = Tensor::<1, Int>::from_data(TensorData::new(vec![4i64, 3, 2, 1, 0], [5]), &d);
    let mlp = MlpCriticConfig::new(3, 1)
        .with_hidden(vec![8])
        .init(2, 0, &d);
    assert_eq!(mlp.copies(), 2);
    assert_eq!(mlp.pair_scores(x.clone(), y.clone()).dims(), [2, 5]);
    assert_eq!(mlp.score_matrix(x.clone(), y.clone()).dims(), [2, 5, 5]);
    let (j, m) = mlp.joint_and_marginal(x.clone(), y.clone(), perm.clone());
    assert_eq!((j.dims(), m.dims()), ([2, 5], [2, 5]));
    let sep = SeparableCriticConfig::new(3, 1)
        .with_hidden(vec![8])
        .with_embed(4)
        .init(2, 0, &d);
    let matrix = sep.score_matrix(x.clone(), y.clone());
    assert_eq!(matrix.dims(), [2, 5, 5]);
    // The matrix's diagonal is the pair scores.
    let diag: Vec<f32> = (0..5)
        .map(|i| {
            matrix
                .clone()
                .slice([0..1, i..i + 1, i..i + 1])
                .into_scalar::<f32>()
        })
        .collect();
    let pairs = sep
        .pair_scores(x, y)
        .slice([0..1, 0..5])
        .into_data()
        .try_into_vec::<f32>()
        .unwrap();
    for (a, b) in diag.iter().zip(&pairs) {
        assert!((a - b).abs() < 1e-5);
    }

    let cfg = SequenceCriticConfig::new(300)
        .with_layers(3)
        .with_channels(4)
        .with_head_hidden(8);
    assert_eq!(cfg.output_length(), Some(1));
    assert_eq!(SequenceCriticConfig::new(1000).output_length(), None); // 4 layers need ≥ 1106
    let seq = cfg.init(2, 0, &d);
    let a = Tensor::<3>::from_data(TensorData::new(vec![0.2f32; 2 * 5 * 300], [2, 5, 300]), &d);
    let (j, m) = seq.joint_and_marginal(a.clone(), a, perm);
    assert_eq!((j.dims(), m.dims()), ([2, 5], [2, 5]));
}
