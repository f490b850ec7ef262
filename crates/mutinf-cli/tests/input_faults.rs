//! Issue 17's "silent wrong answers" and front-end gaps, end to end: each case built here,
//! each one a wrong number or an abort before the fix.

mod e2e;

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;

use e2e::{estimate_json, mi, mutinf, run, run_usage_error};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// N rows of (a, b) with correlation 0.7 (I = 0.337 nats), as text lines "a,b".
fn pairs(n: usize, seed: u64) -> Vec<(f64, f64)> {
    let mut rng = StdRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let (u, v): (f64, f64) = (rng.sample(StandardNormal), rng.sample(StandardNormal));
            (u, 0.7 * u + 0.51f64.sqrt() * v)
        })
        .collect()
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

const TRUTH: f64 = 0.3367; // −½ ln(1 − 0.49)

#[test]
fn a_pandas_index_column_is_skipped_and_the_columns_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from(",a,b\n");
    for (i, (a, b)) in pairs(2000, 1).into_iter().enumerate() {
        writeln!(csv, "{i},{a},{b}").unwrap();
    }
    let file = write(dir.path(), "pandas.csv", &csv);
    let out = run(["estimate", &file, "--method", "ksg", "--format", "json"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pandas index"));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((json["x_columns"][0].as_str(), json["y_columns"][0].as_str()), (Some("a"), Some("b")));
    assert!((mi(&json) - TRUTH).abs() < 0.06, "{json}");
}

#[test]
fn a_numeric_header_is_a_header_when_told_and_said_when_guessed() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("2019,2020\n");
    for (a, b) in pairs(500, 2) {
        writeln!(csv, "{a},{b}").unwrap();
    }
    let file = write(dir.path(), "years.csv", &csv);
    let guessed = run(["estimate", &file, "--method", "ksg", "--format", "json"]);
    assert!(String::from_utf8_lossy(&guessed.stderr).contains("--header yes"));
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&guessed.stdout).unwrap()["n"], 501);
    let told = estimate_json(&[&file, "--header", "yes", "--x", "2019", "--y", "2020", "--method", "ksg"]);
    assert_eq!(told["n"], 500);
}

#[test]
fn stdin_and_npy_without_extension() {
    let dir = tempfile::tempdir().unwrap();
    let npy = dir.path().join("data.npy");
    run(["generate", "gaussian", "--rho", "0.7", "--n", "1000", "--seed", "3", "--out", npy.to_str().unwrap()]);
    let renamed = dir.path().join("data.bin");
    std::fs::rename(&npy, &renamed).unwrap();
    let from_file = estimate_json(&[renamed.to_str().unwrap(), "--method", "ksg"]);
    // The same bytes through stdin.
    let mut child = mutinf(["estimate", "-", "--method", "ksg", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(&renamed).unwrap()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let from_stdin: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(mi(&from_file), mi(&from_stdin));
}

#[test]
fn generate_writes_csv_to_stdout_and_the_truth_to_stderr() {
    let out = run(["generate", "gaussian", "--rho", "0.7", "--n", "50", "--seed", "1", "--out", "-"]);
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("X0,Y0\n") && csv.lines().count() == 51, "{csv}");
    let truth: serde_json::Value = serde_json::from_slice(&out.stderr).unwrap();
    assert!((truth["mi"].as_f64().unwrap() - TRUTH).abs() < 1e-3);
    assert!(!Path::new("-").exists(), "a file named '-' was created");
}

#[test]
fn an_unselected_text_column_is_ignored_and_a_selected_one_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("id,a,b\n");
    for (i, (a, b)) in pairs(300, 4).into_iter().enumerate() {
        writeln!(csv, "row{i},{a},{b}").unwrap();
    }
    let file = write(dir.path(), "ids.csv", &csv);
    let json = estimate_json(&[&file, "--x", "a", "--y", "b", "--method", "ksg"]);
    assert_eq!(json["n"], 300);
    let err = run_usage_error(["estimate", &file, "--x", "id", "--y", "b"]);
    assert!(err.contains("'id'") && err.contains("not numeric"), "{err}");
    // matrix skips it with a note; --columns chooses.
    let out = run(["matrix", &file, "--method", "ksg"]);
    assert!(out.status.success() && String::from_utf8_lossy(&out.stderr).contains("skipped column 'id'"));
    let out = run(["matrix", &file, "--method", "ksg", "--columns", "a,b"]);
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("column,a,b\n"));
}

#[test]
fn duplicates_and_saturated_histograms_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let rows = pairs(500, 5);
    let mut csv = String::from("a,b\n");
    for (a, b) in rows.iter().chain(rows.iter().take(250)) {
        writeln!(csv, "{a},{b}").unwrap();
    }
    let file = write(dir.path(), "dups.csv", &csv);
    let ksg = estimate_json(&[&file, "--method", "ksg"]);
    assert!(ksg["notes"].to_string().contains("repeat an earlier row"), "{ksg}");
    let unique = write(dir.path(), "unique.csv", &csv.lines().take(501).collect::<Vec<_>>().join("\n"));
    assert!(!estimate_json(&[&unique, "--method", "ksg"])["notes"].to_string().contains("repeat"));
    let hist = estimate_json(&[&unique, "--method", "hist", "--bins", "100000"]);
    assert!(hist["notes"].to_string().contains("saturates"), "{hist}");
}

#[test]
fn multi_column_blocks_get_an_estimate_of_i_x_y_not_sliced_mi() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("m.csv");
    run(["generate", "gmm", "--dims", "2,2", "--components", "2", "--n", "600", "--seed", "6", "--out", file.to_str().unwrap(), "--truth-samples", "1000"]);
    let f = file.to_str().unwrap();
    let default = estimate_json(&[f]);
    assert_eq!(default["method"], "ksg");
    assert_eq!(mi(&default), mi(&estimate_json(&[f, "--dims", "2,2", "--method", "ksg"])));
    let err = run_usage_error(["estimate", f, "--method", "infonet"]);
    assert!(err.contains("--sliced"), "{err}");
    let sliced = estimate_json(&[f, "--method", "infonet", "--sliced", "16"]);
    assert!(sliced["method"].as_str().unwrap().contains("sliced"), "{sliced}");
}

#[test]
fn matrix_writes_as_it_goes_and_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("a,b,c,d\n");
    let mut rng = StdRng::seed_from_u64(8);
    for _ in 0..300 {
        let v: [f64; 4] = std::array::from_fn(|_| rng.sample(StandardNormal));
        writeln!(csv, "{},{},{},{}", v[0], v[0] + v[1], v[2], v[2] - v[3]).unwrap();
    }
    let file = write(dir.path(), "four.csv", &csv);
    let out = dir.path().join("m.csv");
    let o = out.to_str().unwrap();
    assert!(run(["matrix", &file, "--method", "ksg", "--out", o, "--pairs-per-pass", "2"]).status.success());
    let full = std::fs::read_to_string(&out).unwrap();
    // A killed run: two cells never computed (empty), one cell holding a marker value.
    let mut lines: Vec<Vec<String>> = full.lines().map(|l| l.split(',').map(String::from).collect()).collect();
    for (r, c) in [(1, 3), (3, 1), (2, 4), (4, 2)] {
        lines[r][c].clear();
    }
    lines[1][2] = "9.000000".into();
    lines[2][1] = "9.000000".into();
    let partial: String = lines.iter().map(|l| l.join(",") + "\n").collect();
    std::fs::write(&out, partial).unwrap();
    assert!(run(["matrix", &file, "--method", "ksg", "--out", o, "--resume"]).status.success());
    let resumed = std::fs::read_to_string(&out).unwrap();
    let cell = |text: &str, r: usize, c: usize| text.lines().nth(r).unwrap().split(',').nth(c).unwrap().to_owned();
    assert_eq!(cell(&resumed, 1, 2), "9.000000", "a cell already computed was recomputed");
    assert_eq!(cell(&resumed, 1, 3), cell(&full, 1, 3));
    assert_eq!(cell(&resumed, 4, 2), cell(&full, 4, 2));
    // Resuming with other columns is refused.
    let err = run_usage_error(["matrix", &file, "--method", "ksg", "--out", o, "--resume", "--columns", "a,b"]);
    assert!(err.contains("--resume"), "{err}");
}
