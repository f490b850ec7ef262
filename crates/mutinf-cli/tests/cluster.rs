//! `mutinf cluster`: labels written one per row, clusters recovered on separated data, bad input
//! rejected with exit code 2.

mod e2e;

use std::fmt::Write;
use std::path::Path;

use e2e::{run_json, run_usage_error};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;

/// Three unit-variance blobs 8 apart in 2-D, 200 rows each (row i belongs to blob i % 3).
fn write_blobs(path: &Path) {
    let mut rng = StdRng::seed_from_u64(1);
    let centres = [(0.0, 0.0), (8.0, 0.0), (0.0, 8.0)];
    let mut csv = String::from("a,b\n");
    for i in 0..600 {
        let (cx, cy) = centres[i % 3];
        let (dx, dy): (f64, f64) = (rng.sample(StandardNormal), rng.sample(StandardNormal));
        writeln!(csv, "{},{}", cx + dx, cy + dy).unwrap();
    }
    std::fs::write(path, csv).unwrap();
}

#[test]
fn labels_every_row_and_recovers_separated_clusters() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("blobs.csv");
    let labels = dir.path().join("labels.csv");
    write_blobs(&data);
    let json = run_json([
        "cluster",
        data.to_str().unwrap(),
        "--clusters",
        "3",
        "--overcluster",
        "9",
        "--steps",
        "300",
        "--out",
        labels.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let text = std::fs::read_to_string(&labels).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("label"));
    let labels: Vec<usize> = lines.map(|l| l.parse().unwrap()).collect();
    assert_eq!(labels.len(), 600);
    // Every blob maps to one label, and the three labels differ (up to 2 strays per blob).
    let mut majority = Vec::new();
    for blob in 0..3 {
        let mut counts = [0usize; 3];
        labels.iter().skip(blob).step_by(3).for_each(|&l| counts[l] += 1);
        let (best, &count) = counts.iter().enumerate().max_by_key(|(_, c)| **c).unwrap();
        assert!(count >= 198, "blob {blob} split: {counts:?}");
        majority.push(best);
    }
    majority.sort();
    majority.dedup();
    assert_eq!(majority.len(), 3, "two blobs share a label");
    assert_eq!(json["sizes"].as_array().unwrap().len(), 3);
    assert_eq!(json["empty_clusters"], 0);
    let mi = json["mi"].as_f64().unwrap();
    assert!(mi > 0.3 && mi <= 3f64.ln() + 1e-9, "I(Z; Z') = {mi}");
}

#[test]
fn bad_input_exits_2_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("labels.csv");
    let out = out.to_str().unwrap();
    let nan = dir.path().join("nan.csv");
    std::fs::write(&nan, "a,b\n1,2\n3,NaN\n5,6\n").unwrap();
    let err = run_usage_error(["cluster", nan.to_str().unwrap(), "--clusters", "2", "--out", out]);
    assert!(err.contains("NaN") || err.contains("non-finite"), "{err}");
    let constant = dir.path().join("constant.csv");
    std::fs::write(&constant, "a,b\n1,2\n3,2\n5,2\n7,2\n").unwrap();
    let err = run_usage_error(["cluster", constant.to_str().unwrap(), "--clusters", "2", "--out", out]);
    assert!(err.contains("constant"), "{err}");
    let data = dir.path().join("blobs.csv");
    write_blobs(&data);
    let data = data.to_str().unwrap();
    let err = run_usage_error(["cluster", data, "--clusters", "1", "--out", out]);
    assert!(err.contains("at least 2"), "{err}");
    let err = run_usage_error(["cluster", data, "--clusters", "3", "--overcluster", "3", "--out", out]);
    assert!(err.contains("must exceed"), "{err}");
    let err = run_usage_error(["cluster", data, "--clusters", "3", "--out", "/nonexistent-dir/labels.csv"]);
    assert!(err.contains("labels file"), "{err}");
    let err = run_usage_error(["cluster", data, "--clusters", "3", "--columns", "c", "--out", out]);
    assert!(err.contains('c'), "{err}");
}
