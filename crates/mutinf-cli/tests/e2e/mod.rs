//! Helpers of the end-to-end tests of the `mutinf` binary (each `tests/*.rs` file of this crate
//! says `mod e2e;`).
//!
//! The binary is the one cargo builds for these integration tests (`CARGO_BIN_EXE_mutinf`): the
//! tests build and find it themselves, whatever the profile or target directory.
//! `MUTINF_BIN` overrides the path (e.g. to test an installed binary).
#![allow(dead_code)] // each test file uses its own subset of the helpers

use std::path::PathBuf;
use std::process::{Command, Output};

/// Path of the binary under test.
pub fn binary() -> PathBuf {
    std::env::var_os("MUTINF_BIN").map_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_mutinf")), PathBuf::from)
}

/// A command running the binary with `args`.
pub fn mutinf<I, S>(args: I) -> Command
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let mut command = Command::new(binary());
    command.args(args);
    command
}

/// Runs the binary, asserts success, and parses stdout as one JSON value.
pub fn run_json<I, S>(args: I) -> serde_json::Value
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = run(args);
    assert!(out.status.success(), "mutinf failed ({:?}): {}", out.status, String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {stdout}"))
}

/// Runs the binary and returns its output.
pub fn run<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    mutinf(args).output().expect("the binary runs")
}

/// Runs the binary, asserts it failed with exit code 2 and no panic, and returns stderr.
pub fn run_usage_error<I, S>(args: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<std::ffi::OsStr>,
{
    let out = run(args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "expected exit 2, got {:?}; stderr: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "the binary panicked: {stderr}");
    assert!(!stderr.trim().is_empty(), "an error must say what is wrong");
    stderr
}

/// Runs `mutinf estimate ARGS --format json`, asserts success, and returns the JSON.
pub fn estimate_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["estimate"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    run_json(all)
}

/// The `mi` field of an estimate's JSON.
pub fn mi(json: &serde_json::Value) -> f64 {
    json["mi"].as_f64().expect("an estimate has a numeric mi")
}
