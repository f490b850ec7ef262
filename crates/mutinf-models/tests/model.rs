//! InfoNet model tests on the CPU (flex) backend with tiny configs.

use burn::module::Module;
use burn::tensor::{Device, Tensor, TensorData};
use mutinf_models::readout::{ReadoutPlan, blur_matrix, dv_bound};
use mutinf_models::{
    CopulaSequence, Fold, InfoNetConfig, ModelError, load_checkpoint, load_checkpoint_expecting, prepare_batch,
    save_checkpoint,
};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

fn tiny() -> InfoNetConfig {
    InfoNetConfig::new()
        .with_latents(8)
        .with_d_model(16)
        .with_heads(2)
        .with_self_blocks(1)
        .with_fourier_frequencies(3)
        .with_grid(8)
        .with_permutations(2)
}

fn device() -> Device {
    Device::flex()
}

fn correlated(n: usize, rho: f64, seed: u64) -> (Vec<f64>, Vec<f64>) {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let a: f64 = rng.random::<f64>() - 0.5;
            let b: f64 = rng.random::<f64>() - 0.5;
            (a, rho * a + (1.0 - rho * rho).sqrt() * b)
        })
        .unzip()
}

#[test]
fn output_shapes() {
    let d = device();
    let net = tiny().init(&d).unwrap();
    let points = Tensor::<3>::from_data(TensorData::new(vec![0.5f32; 3 * 20 * 2], [3, 20, 2]), &d);
    assert_eq!(net.raw_table(points.clone()).dims(), [3, 8, 8]);
    assert_eq!(net.table(points).dims(), [3, 8, 8]);
    let seqs: Vec<CopulaSequence> = (0..3)
        .map(|s| {
            let (x, y) = correlated(40, 0.5, s);
            CopulaSequence::from_samples(&x, &y).unwrap()
        })
        .collect();
    for fold in [Fold::InSample, Fold::FirstToSecond] {
        let batch = prepare_batch(&seqs, net.config(), fold, 1).unwrap();
        assert_eq!(net.bound(&batch, &d).dims(), [3]);
    }
    let pairs: Vec<(&[f64], &[f64])> = vec![];
    assert!(matches!(net.estimate_batch(&pairs, 0), Err(ModelError::EmptyBatch)));
    assert!(matches!(net.estimate(&[1.0; 5], &[2.0; 5], 0), Err(ModelError::TooFewSamples { .. })));
}

#[test]
fn estimate_is_invariant_to_sample_order() {
    let d = device();
    for holdout in [false, true] {
        let net = tiny().with_holdout(holdout).init(&d).unwrap();
        let (x, y) = correlated(200, 0.7, 3);
        let mut order: Vec<usize> = (0..x.len()).collect();
        order.shuffle(&mut StdRng::seed_from_u64(5));
        let xs: Vec<f64> = order.iter().map(|&i| x[i]).collect();
        let ys: Vec<f64> = order.iter().map(|&i| y[i]).collect();
        let a = net.estimate(&x, &y, 42).unwrap();
        let b = net.estimate(&xs, &ys, 42).unwrap();
        assert_eq!(a, b, "holdout = {holdout}");
        assert!(a.is_finite());
    }
}

#[test]
fn blur_kernel_sums_to_one_and_is_not_a_parameter() {
    for (g, sigma) in [(8, 0.02), (16, 0.1), (32, 0.0)] {
        let k = blur_matrix(g, sigma);
        for row in k.chunks(g) {
            assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-5);
        }
    }
    let d = device();
    let a = tiny().with_blur_sigma(0.0).init(&d).unwrap();
    let b = tiny().with_blur_sigma(0.2).with_grid(16).init(&d).unwrap();
    // Grid size and blur change only constants, never the parameter count.
    assert_eq!(a.num_params(), b.num_params());
    let kernel = b.blur_kernel().into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(kernel, blur_matrix(16, 0.2));
    // A constant table stays constant under the blur.
    let ones = Tensor::<3>::ones([1, 16, 16], &d);
    let blurred = mutinf_models::readout::blur(ones, &b.blur_kernel()).into_data().try_to_vec::<f32>().unwrap();
    assert!(blurred.iter().all(|v| (v - 1.0).abs() < 1e-5));
}

#[test]
fn dv_readout_matches_a_hand_computation() {
    let d = device();
    // 2 x 2 table: T[i][j] with i following u, j following v.
    let table = Tensor::<3>::from_data(TensorData::new(vec![1.0f32, 0.0, 0.0, 2.0], [1, 2, 2]), &d);
    // Points at the cell centres (0.25, 0.75) read single cells exactly.
    let pairs = vec![(0.25f32, 0.25f32), (0.75, 0.75)];
    let perms = vec![vec![vec![1u32, 0]]];
    let plan = ReadoutPlan::new(2, 1, 1, &[pairs], &perms);
    let (joint, marginal) = plan.read(table.clone(), &d);
    assert_eq!(joint.clone().into_data().try_to_vec::<f32>().unwrap(), vec![1.0, 2.0]);
    // Permuted pairs: (0.25, 0.75) → T[0][1] = 0, (0.75, 0.25) → T[1][0] = 0.
    assert_eq!(marginal.clone().into_data().try_to_vec::<f32>().unwrap(), vec![0.0, 0.0]);
    let bound = dv_bound(joint, marginal).into_scalar::<f32>();
    // mean(1, 2) − log mean(e^0, e^0) = 1.5.
    assert!((bound - 1.5).abs() < 1e-6);

    // Bilinear: the middle of the square averages all four cells; the corners clamp.
    let mid = vec![(0.5f32, 0.5f32), (0.0, 0.0), (1.0, 1.0), (0.5, 0.25)];
    let perms = vec![vec![vec![0u32, 1, 2, 3]]];
    let plan = ReadoutPlan::new(2, 1, 1, &[mid], &perms);
    let (joint, marginal) = plan.read(table, &d);
    let j = joint.into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(j, vec![0.75, 1.0, 2.0, 0.5]);
    // Identity permutation: marginal = joint; DV = mean − log mean exp.
    let m = marginal.clone().into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(m, j);
    let want = 1.0625f64 - ((0.75f64.exp() + 1f64.exp() + 2f64.exp() + 0.5f64.exp()) / 4.0).ln();
    let got = dv_bound(Tensor::<2>::from_data(TensorData::new(j, [1, 4]), &d), marginal).into_scalar::<f32>();
    assert!((f64::from(got) - want).abs() < 1e-5, "{got} vs {want}");
}

/// The host readout estimates use reads what the device plan (the training path) reads, and
/// its DV bound is the device's: random 8 x 8 tables, random points (borders included) and
/// random permutations.
#[test]
fn host_readout_equals_the_device_plan() {
    use mutinf_models::readout::SequenceScores;
    let d = device();
    let mut rng = StdRng::seed_from_u64(11);
    let (g, n, r) = (8, 57, 3);
    for _ in 0..5 {
        let table: Vec<f32> = (0..g * g).map(|_| rng.random::<f32>() * 4.0 - 2.0).collect();
        let pairs: Vec<(f32, f32)> = (0..n).map(|_| (rng.random::<f32>(), rng.random::<f32>())).collect();
        let perms: Vec<Vec<u32>> = (0..r)
            .map(|_| {
                let mut p: Vec<u32> = (0..n as u32).collect();
                p.shuffle(&mut rng);
                p
            })
            .collect();
        let plan = ReadoutPlan::new(g, 1, r, std::slice::from_ref(&pairs), std::slice::from_ref(&perms));
        let tensor = Tensor::<3>::from_data(TensorData::new(table.clone(), [1, g, g]), &d);
        let (joint, marginal) = plan.read(tensor, &d);
        let device_bound = f64::from(dv_bound(joint.clone(), marginal.clone()).into_scalar::<f32>());
        let host = SequenceScores::read(&table, g, &pairs, &perms);
        let close = |a: &[f32], b: &[f32]| a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-6);
        assert!(close(&host.joint, &joint.into_data().try_to_vec::<f32>().unwrap()));
        assert!(close(&host.marginal, &marginal.into_data().try_to_vec::<f32>().unwrap()));
        assert!((host.dv_bound() - device_bound).abs() < 1e-5, "{} vs {device_bound}", host.dv_bound());
    }
}

#[test]
fn checkpoint_round_trip_is_bit_identical() {
    let d = device();
    d.seed(9);
    let net = tiny().init(&d).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.safetensors");
    let mut meta = std::collections::BTreeMap::new();
    meta.insert("mutinf.step".to_string(), "12".to_string());
    save_checkpoint(&net, &path, &meta).unwrap();
    let (loaded, read_meta) = load_checkpoint(&path, &d).unwrap();
    assert_eq!(read_meta["mutinf.step"], "12");
    assert_eq!(loaded.config(), net.config());
    let points = Tensor::<3>::from_data(
        TensorData::new((0..2 * 30 * 2).map(|i| ((i * 37) % 100) as f32 / 100.0 + 0.005).collect::<Vec<_>>(), [2, 30, 2]),
        &d,
    );
    let a = net.table(points.clone()).into_data().try_to_vec::<f32>().unwrap();
    let b = loaded.table(points).into_data().try_to_vec::<f32>().unwrap();
    assert_eq!(a, b);
    let (x, y) = correlated(100, 0.3, 1);
    assert_eq!(net.estimate(&x, &y, 3).unwrap(), loaded.estimate(&x, &y, 3).unwrap());
}

#[test]
fn wrong_or_truncated_checkpoints_are_clear_errors() {
    let d = device();
    let net = tiny().init(&d).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.safetensors");
    save_checkpoint(&net, &path, &Default::default()).unwrap();

    let other = tiny().with_d_model(32);
    let err = load_checkpoint_expecting(&path, &other, &d).unwrap_err();
    assert!(matches!(err, ModelError::ConfigMismatch { .. }), "{err}");
    assert!(err.to_string().contains("d_model"), "{err}");

    // Weights of another network under a forged config: every tensor must fit.
    let forged = dir.path().join("forged.safetensors");
    let big = tiny().with_self_blocks(2).init(&d).unwrap();
    save_checkpoint(&big, &forged, &Default::default()).unwrap();
    let err = mutinf_models::load_weights(tiny().init(&d).unwrap(), &forged).unwrap_err();
    assert!(err.to_string().contains("do not fit"), "{err}");
    // Same tensor names, other shapes.
    let wide = dir.path().join("wide.safetensors");
    save_checkpoint(&tiny().with_d_model(32).init(&d).unwrap(), &wide, &Default::default()).unwrap();
    let err = mutinf_models::load_weights(tiny().init(&d).unwrap(), &wide).unwrap_err();
    assert!(matches!(err, ModelError::Checkpoint { .. }), "{err}");

    let bytes = std::fs::read(&path).unwrap();
    for keep in [0, 5, 100, bytes.len() / 2, bytes.len() - 1] {
        let cut = dir.path().join(format!("cut-{keep}.safetensors"));
        std::fs::write(&cut, &bytes[..keep]).unwrap();
        let err = load_checkpoint(&cut, &d).unwrap_err();
        assert!(matches!(err, ModelError::Checkpoint { .. }), "{err}");
    }
    let missing = load_checkpoint(&dir.path().join("nope.safetensors"), &d).unwrap_err();
    assert!(missing.to_string().contains("cannot open"), "{missing}");
}

#[test]
fn estimator_trait_wraps_the_network() {
    use mutinf_core::{Estimator, PairedSamples};
    let net = tiny().init(&device()).unwrap();
    let (x, y) = correlated(100, 0.5, 2);
    let direct = net.estimate(&x, &y, 0).unwrap();
    let est = mutinf_models::InfoNetEstimator::new(net.clone());
    let data = PairedSamples::from_columns(&x, &y).unwrap();
    let e = est.estimate(&data).unwrap();
    assert_eq!((e.method.as_str(), e.n, e.mi), ("infonet", 100, direct));
    let two = PairedSamples::new(
        ndarray::Array2::from_shape_fn((100, 2), |(i, j)| x[i] * (j + 1) as f64 + j as f64 * y[i]),
        ndarray::Array2::from_shape_fn((100, 1), |(i, _)| y[i]),
    )
    .unwrap();
    // A 2-D X is sliced MI over random projections, and says so.
    let est = mutinf_models::InfoNetEstimator::builder(net).slices(8).build().unwrap();
    let sliced = est.estimate(&two).unwrap();
    assert_eq!(sliced.method, "infonet-sliced");
    assert_eq!(sliced.params["sliced"], 8);
    assert!(sliced.std_error.is_some() && sliced.mi.is_finite());
}

#[test]
fn a_batch_of_pairs_equals_one_estimate_per_pair() {
    let net = tiny().init(&device()).unwrap();
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = (0..5).map(|i| correlated(120, 0.2 * i as f64 - 0.3, 10 + i)).collect();
    let refs: Vec<(&[f64], &[f64])> = pairs.iter().map(|(x, y)| (&x[..], &y[..])).collect();
    let batch = net.estimate_batch(&refs, 4).unwrap();
    for ((x, y), b) in pairs.iter().zip(&batch) {
        let single = net.estimate(x, y, 4).unwrap();
        assert!((single - b).abs() < 1e-5, "{single} vs {b}");
    }
}

#[test]
fn concurrent_lanes_give_the_estimates_of_one_pass() {
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = (0..5).map(|i| correlated(120, 0.2 * i as f64 - 0.3, 20 + i)).collect();
    let refs: Vec<(&[f64], &[f64])> = pairs.iter().map(|(x, y)| (&x[..], &y[..])).collect();
    for holdout in [true, false] {
        let net = tiny().with_holdout(holdout).init(&device()).unwrap();
        assert_eq!(net.lanes(), 1);
        let one = net.estimate_batch(&refs, 6).unwrap();
        let net = net.with_lanes(1);
        // 2 and 3 lanes split 5 pairs into passes of 3 + 2 and 2 + 2 + 1; 8 lanes split one
        // pair into a pass per fold (two for a holdout network).
        for lanes in [2, 3, 8] {
            let net = net.clone().with_lanes(lanes);
            let many = net.estimate_batch(&refs, 6).unwrap();
            for (a, b) in one.iter().zip(&many) {
                assert!((a - b).abs() < 1e-5, "holdout {holdout}, {lanes} lanes: {a} vs {b}");
            }
            let (x, y) = &pairs[2];
            let single = net.estimate(x, y, 6).unwrap();
            assert!((single - one[2]).abs() < 1e-5, "single pair, {lanes} lanes: {single} vs {}", one[2]);
        }
    }
}

#[test]
fn calibration_is_saved_loaded_and_applied_only_to_the_trained_readout() {
    use mutinf_models::{Calibration, Readout, load_checkpoint_bytes};
    let d = device();
    d.seed(5);
    let raw: Vec<f64> = (0..100).map(|i| i as f64 / 100.0 - 0.02).collect();
    let truth: Vec<f64> = raw.iter().map(|r| 1.1 * r + 0.02).collect();
    let calibration = Calibration::fit(&raw, &truth, 10).unwrap();
    let net = tiny().init(&d).unwrap().with_calibration(Some(calibration.clone()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cal.safetensors");
    save_checkpoint(&net, &path, &Default::default()).unwrap();
    let (loaded, meta) = load_checkpoint(&path, &d).unwrap();
    // Knots go through JSON text: equal to the last bit or two.
    let close = |a: &Calibration, b: &Calibration| {
        a.raw.len() == b.raw.len()
            && a.raw.iter().chain(&a.calibrated).zip(b.raw.iter().chain(&b.calibrated)).all(|(x, y)| (x - y).abs() < 1e-12)
    };
    assert!(close(loaded.calibration().unwrap(), &calibration));
    assert!(meta.contains_key(mutinf_models::CALIBRATION_KEY));
    // From bytes (as the CLI loads its embedded copy): the same network and calibration.
    let bytes = std::fs::read(&path).unwrap();
    let (from_bytes, _) = load_checkpoint_bytes(&bytes, "in-memory".as_ref(), &d).unwrap();
    assert_eq!(from_bytes.calibration(), loaded.calibration());
    let (x, y) = correlated(200, 0.6, 3);
    let seq = [CopulaSequence::from_samples(&x, &y).unwrap()];
    let uncalibrated = loaded.estimate_sequences_with(&seq, 1, Readout::Uncalibrated).unwrap()[0];
    let trained = loaded.estimate_sequences_with(&seq, 1, Readout::Trained).unwrap()[0];
    assert!((trained - calibration.apply(uncalibrated)).abs() < 1e-12);
    // A calibrated network reads the trained readout by default (the calibration's own).
    assert_eq!(from_bytes.readout(), Readout::Trained);
    assert_eq!(from_bytes.estimate(&x, &y, 1).unwrap(), trained);
    // A checkpoint without calibration reads the raw bound, and scale-fitted by default.
    let plain = tiny().init(&d).unwrap();
    assert_eq!(plain.readout(), Readout::ScaleFitted);
    assert_eq!(plain.clone().with_calibration(Some(calibration.clone())).with_calibration(None).readout(), Readout::ScaleFitted);
    assert_eq!(
        plain.estimate_sequences_with(&seq, 1, Readout::Trained).unwrap(),
        plain.estimate_sequences_with(&seq, 1, Readout::Uncalibrated).unwrap()
    );
    // Truncated bytes are an error naming the origin, not a panic.
    let err = load_checkpoint_bytes(&bytes[..bytes.len() / 3], "in-memory".as_ref(), &d).unwrap_err();
    assert!(err.to_string().contains("in-memory") && err.to_string().contains("truncated"), "{err}");
}

/// The held-out DV bound of λT averaged over folds, straight from its definition.
fn scaled_dv(folds: &[mutinf_models::readout::SequenceScores], lambda: f64) -> f64 {
    let mut total = 0.0;
    for f in folds {
        let n = f.joint.len();
        let joint = f.joint.iter().map(|&t| lambda * f64::from(t)).sum::<f64>() / n as f64;
        let blocks: Vec<&[f32]> = f.marginal.chunks(n).collect();
        let lme = blocks
            .iter()
            .map(|b| (b.iter().map(|&m| (lambda * f64::from(m)).exp()).sum::<f64>() / n as f64).ln())
            .sum::<f64>()
            / blocks.len() as f64;
        total += joint - lme;
    }
    total / folds.len() as f64
}

/// Random fold scores whose joint scores lean above the permuted ones by `lean`.
fn random_scores(rng: &mut StdRng, n: usize, r: usize, lean: f32) -> mutinf_models::readout::SequenceScores {
    let mut gauss = || -> f32 { (0..6).map(|_| rng.random::<f32>()).sum::<f32>() - 3.0 };
    let joint = (0..n).map(|_| lean + gauss()).collect();
    let marginal = (0..n * r).map(|_| gauss()).collect();
    mutinf_models::readout::SequenceScores { joint, marginal }
}

#[test]
fn scale_fitted_bound_is_the_maximum_over_scales() {
    use mutinf_models::readout::scale_fitted_bound;
    let mut rng = StdRng::seed_from_u64(50);
    for case in 0..40 {
        let lean = [-0.3f32, 0.0, 0.05, 0.3, 1.0, 3.0][case % 6];
        let folds: Vec<_> = (0..2).map(|_| random_scores(&mut rng, 40, 3, lean)).collect();
        let max_scale = [4.0, 1.0, 0.5][case % 3];
        let fit = scale_fitted_bound(&folds, max_scale);
        // Brute force over a fine grid of scales in [0, max_scale].
        let best = (0..=8000).map(|i| scaled_dv(&folds, max_scale * i as f64 / 8000.0)).fold(f64::NEG_INFINITY, f64::max);
        assert!(fit.value >= best - 1e-9, "case {case}: {} below the grid's {best}", fit.value);
        assert!(fit.value <= best + 1e-6, "case {case}: {} above the grid's {best}", fit.value);
        assert!((0.0..=max_scale).contains(&fit.scale));
        assert!((scaled_dv(&folds, fit.scale) - fit.value).abs() < 1e-9);
        // Never negative (λ = 0 reads 0), never below the unscaled bound when λ = 1 is allowed.
        assert!(fit.value >= 0.0);
        if max_scale >= 1.0 {
            assert!(fit.value >= scaled_dv(&folds, 1.0) - 1e-12);
        }
    }
    // A table that does not lean toward the joint at all is flattened to nothing.
    let flat = mutinf_models::readout::SequenceScores { joint: vec![0.5; 8], marginal: vec![0.5; 16] };
    assert_eq!(scale_fitted_bound(&[flat], 4.0).value, 0.0);
}

#[test]
fn scale_fitted_readout_keeps_the_trained_folds_and_never_reads_less() {
    use mutinf_models::Readout;
    let d = device();
    d.seed(9);
    let net = tiny().init(&d).unwrap();
    let pairs: Vec<(Vec<f64>, Vec<f64>)> = (0..6).map(|i| correlated(150, 0.3 * i as f64 - 0.6, 60 + i)).collect();
    let refs: Vec<(&[f64], &[f64])> = pairs.iter().map(|(x, y)| (&x[..], &y[..])).collect();
    let trained = net.estimate_batch(&refs, 3).unwrap();
    let fitted_net = net.clone().with_readout(Readout::ScaleFitted);
    let fitted = fitted_net.estimate_batch(&refs, 3).unwrap();
    for (t, f) in trained.iter().zip(&fitted) {
        // λ = 1 is the trained readout (host vs device arithmetic differ by float rounding).
        assert!(*f >= t - 1e-5 && *f >= 0.0, "scale-fitted {f} vs trained {t}");
    }
    // Same value one pair at a time and with lanes that split a pair's folds over passes.
    for lanes in [1, 2, 8] {
        let net = fitted_net.clone().with_lanes(lanes);
        for ((x, y), f) in pairs.iter().zip(&fitted) {
            let single = net.estimate(x, y, 3).unwrap();
            assert!((single - f).abs() < 1e-6, "{lanes} lanes: {single} vs {f}");
        }
    }
    // With λ capped at 1 the host-side bound of the scores is the device's bound.
    use mutinf_models::readout::{SequenceScores, scale_fitted_bound};
    let seqs: Vec<CopulaSequence> = refs.iter().map(|(x, y)| CopulaSequence::from_samples(x, y).unwrap()).collect();
    let batch = prepare_batch(&seqs, net.config(), Fold::FirstToSecond, 3).unwrap();
    let (joint, marginal) = net.scores(&batch, &d);
    let bounds = dv_bound(joint.clone(), marginal.clone()).into_data().try_to_vec::<f32>().unwrap();
    let [b, n] = joint.dims();
    let joint = joint.into_data().try_to_vec::<f32>().unwrap();
    let marginal = marginal.into_data().try_to_vec::<f32>().unwrap();
    let r = marginal.len() / b;
    for i in 0..b {
        let s = SequenceScores { joint: joint[i * n..(i + 1) * n].to_vec(), marginal: marginal[i * r..(i + 1) * r].to_vec() };
        let host = scaled_dv(std::slice::from_ref(&s), 1.0);
        assert!((host - f64::from(bounds[i])).abs() < 1e-5, "host {host} vs device {}", bounds[i]);
        let capped = scale_fitted_bound(&[s], 1.0);
        assert!(capped.value >= host - 1e-12);
    }
}
