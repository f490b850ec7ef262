//! End-to-end tests of `mutinf bench <suite> --quick` on CPU: every suite writes its Markdown,
//! CSV, JSON and PNG files, the tables have the expected shape, and analytic truths are right.

mod e2e;

use std::path::Path;

use e2e::{run, run_usage_error};

/// A parsed CSV: header and rows of strings.
struct Csv {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// Splits one CSV line, honouring double-quoted fields (which may hold commas).
fn split_csv_line(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

impl Csv {
    fn read(path: &Path) -> Self {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let mut lines = text.lines().map(split_csv_line);
        let header = lines.next().expect("a header line");
        let rows: Vec<Vec<String>> = lines.collect();
        for r in &rows {
            assert_eq!(r.len(), header.len(), "{}: ragged row {r:?}", path.display());
        }
        Self { header, rows }
    }

    fn col(&self, name: &str) -> usize {
        self.header.iter().position(|h| h == name).unwrap_or_else(|| panic!("no column {name} in {:?}", self.header))
    }

    fn num(&self, row: usize, name: &str) -> f64 {
        let c = self.col(name);
        self.rows[row][c].parse().unwrap_or_else(|_| panic!("{name} of row {row} is not a number: {:?}", self.rows[row]))
    }
}

/// Runs a quick suite into a fresh folder; returns the folder and stdout.
fn quick(suite: &str, extra: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap().to_string();
    let mut args = vec!["bench", suite, "--quick", "--device", "cpu", "--no-progress", "--out", &out];
    args.extend_from_slice(extra);
    let result = run(&args);
    let stderr = String::from_utf8_lossy(&result.stderr);
    assert!(result.status.success(), "mutinf bench {suite} failed: {stderr}");
    let stdout = String::from_utf8(result.stdout).unwrap();
    if suite != "all" {
        for file in [format!("{suite}.md"), format!("{suite}.json"), format!("{suite}.png")] {
            assert!(dir.path().join(&file).is_file(), "{file} missing");
        }
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.path().join(format!("{suite}.json"))).unwrap()).unwrap();
        let record = &json["record"];
        assert!(record["machine"]["cores"].as_u64().unwrap() >= 1);
        assert!(record["machine"]["cpu"].is_string());
        assert!(record["build_profile"].is_string());
        assert!(record["versions"]["mutinf"].is_string());
        assert_eq!(record["quick"], true);
        assert!(stdout.contains("- machine:") && stdout.contains("| "), "stdout is the Markdown report: {stdout}");
    }
    (dir, stdout)
}

fn gaussian_mi(rho: f64) -> f64 {
    -0.5 * (1.0 - rho * rho).ln()
}

#[test]
fn timing_quick() {
    let (dir, stdout) = quick("timing", &[]);
    let t = Csv::read(&dir.path().join("timing-seconds.csv"));
    assert_eq!(t.header, ["method", "N=200", "N=1000"]);
    let methods: Vec<&str> = t.rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        methods,
        ["ksg k=1", "ksg k=5", "kde", "mine 10 steps", "mine 100 steps", "infonet", "infonet batch 16", "infonet batch 64"]
    );
    for r in 0..t.rows.len() {
        for c in ["N=200", "N=1000"] {
            let s = t.num(r, c);
            assert!(s > 0.0 && s < 30.0, "{} {c}: {s} s", t.rows[r][0]);
        }
    }
    assert!(stdout.contains("InfoNet checkpoint: embedded:infonet-gt"), "{stdout}");
    assert!(stdout.contains("readout Regression"), "the default readout is recorded: {stdout}");
    // The table readout is recorded when asked for.
    let (_, stdout) = quick("timing", &["--methods", "infonet", "--readout", "scale-fitted", "--sizes", "200"]);
    assert!(stdout.contains("InfoNet checkpoint: embedded:infonet-small"), "{stdout}");
    assert!(stdout.contains("readout scale-fitted"), "{stdout}");
}

#[test]
fn gaussian_quick() {
    let (dir, _) = quick("gaussian", &[]);
    let t = Csv::read(&dir.path().join("gaussian-estimates.csv"));
    assert_eq!(t.header, ["rho", "truth", "infonet", "ksg", "kde", "mine"]);
    assert_eq!(t.rows.len(), 7);
    for r in 0..t.rows.len() {
        let rho = t.num(r, "rho");
        assert!((t.num(r, "truth") - gaussian_mi(rho)).abs() < 1e-9, "truth at rho {rho}");
        assert!((t.num(r, "ksg") - gaussian_mi(rho)).abs() < 0.1, "KSG at rho {rho}: {}", t.num(r, "ksg"));
        assert!((t.num(r, "infonet") - gaussian_mi(rho)).abs() < 0.3, "InfoNet at rho {rho}: {}", t.num(r, "infonet"));
    }
    let s = Csv::read(&dir.path().join("gaussian-summary.csv"));
    assert_eq!(
        s.header,
        ["method", "mean |error|", "max |error|", "bias", "RMSE", "mean |error| − KSG's (± s.e.)", "90% CI coverage", "s / estimate"]
    );
    // Only the regression readout has intervals: a share for InfoNet, "—" for the others.
    for row in 0..s.rows.len() {
        let cell = &s.rows[row][6];
        if s.rows[row][0] == "infonet" {
            let share: f64 = cell.trim_end_matches(" %").parse().unwrap_or_else(|_| panic!("{cell}"));
            assert!((0.0..=100.0).contains(&share), "{cell}");
        } else {
            assert_eq!(cell, "—");
        }
    }
    assert_eq!(s.rows.len(), 4);
    // The paired difference to KSG is the difference of the two mean |error| columns.
    let ksg_row = s.rows.iter().position(|r| r[0] == "ksg").unwrap();
    assert_eq!(s.rows[ksg_row][5], "—");
    for row in (0..s.rows.len()).filter(|&r| r != ksg_row) {
        let cell = &s.rows[row][5];
        let (diff, se) = cell.split_once(" ± ").unwrap_or_else(|| panic!("{cell}"));
        let (diff, se): (f64, f64) = (diff.parse().unwrap(), se.parse().unwrap());
        let expected = s.num(row, "mean |error|") - s.num(ksg_row, "mean |error|");
        assert!((diff - expected).abs() < 2e-4, "{}: {diff} vs {expected}", s.rows[row][0]);
        assert!(se >= 0.0 && se.is_finite(), "{cell}");
    }
    let r = Csv::read(&dir.path().join("gaussian-robustness.csv"));
    assert_eq!(r.rows.len(), 2 * 3, "2 sizes x 3 cases");
    for row in 0..r.rows.len() {
        if r.rows[row][1].contains("shuffled") {
            assert_eq!(r.num(row, "truth"), 0.0);
            assert!(r.num(row, "ksg mean").abs() < 0.1, "KSG on shuffled Y: {}", r.num(row, "ksg mean"));
        }
    }
    let raw = Csv::read(&dir.path().join("gaussian-raw.csv"));
    assert_eq!(raw.rows.len(), 7 * 4);
}

#[test]
fn gmm_levels_quick_and_cached() {
    let (dir, _) = quick("gmm-levels", &[]);
    let t = Csv::read(&dir.path().join("gmm-levels-levels.csv"));
    assert_eq!(t.rows.len(), 10);
    assert_eq!(&t.header[..5], ["level", "count", "mean truth", "infonet mean err", "infonet var err"]);
    assert_eq!(t.header.len(), 3 + 2 * 4);
    for r in 0..10 {
        assert_eq!(t.num(r, "count"), 2.0);
        assert!((t.num(r, "mean truth") - t.num(r, "level")).abs() <= 0.05 + 1e-12, "row {r}");
    }
    let cache: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("gmm-levels-set-"))
        .collect();
    assert_eq!(cache.len(), 1, "the generated set is cached");
    // A second run in the same folder reuses it.
    let out = dir.path().to_str().unwrap();
    let again = run(["bench", "gmm-levels", "--quick", "--methods", "ksg", "--no-progress", "--out", out]);
    assert!(again.status.success(), "{}", String::from_utf8_lossy(&again.stderr));
    assert!(String::from_utf8_lossy(&again.stdout).contains("reused from"));
}

#[test]
fn order_quick() {
    let (dir, _) = quick("order", &[]);
    let t = Csv::read(&dir.path().join("order-accuracy.csv"));
    assert_eq!(t.header, ["K", "triplets", "infonet accuracy %", "ksg accuracy %", "kde accuracy %", "mine accuracy %"]);
    assert_eq!(t.rows.len(), 11, "K = 1..10 and all");
    assert_eq!(t.rows[10][0], "all");
    for r in 0..11 {
        for m in ["infonet", "ksg", "kde", "mine"] {
            let a = t.num(r, &format!("{m} accuracy %"));
            assert!((0.0..=100.0).contains(&a), "{m}: {a}");
        }
    }
}

#[test]
fn independence_quick() {
    let (dir, _) = quick("independence", &[]);
    let t = Csv::read(&dir.path().join("independence-auc.csv"));
    assert_eq!(t.header, ["type", "d", "N", "infonet AUC", "ksg AUC", "mine AUC"]);
    assert_eq!(t.rows.len(), 3 * 2, "3 types x d=16 x N in {{100, 300}}");
    for r in 0..t.rows.len() {
        for m in ["infonet", "ksg", "mine"] {
            let a = t.num(r, &format!("{m} AUC"));
            assert!((0.0..=1.0).contains(&a), "{m}: {a}");
        }
    }
    assert_eq!(Csv::read(&dir.path().join("independence-auc-by-d.csv")).rows.len(), 2);
}

#[test]
fn transforms_quick() {
    let (dir, _) = quick("transforms", &["--methods", "infonet,ksg,kde"]);
    let t = Csv::read(&dir.path().join("transforms-estimates.csv"));
    assert_eq!(t.header, ["distribution", "truth", "infonet", "ksg", "kde"]);
    assert_eq!(t.rows.len(), 9);
    let truth = |name: &str| t.num(t.rows.iter().position(|r| r[0] == name).unwrap_or_else(|| panic!("{name}")), "truth");
    for map in ["gaussian ρ=0.8", "half-cube", "asinh", "exp(X)", "exp(X) Y³"] {
        if let Some(r) = t.rows.iter().position(|r| r[0].starts_with(map)) {
            assert!((t.num(r, "truth") - gaussian_mi(0.8)).abs() < 1e-9);
        }
    }
    assert!((truth("additive uniform w=1") - 0.5).abs() < 1e-12);
    assert!((truth("additive uniform w=0.5") - (0.25 + 2f64.ln())).abs() < 1e-12);
    assert!((truth("gamma-exponential α=1") - (1.0 - 0.577_215_664_901_532_9)).abs() < 1e-9);
    let inv = Csv::read(&dir.path().join("transforms-invariance.csv"));
    assert_eq!(inv.rows.len(), 3);
    for r in 0..3 {
        // InfoNet reads ranks only: monotone maps barely move it.
        assert!(inv.num(r, "infonet") < 0.05, "{:?}", inv.rows[r]);
    }
}

#[test]
fn all_quick_writes_a_summary() {
    let (dir, stdout) = quick("all", &["--methods", "ksg"]);
    let summary = std::fs::read_to_string(dir.path().join("summary.md")).unwrap();
    assert_eq!(summary.trim(), stdout.trim());
    for suite in ["timing", "gaussian", "gmm-levels", "order", "independence", "transforms"] {
        assert!(summary.contains(&format!("(`{suite}`)")), "summary lacks {suite}");
        assert!(dir.path().join(format!("{suite}.md")).is_file());
    }
    assert!(!summary.contains("InfoNet checkpoint"), "InfoNet was not run");
}

#[test]
fn bad_usage_is_exit_2() {
    let e = run_usage_error(["bench", "nosuch"]);
    assert!(e.contains("timing"), "{e}");
    let e = run_usage_error(["bench", "gaussian", "--quick", "--methods", "ksg,nosuch", "--out", "/tmp/mutinf-bench-never"]);
    assert!(e.contains("unknown method 'nosuch'"), "{e}");
    let e = run_usage_error(["bench", "gaussian", "--quick", "--seeds", "0", "--out", "/tmp/mutinf-bench-never"]);
    assert!(e.contains("--seeds"), "{e}");
}
