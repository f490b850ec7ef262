"""The Python package returns the CLI's values on the same data: it is the same library."""

import json

import numpy as np
import pytest

import mutinf
from mutinf import generate

from conftest import run_cli


def cli_json(cli, path, *args):
    out = run_cli(cli, "estimate", str(path), "--format", "json", *args)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_ksg_equals_the_cli_exactly(cli, gaussian_file):
    path, x, y = gaussian_file
    for k in (3, 7):
        want = cli_json(cli, path, "--method", "ksg", "--k", str(k))["mi"]
        assert mutinf.estimate(x, y, method="ksg", k=k).mi == want


@pytest.mark.parametrize("args,params", [
    (["--method", "ksg2"], {"method": "ksg2"}),
    (["--method", "kde", "--bandwidth", "silverman"], {"method": "kde", "bandwidth": "silverman"}),
    (["--method", "hist", "--bins", "12", "--binning", "equal-frequency"], {"method": "hist", "bins": 12, "binning": "equal-frequency"}),
])
def test_classical_methods_equal_the_cli(cli, gaussian_file, args, params):
    path, x, y = gaussian_file
    assert mutinf.estimate(x, y, **params).mi == pytest.approx(cli_json(cli, path, *args)["mi"], abs=1e-12)


def test_infonet_equals_the_cli_with_its_interval(cli, gaussian_file):
    path, x, y = gaussian_file
    want = cli_json(cli, path)
    got = mutinf.estimate(x, y)
    assert got.method == want["method"] == "infonet"
    assert got.mi == pytest.approx(want["mi"], abs=1e-6)
    assert got.ci.lower == pytest.approx(want["ci"]["lower"], abs=1e-6)
    assert got.ci.upper == pytest.approx(want["ci"]["upper"], abs=1e-6)
    assert got.ci.level == want["ci"]["level"] == 0.9
    table = cli_json(cli, path, "--readout", "scale-fitted", "--seed", "3")
    assert mutinf.estimate(x, y, readout="scale-fitted", seed=3).mi == pytest.approx(table["mi"], abs=1e-6)


def test_format_value_prints_the_bare_number_python_returns(cli, gaussian_file):
    path, x, y = gaussian_file
    out = run_cli(cli, "estimate", str(path), "--method", "ksg", "--format", "value")
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.strip()) == mutinf.bmi.Estimator(method="ksg").estimate(x, y)
    assert out.stdout.strip().count("\n") == 0


def test_generators_draw_the_cli_samples_and_truth(cli, tmp_path):
    path = tmp_path / "m.npy"
    out = run_cli(cli, "generate", "gmm", "--dims", "2,1", "--components", "3", "--n", "500", "--seed", "5",
                  "--truth-samples", "20000", "--out", str(path))
    assert out.returncode == 0, out.stderr
    truth = json.loads(out.stdout)
    s = generate.gmm(500, dims=(2, 1), components=3, truth_samples=20000, seed=5)
    table = np.load(path)
    assert np.array_equal(s.x, table[:, :2]) and np.array_equal(s.y, table[:, 2:])
    assert s.mi == truth["mi"] and s.std_error == truth["std_error"]
    g = generate.gaussian(300, -0.4, seed=2)
    path = tmp_path / "g.npy"
    assert run_cli(cli, "generate", "gaussian", "--rho", "-0.4", "--n", "300", "--seed", "2", "--out", str(path)).returncode == 0
    assert np.array_equal(np.hstack([g.x, g.y]), np.load(path))
    assert g.mi == pytest.approx(-0.5 * np.log(1 - 0.16), abs=1e-15)
