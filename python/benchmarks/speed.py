"""Python-call overhead and KSG speed against scikit-learn and NPEET, in one run.

    python python/benchmarks/speed.py [--repeats 50] [--cli target/release/mutinf]

Prints, per method at N = 2000: the median wall time of `mutinf.estimate` and the median time
the Rust estimator itself reports (`Estimate.seconds`), whose difference is the cost of the
Python layer; then KSG (k = 3) against scikit-learn's `mutual_info_regression` and NPEET's
`mi` (package npeet-plus) on the same arrays, and one 1,000,000-row estimate from Python and
from the CLI on the same file. Needs numpy; scikit-learn and npeet-plus are optional.
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

import mutinf


def median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--cli", default=str(Path(__file__).resolve().parents[2] / "target" / "release" / "mutinf"))
    args = parser.parse_args()

    s = mutinf.generate.gaussian(2000, 0.6, seed=1)
    x, y = s.x[:, 0].copy(), s.y[:, 0].copy()
    print(f"N = 2000, rho = 0.6 (truth {s.mi:.4f} nats), median of {args.repeats} calls")
    print("| method | Python call | Rust estimator | overhead |")
    print("|---|---|---|---|")
    for method in ("infonet", "ksg", "kde", "hist"):
        mutinf.estimate(x, y, method=method)  # load and cache the estimator
        wall = median_time(lambda: mutinf.estimate(x, y, method=method), args.repeats)
        inner = statistics.median(mutinf.estimate(x, y, method=method).seconds for _ in range(args.repeats))
        print(f"| {method} | {wall * 1e3:.3f} ms | {inner * 1e3:.3f} ms | {wall - inner:+.4f} s = {100 * (wall - inner) / inner:+.1f} % |")

    print("\nKSG, k = 3, same arrays (values in nats)")
    print("| implementation | N | time | value |")
    print("|---|---|---|---|")
    for n in (2000, 10000):
        s = mutinf.generate.gaussian(n, 0.6, seed=2)
        a, b = s.x[:, 0].copy(), s.y[:, 0].copy()
        ours = mutinf.estimate(a, b, method="ksg", k=3).mi
        t = median_time(lambda: mutinf.estimate(a, b, method="ksg", k=3), max(5, args.repeats // 5))
        print(f"| mutinf | {n} | {t * 1e3:.2f} ms | {ours:.4f} |")
        try:
            from sklearn.feature_selection import mutual_info_regression

            theirs = mutual_info_regression(a[:, None], b, n_neighbors=3, random_state=0)[0]
            t2 = median_time(lambda: mutual_info_regression(a[:, None], b, n_neighbors=3, random_state=0), max(5, args.repeats // 5))
            print(f"| scikit-learn | {n} | {t2 * 1e3:.2f} ms ({t2 / t:.1f}x ours) | {theirs:.4f} |")
        except ImportError:
            print("| scikit-learn | - | not installed | - |")
        try:
            import npeet_plus

            aa, bb = a[:, None].tolist(), b[:, None].tolist()
            value = npeet_plus.mi(aa, bb, k=3, base=np.e)
            t3 = median_time(lambda: npeet_plus.mi(aa, bb, k=3, base=np.e), 3)
            print(f"| NPEET (npeet-plus) | {n} | {t3 * 1e3:.2f} ms ({t3 / t:.1f}x ours) | {value:.4f} |")
        except ImportError:
            print("| NPEET | - | not installed | - |")

    print("\nOne estimate at N = 1,000,000 (rho = 0.6): Python vs the CLI on the same data")
    s = mutinf.generate.gaussian(1_000_000, 0.6, seed=3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.npy"
        np.save(path, np.hstack([s.x, s.y]))
        for method in ("infonet", "ksg"):
            start = time.perf_counter()
            e = mutinf.estimate(s.x, s.y, method=method)
            wall = time.perf_counter() - start
            start = time.perf_counter()
            out = subprocess.run([args.cli, "estimate", str(path), "--method", method, "--format", "json"],
                                 capture_output=True, text=True, check=True)
            cli_wall = time.perf_counter() - start
            cli = json.loads(out.stdout)
            print(f"{method}: Python call {wall:.3f} s ({e.seconds:.3f} s inside the estimator), mi {e.mi:.4f}; "
                  f"CLI process {cli_wall:.3f} s (estimator {cli['seconds']:.3f} s), mi {cli['mi']:.4f}")


if __name__ == "__main__":
    main()
