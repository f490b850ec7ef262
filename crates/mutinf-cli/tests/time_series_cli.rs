//! Conditional MI (`estimate --z`), transfer entropy (`te`), lagged MI (`lagged`), entropy,
//! proficiency and streaming MI (`stream`) end to end, against analytic values on seeded
//! Gaussian data, and every kind of bad input (exit code 2).

mod e2e;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Stdio;

use e2e::{estimate_json, mi, mutinf, run, run_json, run_usage_error};
use rand::SeedableRng;
use rand::rngs::StdRng;
use rand_distr::{Distribution, StandardNormal};

/// Writes a CSV with a header and the given columns (Rust's shortest round-trip floats, so
/// the file holds exactly these values).
fn write_csv(path: &Path, names: &[&str], columns: &[Vec<f64>]) -> String {
    let mut text = names.join(",") + "\n";
    for i in 0..columns[0].len() {
        let row: Vec<String> = columns.iter().map(|c| format!("{}", c[i])).collect();
        text += &(row.join(",") + "\n");
    }
    std::fs::write(path, &text).unwrap();
    path.to_str().unwrap().to_owned()
}

fn normals(rng: &mut StdRng, n: usize) -> Vec<f64> {
    (0..n).map(|_| StandardNormal.sample(rng)).collect()
}

fn text(out: &std::process::Output) -> String {
    assert!(out.status.success(), "mutinf failed ({:?}): {}", out.status, String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// X ~ N(0,1), Z = X + e1, Y = Z + e2 (a chain X → Z → Y: I(X;Y|Z) = 0 although I(X;Y) is
/// large), and W = X + Z + e3: I(X;W|Z) = −½ ln(1 − ρ²) with Var(X|Z) = ½, Var(W|Z) = 3/2,
/// Cov(X,W|Z) = ½, so ρ² = 1/3.
fn chain_file(dir: &Path, n: usize, seed: u64) -> String {
    let mut rng = StdRng::seed_from_u64(seed);
    let x = normals(&mut rng, n);
    let z: Vec<f64> = x.iter().zip(normals(&mut rng, n)).map(|(x, e)| x + e).collect();
    let y: Vec<f64> = z.iter().zip(normals(&mut rng, n)).map(|(z, e)| z + e).collect();
    let w: Vec<f64> = (0..n).map(|i| x[i] + z[i]).zip(normals(&mut rng, n)).map(|(s, e)| s + e).collect();
    write_csv(&dir.join("chain.csv"), &["x", "z", "y", "w"], &[x, z, y, w])
}

#[test]
fn conditional_mi_matches_the_analytic_gaussian_value() {
    let dir = tempfile::tempdir().unwrap();
    let f = chain_file(dir.path(), 5000, 1);
    let f = f.as_str();
    let truth = -0.5 * (1.0 - 1.0 / 3.0f64).ln(); // 0.2027
    // KSG's CMI noise at N = 5000 is ~0.01-0.02 nats; the Gaussian estimate's far smaller.
    let ksg = estimate_json(&[f, "--x", "x", "--y", "w", "--z", "z", "--method", "ksg"]);
    assert_eq!(ksg["method"], "ksg-cmi", "{ksg}");
    assert_eq!(ksg["n"], 5000);
    assert!((mi(&ksg) - truth).abs() < 0.05, "ksg CMI {} vs truth {truth}", mi(&ksg));
    // --z without --method means ksg (not the default infonet, which has no conditional form).
    assert_eq!(mi(&estimate_json(&[f, "--x", "x", "--y", "w", "--z", "z"])), mi(&ksg));
    let gauss = estimate_json(&[f, "--x", "x", "--y", "w", "--z", "z", "--method", "gaussian"]);
    assert_eq!(gauss["method"], "gaussian-cmi");
    assert!((mi(&gauss) - truth).abs() < 0.02, "gaussian CMI {} vs truth {truth}", mi(&gauss));
    // The chain: strongly dependent X and Y, independent given Z.
    let plain = estimate_json(&[f, "--x", "x", "--y", "y", "--method", "ksg"]);
    assert!(mi(&plain) > 0.2, "{plain}");
    let chain = estimate_json(&[f, "--x", "x", "--y", "y", "--z", "z", "--method", "ksg"]);
    assert!(mi(&chain).abs() < 0.03, "I(X;Y|Z) on a chain: {chain}");
    // Plain `--method gaussian` is the Gaussian MI: −½ ln(1 − 1/3) for ρ²(X,Y) = 1/3.
    let g = estimate_json(&[f, "--x", "x", "--y", "y", "--method", "gaussian"]);
    assert!((mi(&g) - truth).abs() < 0.03, "{g}");
    // Text: one line `I(X;Y|Z) = …`; bootstrap: an interval around the estimate.
    let line = text(&run(["estimate", f, "--x", "x", "--y", "w", "--z", "z", "--method", "ksg", "--k", "5"]));
    assert!(line.starts_with("I(X;Y|Z) = ") && line.contains("ksg-cmi") && line.contains("k=5"), "{line}");
    let boot = estimate_json(&[f, "--x", "x", "--y", "w", "--z", "z", "--method", "ksg", "--bootstrap", "20", "--seed", "3"]);
    let (lo, hi) = (boot["ci"]["lower"].as_f64().unwrap(), boot["ci"]["upper"].as_f64().unwrap());
    assert!(lo < mi(&boot) && mi(&boot) < hi && mi(&boot) == mi(&ksg), "{boot}");
}

/// VAR(1): X_t = a X_{t−1} + e, Y_t = b Y_{t−1} + c X_{t−1} + e' (unit noises), X drives Y.
/// TE(X→Y) = ½ ln(Var(Y_t | Y_{t−1}) / 1) from the stationary covariance.
fn var1(dir: &Path, n: usize, seed: u64) -> (String, f64) {
    let (a, b, c) = (0.5, 0.5, 0.6);
    let mut rng = StdRng::seed_from_u64(seed);
    let (mut x, mut y) = (vec![0.0; n + 100], vec![0.0; n + 100]);
    for t in 1..n + 100 {
        let (ex, ey): (f64, f64) = (StandardNormal.sample(&mut rng), StandardNormal.sample(&mut rng));
        x[t] = a * x[t - 1] + ex;
        y[t] = b * y[t - 1] + c * x[t - 1] + ey;
    }
    // Stationary covariance by fixed-point iteration of Σ = A Σ Aᵀ + I.
    let (mut sxx, mut sxy, mut syy) = (1.0, 0.0, 1.0);
    for _ in 0..500 {
        let nxx = a * a * sxx + 1.0;
        let nxy = a * (c * sxx + b * sxy);
        let nyy = c * c * sxx + 2.0 * b * c * sxy + b * b * syy + 1.0;
        (sxx, sxy, syy) = (nxx, nxy, nyy);
    }
    let lag1 = b * syy + c * sxy; // Cov(Y_t, Y_{t−1})
    let truth = 0.5 * (syy - lag1 * lag1 / syy).ln();
    let path = write_csv(&dir.join("var.csv"), &["x", "y"], &[x[100..].to_vec(), y[100..].to_vec()]);
    (path, truth)
}

#[test]
fn transfer_entropy_forward_and_backward_with_p_values() {
    let dir = tempfile::tempdir().unwrap();
    let (f, truth) = var1(dir.path(), 5000, 7);
    let f = f.as_str();
    let te = |source: &str, target: &str, extra: &[&str]| {
        let mut args = vec!["te", f, "--source", source, "--target", target, "--surrogates", "49", "--seed", "1", "--format", "json"];
        args.extend_from_slice(extra);
        run_json(args)
    };
    let forward = te("x", "y", &[]);
    let backward = te("y", "x", &[]);
    let (fwd, bwd) = (forward["te"].as_f64().unwrap(), backward["te"].as_f64().unwrap());
    assert!((fwd - truth).abs() < 0.05, "TE(x→y) {fwd} vs truth {truth}");
    assert!(bwd.abs() < 0.03, "TE(y→x) {bwd} should be ≈ 0");
    assert_eq!(forward["p_value"], 1.0 / 50.0, "{forward}"); // no surrogate reaches the real TE
    assert!(backward["p_value"].as_f64().unwrap() > 0.05, "{backward}");
    assert_eq!(forward["surrogate_values"].as_array().unwrap().len(), 49);
    assert_eq!(forward["n"], 4999);
    // Block-shuffled surrogates and the linear (Gaussian) estimator agree.
    let block = te("x", "y", &["--surrogate", "block-shuffle"]);
    assert_eq!(block["p_value"], 1.0 / 50.0, "{block}");
    assert!(block["params"]["surrogate_kind"].as_str().unwrap().starts_with("block-shuffle"), "{block}");
    let gauss = te("x", "y", &["--method", "gaussian"]);
    assert!((gauss["te"].as_f64().unwrap() - truth).abs() < 0.02, "{gauss}");
    let line = text(&run(["te", f, "--source", "x", "--target", "y", "--surrogates", "9", "--history", "2", "--delay", "1"]));
    assert!(line.starts_with("TE(x→y) = ") && line.contains("history=2") && line.contains("\np = 0.1000"), "{line}");
}

#[test]
fn lagged_mi_peaks_at_the_true_lag() {
    let dir = tempfile::tempdir().unwrap();
    let n = 2000;
    let mut rng = StdRng::seed_from_u64(11);
    let x = normals(&mut rng, n);
    let noise = normals(&mut rng, n);
    let y: Vec<f64> = (0..n).map(|t| if t >= 7 { x[t - 7] } else { 0.0 } + 0.5 * noise[t]).collect();
    let f = write_csv(&dir.path().join("lag.csv"), &["x", "y"], &[x, y]);
    let f = f.as_str();
    let csv = dir.path().join("lags.csv");
    let png = dir.path().join("lags.png");
    let out = text(&run([
        "lagged", f, "--x", "x", "--y", "y", "--lags", "-10..10", "--method", "ksg", "--out", csv.to_str().unwrap(), "--plot",
        png.to_str().unwrap(),
    ]));
    assert!(out.starts_with("# peak at lag 7: I(X_t;Y_t+7) = "), "{out}");
    let table = std::fs::read_to_string(&csv).unwrap();
    let rows: Vec<Vec<&str>> = table.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows[0], ["lag", "mi", "n"]);
    assert_eq!(rows.len(), 22);
    for (row, lag) in rows[1..].iter().zip(-10i64..=10) {
        assert_eq!(row[0], lag.to_string());
        assert_eq!(row[2], (n as i64 - lag.abs()).to_string());
    }
    assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
    // JSON, a comma list, and each lag equal to `estimate` on the shifted rows.
    let json = run_json(["lagged", f, "--lags=-7,0,7", "--method", "ksg", "--format", "json"]);
    assert_eq!(json["peak"]["lag"], 7, "{json}");
    let mi7 = json["lags"][2]["mi"].as_f64().unwrap();
    assert!(mi7 > 0.5 && json["lags"][0]["mi"].as_f64().unwrap().abs() < 0.05, "{json}");
    assert_eq!(rows[18][1].parse::<f64>().unwrap(), mi7, "CSV and JSON agree at lag 7");
    // Without --out the CSV goes to stdout, then the peak as a comment line.
    let stdout = text(&run(["lagged", f, "--lags", "5..8", "--method", "ksg"]));
    assert!(stdout.starts_with("lag,mi,n\n5,") && stdout.contains("\n# peak at lag 7"), "{stdout}");
}

/// A stream of 1000 rows whose dependence changes half-way.
fn stream_file(dir: &Path) -> (String, Vec<String>) {
    let mut rng = StdRng::seed_from_u64(5);
    let x = normals(&mut rng, 1000);
    let e = normals(&mut rng, 1000);
    let y: Vec<f64> = (0..1000).map(|i| if i < 500 { x[i] + 0.3 * e[i] } else { e[i] }).collect();
    let f = write_csv(&dir.join("stream.csv"), &["x", "y"], &[x, y]);
    let lines = std::fs::read_to_string(&f).unwrap().lines().skip(1).map(str::to_owned).collect();
    (f, lines)
}

#[test]
fn stream_windows_equal_estimate_on_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    let (f, lines) = stream_file(dir.path());
    let f = f.as_str();
    let args = ["--window", "200", "--step", "100", "--method", "ksg", "--format", "json"];
    let from_file = text(&run(["stream", f].iter().chain(&args)));
    // The same from stdin.
    let mut child = mutinf(["stream"].iter().chain(&args)).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(std::fs::read(f).unwrap().as_slice()).unwrap();
    let from_stdin = text(&child.wait_with_output().unwrap());
    // Identical but for the timings.
    let parse = |out: &str| -> Vec<serde_json::Value> {
        out.lines()
            .map(|l| {
                let mut v: serde_json::Value = serde_json::from_str(l).unwrap();
                v.as_object_mut().unwrap().remove("seconds");
                v
            })
            .collect()
    };
    let windows = parse(&from_file);
    assert_eq!(windows, parse(&from_stdin));
    assert_eq!(windows.len(), 9, "windows start at 0, 100, ..., 800");
    for (j, w) in windows.iter().enumerate() {
        let (start, end) = (w["start"].as_u64().unwrap() as usize, w["end"].as_u64().unwrap() as usize);
        assert_eq!((start, end), (100 * j, 100 * j + 200));
        assert_eq!((w["first_line"].as_u64(), w["last_line"].as_u64()), (Some(start as u64 + 2), Some(end as u64 + 1)));
        let rows = dir.path().join(format!("w{j}.csv"));
        std::fs::write(&rows, format!("x,y\n{}\n", lines[start..end].join("\n"))).unwrap();
        let alone = estimate_json(&[rows.to_str().unwrap(), "--method", "ksg"]);
        assert_eq!(w["mi"], alone["mi"], "window {start}..{end}: stream {} vs estimate {}", w["mi"], alone["mi"]);
    }
    assert!(mi(&windows[0]) > 0.8 && mi(&windows[8]).abs() < 0.15, "the dependence ends at row 500");
    // Text: a line per window.
    let text_out = text(&run(["stream", f, "--window", "500", "--method", "ksg"]));
    assert_eq!(text_out.lines().count(), 2, "{text_out}");
    assert!(text_out.starts_with("rows 0..500 (lines 2-501)  I(X;Y) = "), "{text_out}");
}

#[test]
fn stream_prints_each_window_as_it_completes() {
    let dir = tempfile::tempdir().unwrap();
    let (_, lines) = stream_file(dir.path());
    let mut child = mutinf(["stream", "-", "--window", "100", "--method", "ksg"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    // No header: columns are 0 and 1. One full window, and the stream stays open.
    stdin.write_all((lines[..100].join("\n") + "\n").as_bytes()).unwrap();
    stdin.flush().unwrap();
    let stdout = child.stdout.take().unwrap();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        send.send(line).unwrap();
    });
    let first = receive.recv_timeout(std::time::Duration::from_secs(20)).expect("a window's line arrives while stdin is still open");
    assert!(first.starts_with("rows 0..100 "), "{first}");
    drop(stdin);
    assert!(child.wait().unwrap().success());
}

#[test]
fn entropy_of_gaussian_and_discrete_columns() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(3);
    let sigma = 2.0;
    let g: Vec<f64> = normals(&mut rng, 5000).iter().map(|v| sigma * v).collect();
    let d: Vec<f64> = (0..5000).map(|i| ((i * 7) % 3) as f64).collect();
    let f = write_csv(&dir.path().join("h.csv"), &["g", "d"], &[g, d]);
    let f = f.as_str();
    let truth = 0.5 * (2.0 * std::f64::consts::PI * std::f64::consts::E * sigma * sigma).ln(); // 2.112
    let json = run_json(["entropy", f, "--x", "g", "--format", "json"]);
    assert_eq!((json["kind"].as_str(), json["method"].as_str()), (Some("continuous"), Some("kozachenko-leonenko")), "{json}");
    // Kozachenko-Leonenko at N = 5000, k = 3: sd ~0.02.
    assert!((json["entropy"].as_f64().unwrap() - truth).abs() < 0.06, "{json} vs {truth}");
    let json = run_json(["entropy", f, "--x", "d", "--format", "json", "--bootstrap", "20"]);
    assert_eq!(json["kind"], "discrete", "{json}");
    let h = json["entropy"].as_f64().unwrap();
    assert!((h - 3f64.ln()).abs() < 1e-3, "uniform over 3 values: {h}"); // plug-in ln 3 + MM 2/(2N)
    assert!(json["ci"]["lower"].as_f64().unwrap() <= h && h <= json["ci"]["upper"].as_f64().unwrap());
    let line = text(&run(["entropy", f, "--x", "g"]));
    assert!(line.starts_with("H(g) = ") && line.contains("Kozachenko-Leonenko") && line.contains("detected"), "{line}");
    let line = text(&run(["entropy", f, "--x", "d"]));
    assert!(line.contains("Miller-Madow") && line.contains("discrete"), "{line}");
}

#[test]
fn proficiency_lies_between_zero_and_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = StdRng::seed_from_u64(9);
    let n = 2000;
    let feature: Vec<f64> = (0..n).map(|i| ((i * 13) % 4) as f64).collect();
    let a1: Vec<f64> = feature.iter().zip(normals(&mut rng, n)).map(|(f, e)| f + 0.05 * e).collect();
    let a2 = normals(&mut rng, n);
    let a3 = normals(&mut rng, n);
    let f = write_csv(&dir.path().join("p.csv"), &["F", "A1", "A2", "A3"], &[feature, a1, a2, a3]);
    let f = f.as_str();
    let p = |given: &str, extra: &[&str]| {
        let mut args = vec!["proficiency", f, "--feature", "F", "--given", given, "--format", "json"];
        args.extend_from_slice(extra);
        run_json(args)
    };
    let informed = p("A1", &[]);
    assert_eq!(informed["feature_kind"], "discrete", "{informed}");
    assert_eq!(informed["mi"]["method"], "hist", "a discrete F defaults to hist: {informed}");
    let value = informed["proficiency"].as_f64().unwrap();
    assert!((0.85..=1.05).contains(&value), "A1 determines F: {informed}");
    assert!((informed["feature_entropy"].as_f64().unwrap() - 4f64.ln()).abs() < 1e-9);
    let blind = p("A2,A3", &["--method", "ksg"]);
    assert!(blind["proficiency"].as_f64().unwrap().abs() < 0.1, "A2, A3 know nothing of F: {blind}");
    let boot = p("A1", &["--bootstrap", "20"]);
    let (lo, hi) = (boot["ci"]["lower"].as_f64().unwrap(), boot["ci"]["upper"].as_f64().unwrap());
    assert!(lo <= value && value <= hi, "{boot}");
    let line = text(&run(["proficiency", f, "--feature", "F", "--given", "A1..A3"]));
    assert!(line.starts_with("proficiency I(F;A1,A2,A3) / H(F) = ") && line.contains("F is discrete"), "{line}");
    let line = text(&run(["proficiency", f, "--feature", "A2", "--given", "A3"]));
    assert!(line.contains("F is continuous") && line.contains("Kozachenko-Leonenko"), "{line}");
}

#[test]
fn bad_input_is_a_clear_error_with_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| -> PathBuf { dir.path().join(name) };
    let write = |name: &str, text: &str| {
        std::fs::write(path(name), text).unwrap();
        path(name).to_str().unwrap().to_owned()
    };
    let ok = write("ok.csv", "a,b,c\n1,2,3\n2,1,5\n3,5,4\n4,4,1\n5,3,2\n6,7,9\n");
    let nan_z = write("nanz.csv", "a,b,c\n1,2,3\n2,1,5\n3,5,nan\n4,4,1\n5,3,2\n6,7,9\n");
    let bad = write("bad.csv", "a,b\n1,2\n2,1\n3,x\n4,4\n");
    let nan = write("nan.csv", "a,b\n1,2\n2,1\n3,NaN\n4,4\n");
    let ragged = write("ragged.csv", "a,b\n1,2\n2\n");
    let (ok, nan_z) = (ok.as_str(), nan_z.as_str());
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["estimate", nan_z, "--x", "a", "--y", "b", "--z", "c"], "column 'c' has the non-finite value NaN at row 2"),
        (vec!["estimate", ok, "--x", "a", "--y", "b", "--z", "c", "--method", "kde"], "conditional MI is available with --method ksg or gaussian"),
        (vec!["estimate", ok, "--x", "a", "--y", "b", "--z", "c", "--k", "6"], "k = 6 needs at least 7 samples, got 6"),
        (vec!["estimate", ok, "--x", "a", "--y", "b", "--z", "b"], "both Y and Z"),
        (vec!["estimate", ok, "--x", "a", "--y", "b", "--z", "zz"], "unknown column 'zz'"),
        (vec!["estimate", ok, "--x", "a", "--y", "b", "--z", "c", "--shuffle", "3"], "--shuffle"),
        (vec!["te", ok, "--source", "a", "--target", "b", "--history", "10"], "needs at least"),
        (vec!["te", ok, "--source", "a", "--target", "a"], "two different columns"),
        (vec!["te", ok, "--source", "a", "--target", "b", "--delay", "0"], "delay"),
        (vec!["te", ok, "--source", "a,c", "--target", "b"], "exactly one column"),
        (vec!["lagged", ok, "--lags", "-10..10", "--method", "ksg"], "lag"),
        (vec!["lagged", ok, "--lags", "3..1", "--method", "ksg"], "backwards"),
        (vec!["lagged", ok, "--lags", "0", "--method", "ksg", "--k", "6"], "at lag 0: KSG with k = 6 needs at least 7 samples"),
        (vec!["te", ok, "--source", "a", "--target", "b", "--k", "5"], "k = 5 needs at least 6 samples, got 5"),
        (vec!["stream", ok, "--window", "3", "--method", "ksg"], "window of rows 0..3: KSG with k = 3 needs at least 4 samples"),
        (vec!["entropy", ok, "--x", "nope"], "unknown column 'nope'"),
        (vec!["entropy", ok, "--x", "a", "--continuous", "--k", "6"], "needs at least"),
        (vec!["proficiency", ok, "--feature", "a", "--given", "a,b"], "both the feature"),
        (vec!["stream", ok, "--window", "10", "--method", "ksg"], "sliding window of 10 rows"),
        (vec!["stream", ok, "--window", "1", "--method", "ksg"], "window"),
        (vec!["stream", bad.as_str(), "--window", "2", "--method", "ksg", "--k", "1"], "line 4, column 'b': cannot read 'x'"),
        (vec!["stream", nan.as_str(), "--window", "2", "--method", "ksg", "--k", "1"], "line 4"),
        (vec!["stream", ragged.as_str(), "--window", "2", "--method", "ksg", "--k", "1"], "line 3: expected 2 fields"),
    ];
    for (args, expected) in cases {
        let stderr = run_usage_error(&args);
        assert!(stderr.contains(expected), "{args:?}: expected '{expected}' in: {stderr}");
    }
    // --skip-bad-rows: the bad row is skipped with a warning and the stream goes on.
    let out = run(["stream", bad.as_str(), "--window", "3", "--method", "ksg", "--skip-bad-rows", "--k", "1"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.contains("warning: skipped") && stderr.contains("line 4"), "{stderr}");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("rows 0..3 (lines 2-5)"), "{}", String::from_utf8_lossy(&out.stdout));
}
