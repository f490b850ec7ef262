#!/usr/bin/env bash
# KSG (algorithm 1, k = 3) of the Python tools users know, next to `mutinf estimate --method ksg`,
# on the same generated CSV files: values, milliseconds per estimate and the time ratio.
# Supersedes scripts/compare_sklearn.sh (which stays for its no-noise `_compute_mi_cc` check).
#
#   scripts/compare_peers.sh                 # builds what it needs, prints a Markdown table
#   SIZES="2000 10000" REPEATS=5 VENV=... MUTINF_BIN=... scripts/compare_peers.sh
#
# Peers (each skipped with a note when it cannot be installed from PyPI):
# - scikit-learn `mutual_info_regression(x[:, None], y, n_neighbors=3, random_state=0)`:
#   scales each column by its std, adds 1e-10 noise, clips negatives to 0;
# - NPEET: the original (github gregversteeg/NPEET) is not on PyPI; its maintained fork
#   `npeet-plus` is, with the same `mi(x, y, k)` (KD-tree in the max norm, 1e-10 noise, no
#   scaling); we pass std-scaled columns and base e so it computes what the others do;
# - ennemi `estimate_mi(y, x, k=3)` (scales to unit variance, adds tiny noise; multithreaded).
# Ours: `mutinf estimate FILE --method ksg --k 3 --format json` (std-scaled, no noise, no clip);
# our time is the estimator's own `seconds` (CSV parsing excluded, as the peers' timers exclude
# loading). Every time is the median of REPEATS calls. ratio = peer ms / our ms.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
VENV=${VENV:-$ROOT/target/peers-venv}
DATA=$ROOT/target/compare-peers
REPEATS=${REPEATS:-5}
SIZES=${SIZES:-"2000 10000 100000"}
MUTINF=${MUTINF_BIN:-$ROOT/target/release/mutinf}

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet scikit-learn numpy
    "$VENV/bin/pip" install --quiet npeet-plus || echo "note: npeet-plus could not be installed; NPEET column skipped" >&2
    "$VENV/bin/pip" install --quiet ennemi || echo "note: ennemi could not be installed; its column skipped" >&2
fi
if [ ! -x "$MUTINF" ]; then
    cargo build --release -p mutinf-cli >&2
fi
mkdir -p "$DATA"

exec "$VENV/bin/python" - "$DATA" "$MUTINF" "$REPEATS" $SIZES <<'PYEOF'
import json, os, platform, statistics, subprocess, sys, time, warnings
import numpy as np
warnings.filterwarnings("ignore")
out, mutinf, repeats, sizes = sys.argv[1], sys.argv[2], int(sys.argv[3]), [int(s) for s in sys.argv[4:]]

def save(name, x, y):
    path = f"{out}/{name}.csv"
    if not os.path.exists(path):
        np.savetxt(path, np.column_stack([x, y]), fmt="%.17g", delimiter=",", header="x,y", comments="")
    return path

files = []
for n in sizes:
    for rho in (0.5, 0.9):
        rng = np.random.default_rng(int(n + 100 * rho))
        a, b = rng.standard_normal(n), rng.standard_normal(n)
        files.append(save(f"gauss_rho{rho}_n{n}", a, rho * a + np.sqrt(1 - rho * rho) * b))
rng = np.random.default_rng(7)
x = rng.standard_cauchy(10000)
files.append(save("cauchy_n10000", x, x + rng.standard_cauchy(10000)))

def median_ms(f):
    times, value = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        value = f()
        times.append(time.perf_counter() - t)
    return float(value), statistics.median(times) * 1e3

peers = {}
from sklearn.feature_selection import mutual_info_regression
peers["scikit-learn"] = lambda x, y: mutual_info_regression(x.reshape(-1, 1), y, n_neighbors=3, random_state=0)[0]
try:
    import npeet_plus
    peers["NPEET (npeet-plus)"] = lambda x, y: npeet_plus.mi((x / x.std()).reshape(-1, 1), (y / y.std()).reshape(-1, 1), k=3, base=np.e)
except ImportError:
    print("note: NPEET not installed; column skipped", file=sys.stderr)
try:
    import ennemi
    peers["ennemi"] = lambda x, y: ennemi.estimate_mi(y, x, k=3)[0][0]
except ImportError:
    print("note: ennemi not installed; column skipped", file=sys.stderr)

def ours(path):
    rows = []
    for _ in range(repeats):
        r = subprocess.run([mutinf, "estimate", path, "--method", "ksg", "--k", "3", "--format", "json"], capture_output=True, text=True, check=True)
        rows.append(json.loads(r.stdout))
    return rows[-1]["mi"], statistics.median(r["seconds"] for r in rows) * 1e3

names = list(peers)
head = ["file", "N", "mutinf", "mutinf ms"]
for p in names:
    head += [p, f"{p} ms", f"{p} / mutinf time"]
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor()) if os.path.exists("/proc/cpuinfo") else platform.processor()
print(f"KSG k = 3 (nats), median of {repeats} calls; {cpu}, {os.cpu_count()} logical cores; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n")
print("| " + " | ".join(head) + " |")
print("|---|" + "---:|" * (len(head) - 1))
for path in files:
    d = np.loadtxt(path, delimiter=",", skiprows=1)
    x, y = d[:, 0].copy(), d[:, 1].copy()
    mi, ms = ours(path)
    row = [os.path.basename(path)[:-4], str(len(x)), f"{mi:.4f}", f"{ms:.2f}"]
    for p in names:
        v, pms = median_ms(lambda: peers[p](x, y))
        row += [f"{v:.4f}", f"{pms:.1f}", f"{pms / ms:.0f}x"]
    print("| " + " | ".join(row) + " |", flush=True)
PYEOF
