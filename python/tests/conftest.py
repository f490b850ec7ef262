"""Shared fixtures: the CLI binary the Python results are compared with, and small data sets."""

import os
import pathlib
import subprocess

import numpy as np
import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def cli() -> pathlib.Path:
    """The `mutinf` binary built by `cargo test --workspace --release` (or MUTINF_BIN)."""
    path = pathlib.Path(os.environ.get("MUTINF_BIN", REPO / "target" / "release" / "mutinf"))
    if not path.is_file():
        pytest.fail(f"no mutinf binary at {path}: run `cargo build --release --workspace` first or set MUTINF_BIN")
    return path


def run_cli(cli: pathlib.Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(cli), *args], capture_output=True, text=True, check=False)


@pytest.fixture
def gaussian_file(tmp_path, cli):
    """A CLI-generated .npy of 2000 correlated Gaussian pairs (exact floats, no CSV rounding)."""
    path = tmp_path / "g.npy"
    out = run_cli(cli, "generate", "gaussian", "--rho", "0.7", "--n", "2000", "--seed", "11", "--out", str(path))
    assert out.returncode == 0, out.stderr
    table = np.load(path)
    return path, table[:, 0], table[:, 1]
