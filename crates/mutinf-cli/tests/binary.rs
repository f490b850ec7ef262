//! Smoke tests of the built binary.

use std::process::Command;

fn mutinf() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mutinf"))
}

#[test]
fn help_and_version_succeed() {
    let out = mutinf().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for command in ["generate", "train"] {
        assert!(text.contains(command), "help lacks {command}: {text}");
    }
    assert!(mutinf().arg("--version").output().unwrap().status.success());
}

#[test]
fn unknown_subcommand_is_a_usage_error() {
    let out = mutinf().arg("frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!out.stderr.is_empty());
}
