#!/usr/bin/env bash
# GPU numbers for the README/BENCHMARKS: training step time of the small and paper configs and
# InfoNet inference time per pair for batches up to 1024, on the wgpu backend.
#
#   cargo build --release -p mutinf-cli --features gpu
#   scripts/gpu-bench.sh [path/to/mutinf] [out-dir]
#
# Step time: the median wall time of the training steps after the first five (those include
# shader compilation and autotuning), read from the run's metrics.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
MUTINF=${1:-${CARGO_TARGET_DIR:-target}/release/mutinf}
OUT=${2:-gpu-bench-out}
SMALL_STEPS=${SMALL_STEPS:-40}
PAPER_STEPS=${PAPER_STEPS:-12}
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK/xdg}
mkdir -p -m 0700 "$XDG_RUNTIME_DIR"

step_time() { # metrics.jsonl → "median s/step, steps/s, samples/step"
    python3 - "$1" <<'EOF'
import json, statistics, sys
rows = [json.loads(l)["report"] for l in open(sys.argv[1]) if '"kind":"train"' in l]
rows = [r for r in rows if r["step"] > 5] or rows
t = statistics.median(r["seconds"] for r in rows)
print(f"{t:.4f} s/step ({1 / t:.2f} steps/s) over {len(rows)} steps, "
      f"mean N {statistics.mean(r['samples'] for r in rows):.0f}")
EOF
}

for config in small paper; do
    steps=$SMALL_STEPS
    [ "$config" = paper ] && steps=$PAPER_STEPS
    echo "== train configs/infonet-$config.toml for $steps steps on the GPU"
    start=$(date +%s)
    if "$MUTINF" train --config "configs/infonet-$config.toml" --device gpu --steps "$steps" --out "$WORK/$config" --quiet; then
        echo "wall $(( $(date +%s) - start )) s in all; step time: $(step_time "$WORK/$config/metrics.jsonl")" \
            | tee "$OUT/train-$config.txt"
    else
        echo "training configs/infonet-$config.toml FAILED (see above)" | tee "$OUT/train-$config.txt"
    fi
done

echo "== InfoNet inference on the GPU (embedded checkpoint)"
"$MUTINF" bench timing --device gpu --methods infonet --infonet-batches "${BATCHES:-1,64,1024}" \
    --sizes "${SIZES:-200,2000,5000}" --repeats 3 --no-progress --out "$OUT/timing"
cat "$OUT"/timing/*.md
