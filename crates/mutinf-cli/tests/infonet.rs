//! The shipped InfoNet end to end: `mutinf estimate` runs the checkpoint embedded in the
//! binary by default; values on seeded Gaussian data, copula invariance, order, sliced MI for
//! blocks, and clear errors for bad checkpoints.

mod e2e;

use std::path::{Path, PathBuf};

use e2e::{estimate_json as estimate, mi, run, run_json, run_usage_error};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

fn workspace(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(relative)
}

fn generate(dir: &Path, name: &str, args: &[&str]) -> (PathBuf, f64) {
    let path = dir.join(name);
    let mut all = vec!["generate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--out", path.to_str().unwrap()]);
    let json = run_json(all);
    (path, json["mi"].as_f64().unwrap())
}

/// Writes a CSV with the given named columns.
fn write_csv(path: &Path, names: &[&str], columns: &[Vec<f64>]) {
    let mut text = names.join(",") + "\n";
    for i in 0..columns[0].len() {
        let row: Vec<String> = columns.iter().map(|c| format!("{:.17e}", c[i])).collect();
        text += &(row.join(",") + "\n");
    }
    std::fs::write(path, text).unwrap();
}

fn read_columns(path: &Path) -> Vec<Vec<f64>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let width = lines.next().unwrap().split(',').count();
    let mut cols = vec![Vec::new(); width];
    for line in lines {
        for (c, v) in cols.iter_mut().zip(line.split(',')) {
            c.push(v.parse::<f64>().unwrap());
        }
    }
    cols
}

#[test]
fn default_method_is_the_embedded_infonet_and_matches_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (file, truth) = generate(dir.path(), "g.csv", &["gaussian", "--rho", "0.9", "--n", "2000", "--seed", "31"]);
    let f = file.to_str().unwrap();
    let json = estimate(&[f]);
    assert_eq!(json["method"], "infonet", "{json}");
    assert!((mi(&json) - truth).abs() < 0.1, "rho 0.9: {} vs {truth}", mi(&json));
    // The default is the regression readout of the embedded infonet-gt; its file gives the same.
    assert_eq!(json["params"]["readout"], "regression", "{json}");
    let path = workspace("checkpoints/infonet-gt.safetensors");
    let from_file = estimate(&[f, "--checkpoint", path.to_str().unwrap()]);
    assert_eq!(mi(&from_file), mi(&json));
    // It has no randomness: every seed gives the same number.
    assert_eq!(mi(&estimate(&[f, "--seed", "9"])), mi(&json));
    // The table network: the same checkpoint from its file gives the same number.
    let table = estimate(&[f, "--checkpoint", "embedded:infonet-small"]);
    let path = workspace("checkpoints/infonet-small.safetensors");
    let from_file = estimate(&[f, "--checkpoint", path.to_str().unwrap()]);
    assert_eq!(mi(&from_file), mi(&table));
    // Deterministic by default; another seed moves it only by permutation noise.
    assert_eq!(mi(&estimate(&[f, "--checkpoint", "embedded:infonet-small"])), mi(&table));
    let other = mi(&estimate(&[f, "--checkpoint", "embedded:infonet-small", "--seed", "9"]));
    assert!((other - mi(&table)).abs() < 0.03, "{other} vs {}", mi(&table));
    // Works from any directory (the model is inside the binary).
    let out = e2e::mutinf(["estimate", f]).current_dir(dir.path()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("infonet") && text.contains("N=2000"), "{text}");
}

#[test]
fn built_in_checkpoints_are_chosen_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = generate(dir.path(), "g.csv", &["gaussian", "--rho", "0.7", "--n", "1000", "--seed", "32"]);
    let f = file.to_str().unwrap();
    // The default is embedded:infonet-gt, by name or by omission; the table readouts default to
    // embedded:infonet-small.
    assert_eq!(mi(&estimate(&[f, "--checkpoint", "embedded:infonet-gt"])), mi(&estimate(&[f])));
    assert_eq!(
        mi(&estimate(&[f, "--checkpoint", "embedded:infonet-small"])),
        mi(&estimate(&[f, "--readout", "scale-fitted"]))
    );
    // embedded:infonet-fast is the committed fast checkpoint (a 16 x 16 table), not the default.
    let fast = estimate(&[f, "--checkpoint", "embedded:infonet-fast"]);
    let path = workspace("checkpoints/infonet-fast.safetensors");
    assert_eq!(mi(&fast), mi(&estimate(&[f, "--checkpoint", path.to_str().unwrap()])));
    assert_ne!(mi(&fast), mi(&estimate(&[f, "--readout", "scale-fitted"])));
    // An unknown name lists the ones there are.
    let stderr = run_usage_error(["estimate", f, "--checkpoint", "embedded:infonet-huge"]);
    assert!(stderr.contains("embedded:infonet-huge") && stderr.contains("embedded:infonet-fast"), "{stderr}");
}

#[test]
fn independence_reads_near_zero_and_shuffling_kills_dependence() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = generate(dir.path(), "i.csv", &["gaussian", "--rho", "0", "--n", "2000", "--seed", "32"]);
    let json = estimate(&[file.to_str().unwrap()]);
    assert!(mi(&json).abs() < 0.03, "rho 0: {json}");
    let (dep, _) = generate(dir.path(), "d.csv", &["gaussian", "--rho", "0.8", "--n", "1000", "--seed", "33"]);
    let json = estimate(&[dep.to_str().unwrap(), "--shuffle", "5"]);
    let baseline = json["shuffle_baseline"]["mi"].as_f64().unwrap();
    assert!(baseline.abs() < 0.03, "shuffled Y: {json}");
    assert!(mi(&json) > 0.3, "{json}");
}

#[test]
fn small_independent_samples_read_near_zero_and_never_below() {
    // The default readout fits the table's scale per estimate: at N = 200 the trained readout
    // reads about −0.1 nats on independent data, the scale-fitted one ≥ 0 and near 0.
    let dir = tempfile::tempdir().unwrap();
    let mut fitted = Vec::new();
    for seed in 0..6u64 {
        let (file, _) = generate(dir.path(), &format!("i{seed}.csv"), &["gaussian", "--rho", "0", "--n", "200", "--seed", &(50 + seed).to_string()]);
        let f = file.to_str().unwrap();
        let json = estimate(&[f, "--readout", "scale-fitted"]);
        assert!(json["params"]["readout"].as_str().is_some_and(|r| r == "scale-fitted"), "{json}");
        let trained = mi(&estimate(&[f, "--readout", "trained"]));
        let value = mi(&json);
        assert!(value >= 0.0 && value >= trained - 1e-5, "seed {seed}: scale-fitted {value}, trained {trained}");
        fitted.push(value);
    }
    let mean = fitted.iter().sum::<f64>() / fitted.len() as f64;
    assert!(mean < 0.02, "mean over 6 independent samples at N = 200: {mean} ({fitted:?})");
}

#[test]
fn discrete_columns_get_a_note_and_ksg_reads_them() {
    // X uniform on {0, 1, 2}; Y = X with probability 0.8, else uniform: I = 0.6135 nats.
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(80);
    let x: Vec<f64> = (0..2000).map(|_| rand::Rng::random_range(&mut rng, 0..3) as f64).collect();
    let y: Vec<f64> = x
        .iter()
        .map(|&v| if rand::Rng::random::<f64>(&mut rng) < 0.8 { v } else { rand::Rng::random_range(&mut rng, 0..3) as f64 })
        .collect();
    let path = dir.path().join("discrete.csv");
    write_csv(&path, &["X0", "Y0"], &[x, y]);
    let f = path.to_str().unwrap();
    let out = run(["estimate", f]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("X has 3 distinct values") && text.contains("Y has 3 distinct values"), "{text}");
    let ksg = estimate(&[f, "--method", "ksg"]);
    assert!((mi(&ksg) - 0.6135).abs() < 0.03, "{ksg}");
    // Continuous columns get no such note.
    let (g, _) = generate(dir.path(), "g.csv", &["gaussian", "--rho", "0.5", "--n", "1000", "--seed", "81"]);
    let out = run(["estimate", g.to_str().unwrap()]);
    assert!(!String::from_utf8(out.stdout).unwrap().contains("distinct values"));
}

#[test]
fn monotone_maps_of_a_margin_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = generate(dir.path(), "g.csv", &["gaussian", "--rho", "0.6", "--n", "1500", "--seed", "34"]);
    let cols = read_columns(&file);
    let mapped = dir.path().join("mapped.csv");
    // Strictly increasing maps: exp on X, x³ + x on Y.
    write_csv(
        &mapped,
        &["ex", "cube"],
        &[cols[0].iter().map(|v| v.exp()).collect(), cols[1].iter().map(|v| v * v * v + v).collect()],
    );
    let a = mi(&estimate(&[file.to_str().unwrap()]));
    let b = mi(&estimate(&[mapped.to_str().unwrap()]));
    assert!((a - b).abs() < 1e-6, "{a} vs {b}");
}

#[test]
fn order_of_a_clear_cut_triplet_is_right() {
    // X, Y = X + small noise (strong), Z = X + large noise (weak): I(X;Y) > I(X;Z).
    let dir = tempfile::tempdir().unwrap();
    let (strong, t_strong) = generate(dir.path(), "s.csv", &["gaussian", "--rho", "0.7", "--n", "2000", "--seed", "35"]);
    let (weak, t_weak) = generate(dir.path(), "w.csv", &["gaussian", "--rho", "0.5", "--n", "2000", "--seed", "36"]);
    assert!(t_strong > t_weak + 0.15);
    assert!(mi(&estimate(&[strong.to_str().unwrap()])) > mi(&estimate(&[weak.to_str().unwrap()])));
}

#[test]
fn sizes_from_200_to_5000_all_work() {
    let dir = tempfile::tempdir().unwrap();
    for n in [200, 5000] {
        let (file, truth) = generate(dir.path(), &format!("g{n}.csv"), &["gaussian", "--rho", "0.7", "--n", &n.to_string(), "--seed", "37"]);
        let json = estimate(&[file.to_str().unwrap()]);
        assert_eq!(json["n"].as_u64(), Some(n as u64));
        assert!((mi(&json) - truth).abs() < 0.12, "N={n}: {} vs {truth}", mi(&json));
        // The table readouts' text output warns about small samples, and only there.
        let out = run(["estimate", file.to_str().unwrap(), "--readout", "scale-fitted"]);
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(text.contains("read dependence low"), n < 500, "N={n}: {text}");
    }
}

#[test]
fn blocks_use_sliced_mi_and_say_so() {
    let dir = tempfile::tempdir().unwrap();
    // 10-D X; Y = X + noise (dependent) and a fresh 10-D Y (independent).
    let mut rng = StdRng::seed_from_u64(38);
    let normal = |rng: &mut StdRng| -> Vec<f64> { (0..2000).map(|_| StandardNormal.sample(rng)).collect() };
    let x: Vec<Vec<f64>> = (0..10).map(|_| normal(&mut rng)).collect();
    let y_dep: Vec<Vec<f64>> = x.iter().map(|c| c.iter().zip(normal(&mut rng)).map(|(a, e)| a + 0.5 * e).collect()).collect();
    let y_ind: Vec<Vec<f64>> = (0..10).map(|_| normal(&mut rng)).collect();
    let names: Vec<String> = (0..20).map(|j| format!("c{j}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let dep = dir.path().join("dep.csv");
    let ind = dir.path().join("ind.csv");
    write_csv(&dep, &names, &[x.clone(), y_dep].concat());
    write_csv(&ind, &names, &[x, y_ind].concat());
    let some = estimate(&[dep.to_str().unwrap(), "--dims", "10,10", "--sliced", "128"]);
    let zero = estimate(&[ind.to_str().unwrap(), "--dims", "10,10", "--sliced", "128"]);
    assert_eq!(some["method"], "infonet-sliced", "{some}");
    assert_eq!(some["params"]["sliced"], 128);
    assert!(zero["mi"].as_f64().unwrap().abs() < 0.02, "independent blocks: {zero}");
    let se = some["std_error"].as_f64().unwrap();
    // Sliced MI of 10-D blocks is small by nature (a random pair of directions in 10-D has
    // |cos| ~ 0.3), about 0.04 nats here; what matters is that it is clearly above zero.
    assert!(mi(&some) > 0.02 && mi(&some) > 5.0 * se, "dependent blocks: {some}");
    let out = run(["estimate", dep.to_str().unwrap(), "--dims", "10,10", "--sliced", "16"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("sliced MI") && text.contains("16 random projection"), "{text}");
}

#[test]
fn bad_checkpoints_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let (file, _) = generate(dir.path(), "g.csv", &["gaussian", "--rho", "0.5", "--n", "300", "--seed", "40"]);
    let f = file.to_str().unwrap();
    let bytes = std::fs::read(workspace("checkpoints/infonet-small.safetensors")).unwrap();
    let truncated = dir.path().join("truncated.safetensors");
    std::fs::write(&truncated, &bytes[..bytes.len() / 2]).unwrap();
    let stderr = run_usage_error(["estimate", f, "--checkpoint", truncated.to_str().unwrap()]);
    assert!(stderr.contains("truncated"), "{stderr}");
    let garbage = dir.path().join("garbage.safetensors");
    std::fs::write(&garbage, "not a checkpoint at all").unwrap();
    let stderr = run_usage_error(["estimate", f, "--checkpoint", garbage.to_str().unwrap()]);
    assert!(stderr.contains("garbage.safetensors"), "{stderr}");
    let stderr = run_usage_error(["estimate", f, "--checkpoint", dir.path().join("none.safetensors").to_str().unwrap()]);
    assert!(stderr.contains("none.safetensors"), "{stderr}");
    run_usage_error(["estimate", f, "--sliced", "0", "--dims", "1,1"]);
    // Too few samples for InfoNet.
    let (tiny, _) = generate(dir.path(), "tiny.csv", &["gaussian", "--rho", "0.5", "--n", "10", "--seed", "41"]);
    let stderr = run_usage_error(["estimate", tiny.to_str().unwrap()]);
    assert!(stderr.contains("32"), "{stderr}");
    let stderr = run_usage_error(["estimate", tiny.to_str().unwrap(), "--readout", "scale-fitted"]);
    assert!(stderr.contains("16"), "{stderr}");
    // A table checkpoint asked for the regression readout says what it is and what to do.
    let stderr = run_usage_error(["estimate", f, "--checkpoint", "embedded:infonet-small", "--readout", "regression"]);
    assert!(stderr.contains("infonet-gt"), "{stderr}");
    let path = workspace("checkpoints/infonet-small.safetensors");
    let stderr = run_usage_error(["estimate", f, "--checkpoint", path.to_str().unwrap(), "--readout", "regression"]);
    assert!(stderr.contains("table InfoNet checkpoint") && stderr.contains("--readout trained"), "{stderr}");
}

#[test]
fn regression_readout_reports_a_90_percent_interval_and_small_samples_stay_near_zero() {
    let dir = tempfile::tempdir().unwrap();
    let (file, truth) = generate(dir.path(), "g.csv", &["gaussian", "--rho", "0.5", "--n", "2000", "--seed", "61"]);
    let json = estimate(&[file.to_str().unwrap()]);
    let ci = &json["ci"];
    let (lower, upper) = (ci["lower"].as_f64().unwrap(), ci["upper"].as_f64().unwrap());
    assert!((ci["level"].as_f64().unwrap() - 0.9).abs() < 1e-12, "{json}");
    assert!(lower <= mi(&json) && mi(&json) <= upper && upper - lower < 0.2, "{json}");
    assert!((mi(&json) - truth).abs() < 0.05, "{json} vs {truth}");
    let text = String::from_utf8(e2e::run(["estimate", file.to_str().unwrap()]).stdout).unwrap();
    assert!(text.contains("90% CI") && text.contains("readout=regression"), "{text}");
    // Independent samples at N = 200: never below zero, near zero on average.
    let mut values = Vec::new();
    for seed in 0..6u64 {
        let (file, _) = generate(dir.path(), &format!("i{seed}.csv"), &["gaussian", "--rho", "0", "--n", "200", "--seed", &(70 + seed).to_string()]);
        let value = mi(&estimate(&[file.to_str().unwrap()]));
        assert!(value >= 0.0, "seed {seed}: {value}");
        values.push(value);
    }
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    assert!(mean < 0.03, "mean over 6 independent samples at N = 200: {mean} ({values:?})");
}
