//! `mutinf generate`: files, ground-truth JSON, reproducibility, and bad input.

mod e2e;

use mutinf_core::io::{read_csv, read_npy};
use e2e::{run_json, run_usage_error};

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let cov: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let vx: f64 = x.iter().map(|a| (a - mx).powi(2)).sum();
    let vy: f64 = y.iter().map(|b| (b - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

#[test]
fn gaussian_writes_samples_and_analytic_truth() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.csv");
    let json = run_json(["generate", "gaussian", "--rho", "-0.8", "--n", "20000", "--seed", "3", "--out", out.to_str().unwrap()]);
    let truth = -0.5 * (1.0f64 - 0.64).ln();
    assert!((json["mi"].as_f64().unwrap() - truth).abs() < 1e-12, "{json}");
    assert_eq!(json["std_error"].as_f64(), Some(0.0));
    assert_eq!(json["n"].as_u64(), Some(20000));
    assert_eq!(json["seed"].as_u64(), Some(3));

    let table = read_csv(&out).unwrap();
    assert_eq!(table.names(), &["X0", "Y0"]);
    assert_eq!(table.nrows(), 20000);
    let x: Vec<f64> = table.data().column(0).to_vec();
    let y: Vec<f64> = table.data().column(1).to_vec();
    // The sample correlation's standard error is (1 - rho²)/sqrt(N) ≈ 0.0025; allow 5 of them.
    assert!((correlation(&x, &y) + 0.8).abs() < 0.0125, "r = {}", correlation(&x, &y));
}

#[test]
fn same_seed_same_file_other_seed_other_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_owned();
    for (name, seed) in [("a.csv", "7"), ("b.csv", "7"), ("c.csv", "8")] {
        run_json(["generate", "gaussian", "--rho", "0.5", "--n", "100", "--seed", seed, "--out", &path(name)]);
    }
    let read = |name: &str| std::fs::read(path(name)).unwrap();
    assert_eq!(read("a.csv"), read("b.csv"));
    assert_ne!(read("a.csv"), read("c.csv"));
}

#[test]
fn npy_output_by_extension() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("g.npy");
    run_json(["generate", "gaussian", "--rho", "0.3", "--n", "50", "--out", out.to_str().unwrap()]);
    let table = read_npy(&out).unwrap();
    assert_eq!((table.nrows(), table.ncols()), (50, 2));
}

#[test]
fn gmm_writes_blocks_params_and_monte_carlo_truth() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.csv");
    let params = dir.path().join("m.json");
    let json = run_json([
        "generate", "gmm", "--dims", "2,1", "--components", "3", "--n", "500", "--seed", "11",
        "--out", out.to_str().unwrap(), "--params-out", params.to_str().unwrap(), "--truth-samples", "20000",
    ]);
    let table = read_csv(&out).unwrap();
    assert_eq!(table.names(), &["X0", "X1", "Y0"]);
    assert_eq!(table.nrows(), 500);
    let mi = json["mi"].as_f64().unwrap();
    let se = json["std_error"].as_f64().unwrap();
    assert!(mi.is_finite() && mi > -4.0 * se, "{json}");
    assert!(se > 0.0 && se < 0.1, "a Monte-Carlo truth has a positive, small std error: {json}");

    let params: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&params).unwrap()).unwrap();
    let weights: Vec<f64> = params["weights"].as_array().unwrap().iter().map(|w| w.as_f64().unwrap()).collect();
    assert_eq!(weights.len(), 3);
    assert!((weights.iter().sum::<f64>() - 1.0).abs() < 1e-9);
    assert_eq!(params["means"][0].as_array().unwrap().len(), 3);
    assert_eq!(params["covariances"][2].as_array().unwrap().len(), 3);
}

#[test]
fn one_component_gmm_has_analytic_truth_matching_its_covariance() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("m.csv");
    let params = dir.path().join("m.json");
    let json = run_json([
        "generate", "gmm", "--dims", "1,1", "--components", "1", "--n", "10", "--seed", "5",
        "--out", out.to_str().unwrap(), "--params-out", params.to_str().unwrap(),
    ]);
    assert_eq!(json["std_error"].as_f64(), Some(0.0));
    let params: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&params).unwrap()).unwrap();
    let c = &params["covariances"][0];
    let (sxx, sxy, syy) = (c[0][0].as_f64().unwrap(), c[0][1].as_f64().unwrap(), c[1][1].as_f64().unwrap());
    let analytic = -0.5 * (1.0 - sxy * sxy / (sxx * syy)).ln();
    assert!((json["mi"].as_f64().unwrap() - analytic).abs() < 1e-9, "{json} vs {analytic}");
}

#[test]
fn paper_train_family_is_two_dimensional() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("t.csv");
    let json = run_json(["generate", "gmm", "--family", "paper-train", "--components", "4", "--n", "200", "--out", out.to_str().unwrap()]);
    assert!(json["mi"].as_f64().unwrap().is_finite());
    let err = run_usage_error(["generate", "gmm", "--family", "paper-train", "--dims", "2,1", "--n", "200", "--out", out.to_str().unwrap()]);
    assert!(err.contains("two-dimensional"), "{err}");
}

#[test]
fn bad_input_exits_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let out = out.to_str().unwrap();
    let err = run_usage_error(["generate", "gaussian", "--rho", "1.5", "--n", "10", "--out", out]);
    assert!(err.contains("--rho"), "{err}");
    let err = run_usage_error(["generate", "gaussian", "--rho", "0.5", "--n", "1", "--out", out]);
    assert!(err.contains("--n"), "{err}");
    run_usage_error(["generate", "gaussian", "--rho", "nope", "--n", "10", "--out", out]);
    run_usage_error(["generate", "gmm", "--dims", "0,1", "--n", "10", "--out", out]);
    run_usage_error(["generate", "gmm", "--dims", "1", "--n", "10", "--out", out]);
    let err = run_usage_error(["generate", "gmm", "--components", "0", "--n", "10", "--out", out]);
    assert!(err.contains("--components"), "{err}");
    let missing_dir = dir.path().join("no/such/dir/x.csv");
    let err = run_usage_error(["generate", "gaussian", "--rho", "0.5", "--n", "10", "--out", missing_dir.to_str().unwrap()]);
    assert!(err.contains("no/such/dir"), "{err}");
}
