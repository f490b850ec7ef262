//! Transfer entropy against the analytic TE of a linear-Gaussian VAR(1), with surrogate
//! p-values; lagged MI's peak; sliding windows against per-window estimates; bad input.
//!
//! TE tolerances come from `examples/cmi_accuracy.rs` (20 seeds of the same VAR(1) at
//! N = 10 000, k = 3): TE(X→Y) bias +0.001, σ = 0.0104; TE(Y→X) bias −0.001, σ = 0.0079.
//! A single run is allowed |bias| + 4σ.

mod cmi_common;

use cmi_common::*;
use mutinf_core::{Estimator, MutinfError, PairedSamples};
use mutinf_estimators::conditional::{GaussianCmi, KsgCmiParams};
use mutinf_estimators::ksg::KsgParams;
use mutinf_estimators::time_series::{StreamingMi, Surrogate, TeParams, lagged_mi, peak, sliding_window_mi, te_embedding};
use ndarray::Array2;

const A: f64 = 0.5;
const B: f64 = 0.6;
const C: f64 = 0.4;

#[test]
fn var1_transfer_entropy_matches_analytic_and_is_directional() {
    let truth = var1_te(A, B, C);
    assert!((truth - 0.10206).abs() < 1e-4, "analytic TE {truth}");
    let (x, y) = var1(10_000, A, B, C, 42);
    let ksg = KsgCmiParams::new().k(3).check().unwrap();
    // 49 surrogates: the smallest possible p-value is 1/50 = 0.02.
    let te = TeParams::new().surrogates(49).seed(7).check().unwrap();
    let fwd = te.run(&ksg, &x, &y).unwrap();
    assert!((fwd.estimate.mi - truth).abs() < 0.001 + 4.0 * 0.0104, "TE(X→Y) {} vs {truth}", fwd.estimate.mi);
    let p = fwd.significance.as_ref().unwrap().p_value;
    assert_eq!(p, 0.02, "every surrogate should fall below a 10σ effect");
    assert_eq!(fwd.estimate.params["p_value"], 0.02);
    assert_eq!(fwd.estimate.n, 9_999);
    let back = te.run(&ksg, &y, &x).unwrap();
    assert!(back.estimate.mi.abs() < 0.001 + 4.0 * 0.0079, "TE(Y→X) {}", back.estimate.mi);
    let p = back.significance.as_ref().unwrap().p_value;
    assert!(p > 0.05, "no transfer Y→X, yet p = {p}");
    // Block-shuffled surrogates agree on both calls.
    let te = TeParams::new().surrogates(19).surrogate(Surrogate::BlockShuffle { block: Some(100) }).seed(3).check().unwrap();
    assert_eq!(te.run(&ksg, &x, &y).unwrap().significance.unwrap().p_value, 0.05);
    assert!(te.run(&ksg, &y, &x).unwrap().significance.unwrap().p_value > 0.05);
    // The Gaussian CMI reads the same linear TE (σ = 0.006 at this N, smaller than KSG's).
    let g = TeParams::new().check().unwrap().run(&GaussianCmi, &x, &y).unwrap();
    assert!((g.estimate.mi - truth).abs() < 0.03, "Gaussian TE {} vs {truth}", g.estimate.mi);
}

#[test]
fn surrogate_tests_are_reproducible_for_a_seed() {
    let (x, y) = var1(1_500, A, B, C, 5);
    let ksg = KsgCmiParams::new().check().unwrap();
    let te = TeParams::new().surrogates(10).seed(11).check().unwrap();
    let (a, b) = (te.run(&ksg, &y, &x).unwrap(), te.run(&ksg, &y, &x).unwrap());
    assert_eq!(a.significance, b.significance);
    let other = TeParams::new().surrogates(10).seed(12).check().unwrap().run(&ksg, &y, &x).unwrap();
    assert_ne!(a.significance, other.significance);
}

#[test]
fn embedding_rows_follow_the_definition() {
    // k = 2, l = 3, d = 2: t₀ = max(2, 2 + 3 − 1) = 4.
    let s: Vec<f64> = (0..10).map(|v| v as f64).collect();
    let t: Vec<f64> = (0..10).map(|v| 100.0 + (v * v) as f64).collect();
    let e = te_embedding(&s, &t, 2, 3, 2).unwrap();
    assert_eq!(e.n(), 6);
    // Row 0 is t = 4: source[2], source[1], source[0]; target[4]; target[3], target[2].
    assert_eq!(e.x().row(0).to_vec(), vec![2.0, 1.0, 0.0]);
    assert_eq!(e.y()[[0, 0]], 116.0);
    assert_eq!(e.z().row(0).to_vec(), vec![109.0, 104.0]);
    assert_eq!(e.names()[0], vec!["source(t-2)", "source(t-3)", "source(t-4)"]);
}

#[test]
fn lagged_mi_peaks_at_the_true_lag() {
    // Y_t = X_{t−7} + noise: I(X_t; Y_{t+lag}) is largest at lag = +7.
    let mut g = normals(0, 77);
    let n = 3_000;
    let x: Vec<f64> = (0..n).map(|_| g()).collect();
    let y: Vec<f64> = (0..n).map(|t| if t >= 7 { x[t - 7] } else { 0.0 } + 0.5 * g()).collect();
    let col = |v: &[f64]| Array2::from_shape_vec((n, 1), v.to_vec()).unwrap();
    let lags: Vec<i64> = (-20..=20).collect();
    let ksg = KsgParams::new().check().unwrap();
    let curve = lagged_mi(col(&x).view(), col(&y).view(), &lags, &ksg).unwrap();
    assert_eq!(curve.iter().map(|e| e.lag).collect::<Vec<_>>(), lags);
    let best = peak(&curve).unwrap();
    assert_eq!(best.lag, 7);
    // Truth there −½ ln(1 − 1/1.25) = 0.805; elsewhere 0.
    assert!((best.estimate.mi - 0.8047).abs() < 0.06, "{}", best.estimate.mi);
    assert!(curve.iter().filter(|e| e.lag != 7).all(|e| e.estimate.mi < 0.05));
    // Each lag equals a plain estimate on its overlapping pairs.
    let at = |lag: usize| ksg.estimate(&PairedSamples::from_columns(&x[..n - lag], &y[lag..]).unwrap()).unwrap().mi;
    assert_eq!(curve[27].estimate.mi.to_bits(), at(7).to_bits());
}

#[test]
fn sliding_windows_equal_per_window_estimates_exactly() {
    let (x, y) = var1(2_000, A, B, C, 9);
    let data = PairedSamples::from_columns(&x, &y).unwrap();
    let ksg = KsgParams::new().check().unwrap();
    for (w, s) in [(500, 250), (300, 400), (2_000, 1), (256, 256)] {
        let batch = sliding_window_mi(&data, w, s, &ksg).unwrap();
        let mut stream = StreamingMi::new(ksg.clone(), 1, 1, w, s).unwrap();
        let mut streamed = Vec::new();
        for t in 0..x.len() {
            if let Some(e) = stream.push(&[x[t]], &[y[t]]).unwrap() {
                streamed.push(e);
            }
        }
        assert_eq!(stream.finish().unwrap(), batch.len());
        assert_eq!(batch.len(), (2_000 - w) / s + 1);
        for (b, st) in batch.iter().zip(&streamed) {
            let alone = ksg.estimate(&PairedSamples::from_columns(&x[b.start..b.end], &y[b.start..b.end]).unwrap()).unwrap();
            assert_eq!((b.start, b.end), (st.start, st.end));
            assert_eq!(b.estimate.mi.to_bits(), alone.mi.to_bits(), "window {}..{}", b.start, b.end);
            assert_eq!(st.estimate.mi.to_bits(), alone.mi.to_bits(), "streamed window {}..{}", b.start, b.end);
        }
    }
}

#[test]
fn bad_input_gives_clear_errors() {
    let ksg = KsgCmiParams::new().check().unwrap();
    let te = TeParams::new().history(5).source_history(3).delay(4).check().unwrap();
    // Histories longer than the series: t₀ = max(5, 4 + 3 − 1) = 6 needs ≥ 8 points.
    let s = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0];
    let err = te.run(&ksg, &s, &s.map(|v| v * v)).unwrap_err();
    assert!(matches!(err, MutinfError::TooFewSamples { n: 7, min: 8, .. }), "{err}");
    assert!(err.to_string().contains("shorten the histories"), "{err}");
    // NaN, length mismatch, constant series, zero parameters.
    let err = TeParams::new().check().unwrap().run(&ksg, &[1.0, f64::NAN, 2.0, 0.0, 1.0], &[1.0, 2.0, 3.0, 1.0, 0.0]).unwrap_err();
    assert!(matches!(err, MutinfError::NonFinite { row: 1, ref column, .. } if column == "source"), "{err}");
    let err = TeParams::new().check().unwrap().run(&ksg, &[1.0, 2.0, 3.0], &[1.0, 2.0]).unwrap_err();
    assert!(err.to_string().contains("same time points"), "{err}");
    let err = TeParams::new().check().unwrap().run(&ksg, &[1.0, 2.0, 3.0, 4.0], &[2.0; 4]).unwrap_err();
    assert!(matches!(err, MutinfError::ConstantColumn { ref column, .. } if column == "target"), "{err}");
    assert!(TeParams::new().history(0).check().is_err());
    assert!(TeParams::new().surrogate(Surrogate::TimeShift { exclusion: Some(0) }).check().is_err());
    // Surrogate sizes that do not fit the series.
    let (x, y) = var1(200, A, B, C, 1);
    let err = TeParams::new().surrogates(5).surrogate(Surrogate::TimeShift { exclusion: Some(150) }).check().unwrap().run(&ksg, &x, &y).unwrap_err();
    assert!(err.to_string().contains("exclusion below 100"), "{err}");
    // k ≥ N in the embedding.
    let err = TeParams::new().check().unwrap().run(&KsgCmiParams::new().k(5).check().unwrap(), &[1.0, 3.0, 2.0, 5.0], &[2.0, 1.0, 4.0, 3.0]).unwrap_err();
    assert!(matches!(err, MutinfError::TooFewSamples { .. }), "{err}");
    // A window larger than the stream, in batch and streaming.
    let data = PairedSamples::from_columns(&x, &y).unwrap();
    let mi = KsgParams::new().check().unwrap();
    let err = sliding_window_mi(&data, 500, 10, &mi).unwrap_err();
    assert!(matches!(err, MutinfError::TooFewSamples { n: 200, min: 500, .. }), "{err}");
    assert!(err.to_string().contains("smaller window"), "{err}");
    let mut stream = StreamingMi::new(mi.clone(), 1, 1, 500, 10).unwrap();
    for t in 0..200 {
        assert!(stream.push(&[x[t]], &[y[t]]).unwrap().is_none());
    }
    assert!(matches!(stream.finish(), Err(MutinfError::TooFewSamples { n: 200, min: 500, .. })));
    assert!(sliding_window_mi(&data, 100, 0, &mi).is_err());
    // Streaming rejects a bad row without storing it.
    let mut stream = StreamingMi::new(mi.clone(), 1, 1, 10, 5).unwrap();
    assert!(stream.push(&[1.0, 2.0], &[1.0]).unwrap_err().to_string().contains("row width"));
    assert!(matches!(stream.push(&[f64::INFINITY], &[1.0]), Err(MutinfError::NonFinite { row: 0, .. })));
    assert_eq!(stream.rows(), 0);
    // A window in which a column is constant names the window; the stream goes on.
    let mut stream = StreamingMi::new(mi.clone(), 1, 1, 10, 10).unwrap();
    let mut results = Vec::new();
    for t in 0..20 {
        let yv = if t < 10 { 1.0 } else { t as f64 * 0.37 % 1.0 };
        if let Some(r) = stream.push(&[(t * 7 % 11) as f64], &[yv]).transpose() {
            results.push(r);
        }
    }
    assert!(results[0].as_ref().unwrap_err().to_string().contains("rows 0..10"));
    assert!(results[1].is_ok());
    // Lags: too long, empty.
    let err = lagged_mi(data.x(), data.y(), &[0, 199], &mi).unwrap_err();
    assert!(err.to_string().contains("|lag| ≤ 198"), "{err}");
    assert!(lagged_mi(data.x(), data.y(), &[], &mi).is_err());
}
