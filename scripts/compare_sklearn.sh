#!/usr/bin/env bash
# Side-by-side KSG (algorithm 1, k = 3) of scikit-learn and mutinf on the same CSV files.
#
#   scripts/compare_sklearn.sh            # builds what it needs, prints the table
#   KEEP_DATA=1 / SIZES="2000 10000" / REPEATS=5 / VENV=... to adjust
#
# - builds a venv with scikit-learn + numpy under target/sklearn-venv (once);
# - writes Gaussian (rho 0.5 / 0.9, N 2000 / 10000 / 100000) and Cauchy-tailed CSVs with
#   17 significant digits (both sides read identical doubles) into target/compare-sklearn/;
# - scikit-learn: `mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3,
#   random_state=0)`, which scales by the std and adds 1e-10 noise (there is no parameter
#   to turn the noise off), and the same computation without the noise through its private
#   `_compute_mi_cc` on the scaled columns (like ours: no noise). Both clip negative values
#   to 0; we do not.
# - mutinf: `target/release/mutinf estimate FILE --method ksg --k 3 --format json` when that
#   binary exists, else the library example `ksg_file` (single-threaded). Our time is the
#   estimator's own `seconds` (no CSV parsing); scikit-learn's is the wall time of the call.
#   Both: median of REPEATS runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/target/sklearn-venv}
DATA=$ROOT/target/compare-sklearn
REPEATS=${REPEATS:-5}
SIZES=${SIZES:-"2000 10000 100000"}

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet scikit-learn numpy
fi
PY=$VENV/bin/python
mkdir -p "$DATA"

"$PY" - "$DATA" $SIZES <<'PYEOF'
import sys, numpy as np
out, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
def save(name, x, y):
    np.savetxt(f"{out}/{name}.csv", np.column_stack([x, y]), fmt="%.17g", delimiter=",", header="x,y", comments="")
for n in sizes:
    for rho in (0.5, 0.9):
        rng = np.random.default_rng(int(n + 100 * rho))
        a, b = rng.standard_normal(n), rng.standard_normal(n)
        save(f"gauss_rho{rho}_n{n}", a, rho * a + np.sqrt(1 - rho * rho) * b)
rng = np.random.default_rng(7)
n = 10000
x = rng.standard_cauchy(n)
save(f"cauchy_n{n}", x, x + rng.standard_cauchy(n))
PYEOF

# Our binary: the CLI if built, else the example.
MUTINF=${MUTINF_BIN:-$ROOT/target/release/mutinf}
if [ ! -x "$MUTINF" ]; then
    cargo build --release -p mutinf-estimators --example ksg_file >/dev/null 2>&1 || true
fi
EXAMPLE=$ROOT/target/release/examples/ksg_file

ours() { # prints "mi ms"
    local f=$1
    if [ -x "$MUTINF" ]; then
        local best=""
        for _ in $(seq "$REPEATS"); do
            "$MUTINF" estimate "$f" --method ksg --k 3 --format json
        done | "$PY" -c '
import sys, json, statistics
rows = [json.loads(l) for l in sys.stdin if l.strip().startswith("{")]
last = rows[-1]["mi"]
median_ms = statistics.median(r["seconds"] for r in rows) * 1e3
print("%.12f %.3f" % (last, median_ms))'
    else
        "$EXAMPLE" "$f" 3 "$REPEATS" | sed -E 's/mi=([^ ]+) ms=([^ ]+).*/\1 \2/'
    fi
}

printf '%-26s %7s %12s %12s %12s %10s %10s %9s %8s\n' file N sk_noise sk_nonoise mutinf "|diff|" sk_ms ours_ms speedup
for f in "$DATA"/*.csv; do
    name=$(basename "$f" .csv)
    read -r sk_noise sk_clean sk_ms < <("$PY" - "$f" "$REPEATS" <<'PYEOF'
import sys, time, statistics, numpy as np, warnings
warnings.filterwarnings("ignore")
from sklearn.feature_selection import mutual_info_regression
from sklearn.feature_selection._mutual_info import _compute_mi_cc
from sklearn.preprocessing import scale
d = np.loadtxt(sys.argv[1], delimiter=",", skiprows=1)
x, y = d[:, 0], d[:, 1]
times = []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    noisy = mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3, random_state=0)[0]
    times.append(time.perf_counter() - t)
clean = _compute_mi_cc(scale(x, with_mean=False), scale(y, with_mean=False), 3)
print(f"{noisy:.12f} {clean:.12f} {statistics.median(times) * 1e3:.3f}")
PYEOF
)
    read -r mi ms < <(ours "$f")
    n=$(($(wc -l < "$f") - 1))
    "$PY" -c "
sk_noise, sk_clean, mi, sk_ms, ms = $sk_noise, $sk_clean, $mi, $sk_ms, $ms
print(f'{\"$name\":<26} {$n:>7} {sk_noise:12.8f} {sk_clean:12.8f} {mi:12.8f} {abs(max(mi, 0.0) - sk_clean):10.2e} {sk_ms:10.2f} {ms:9.3f} {sk_ms / ms:7.1f}x')"
done
