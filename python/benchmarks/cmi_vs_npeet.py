"""Conditional MI and transfer entropy: the `mutinf` CLI against NPEET (npeet-plus) on the same
files, values and times, in one run.

    python python/benchmarks/cmi_vs_npeet.py [--cli target/release/mutinf]

Gaussian chain X -> Z -> Y plus W = X + Z + noise: I(X;W|Z) has a closed form; a linear VAR(1)
pair gives an analytic TE. Our times are the estimator's own `seconds` (median of 20 runs; the
process start and file read are excluded, as NPEET's array conversion is), NPEET's the median
of 5 calls of `npeet_plus.cmi`. Needs numpy and npeet-plus.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import npeet_plus


def ours(cli: str, args: list) -> tuple:
    runs = [json.loads(subprocess.run([cli, *args, "--format", "json"], capture_output=True, text=True, check=True).stdout)
            for _ in range(20)]
    value = runs[0].get("mi", runs[0].get("te"))
    return value, statistics.median(r["seconds"] for r in runs)


def theirs(x, y, z) -> tuple:
    args = (x[:, None].tolist(), y[:, None].tolist(), z.reshape(len(z), -1).tolist())
    times = []
    for _ in range(5):
        start = time.perf_counter()
        value = npeet_plus.cmi(*args, k=3, base=np.e)
        times.append(time.perf_counter() - start)
    return value, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cli", default=str(Path(__file__).resolve().parents[2] / "target" / "release" / "mutinf"))
    cli = parser.parse_args().cli
    rng = np.random.default_rng(1)
    print("| case | truth | mutinf value | mutinf time | NPEET value | NPEET time |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (2000, 10000):
            x = rng.normal(size=n)
            z = x + rng.normal(size=n)
            w = x + z + rng.normal(size=n)
            # Given Z, W = X + Z + noise: I(X;W|Z) = 1/2 ln(Var(W|Z) / Var(W|X,Z)) = 1/2 ln((1/2 + 1) / 1),
            # with Var(X|Z) = 1/2.
            truth = 0.5 * np.log(1.5)
            path = Path(tmp) / f"chain{n}.csv"
            np.savetxt(path, np.stack([x, z, w], axis=1), delimiter=",", header="x,z,w", comments="", fmt="%.17g")
            v, t = ours(cli, ["estimate", str(path), "--x", "x", "--y", "w", "--z", "z", "--method", "ksg"])
            nv, nt = theirs(x, w, z)
            print(f"| CMI N = {n} (1-D X, Y, Z) | {truth:.4f} | {v:.4f} | {t * 1e3:.2f} ms | {nv:.4f} | {nt * 1e3:.1f} ms |")
        # VAR(1): X_t = a X_{t-1} + e, Y_t = b Y_{t-1} + c X_{t-1} + e'.
        a, b, c, n = 0.5, 0.6, 0.4, 10_000
        xs, ys = np.zeros(n + 100), np.zeros(n + 100)
        for t in range(1, n + 100):
            xs[t] = a * xs[t - 1] + rng.normal()
            ys[t] = b * ys[t - 1] + c * xs[t - 1] + rng.normal()
        xs, ys = xs[100:], ys[100:]
        var_x = 1 / (1 - a * a)
        cov_xy = c * a * var_x / (1 - a * b)  # E[X_t Y_t] from the stationary equations
        var_y = (c * c * var_x + 2 * b * c * cov_xy + 1) / (1 - b * b)
        # TE = 1/2 ln(Var(Y_t | Y_{t-1}) / 1).
        cov_lag = b * var_y + c * cov_xy  # E[Y_t Y_{t-1}]
        te_truth = 0.5 * np.log(var_y - cov_lag * cov_lag / var_y)
        path = Path(tmp) / "var.csv"
        np.savetxt(path, np.stack([xs, ys], axis=1), delimiter=",", header="x,y", comments="", fmt="%.17g")
        v, t = ours(cli, ["te", str(path), "--source", "x", "--target", "y"])
        nv, nt = theirs(xs[:-1], ys[1:], ys[:-1])
        print(f"| TE X→Y N = {n} (k = l = 1) | {te_truth:.4f} | {v:.4f} | {t * 1e3:.2f} ms | {nv:.4f} | {nt * 1e3:.1f} ms |")


if __name__ == "__main__":
    main()
