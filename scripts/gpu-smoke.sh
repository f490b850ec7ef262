#!/usr/bin/env bash
# Smoke test of the GPU path (burn-wgpu): one tiny training run and CPU-vs-GPU agreement of
# InfoNet estimates. Works on a real GPU and on Mesa's software Vulkan (lavapipe: slow, the
# first run in a fresh cache spends minutes compiling shaders).
#
#   cargo build --release -p mutinf-cli --features gpu
#   scripts/gpu-smoke.sh [path/to/mutinf]
#
# Fails (exit 1) when training on the GPU produces no checkpoint or a non-finite loss, or when
# an estimate on the GPU differs from the same estimate on the CPU by more than 1e-3 nats.
set -euo pipefail
cd "$(dirname "$0")/.."
MUTINF=${1:-${CARGO_TARGET_DIR:-target}/release/mutinf}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$WORK/xdg}
mkdir -p -m 0700 "$XDG_RUNTIME_DIR"

step() { printf '\n== %s\n' "$*"; }
fail() { echo "gpu-smoke: FAILED: $*" >&2; exit 1; }

step "train configs/infonet-tiny.toml for 3 steps on the GPU"
start=$(date +%s)
"$MUTINF" train --config configs/infonet-tiny.toml --device gpu --steps 3 --out "$WORK/tiny" --quiet
echo "took $(( $(date +%s) - start )) s (includes shader compilation on a cold cache)"
ckpt=$(ls -d "$WORK"/tiny/checkpoints/step-*/model.safetensors 2>/dev/null | tail -1 || true)
[ -n "$ckpt" ] || fail "no checkpoint written"
grep -q '"kind":"train"' "$WORK/tiny/metrics.jsonl" || fail "no training steps logged"
if grep '"kind":"train"' "$WORK/tiny/metrics.jsonl" | grep -qiE '"loss":(null|nan|inf)'; then
    fail "non-finite training loss"
fi

step "the same estimates on CPU and GPU"
"$MUTINF" generate gaussian --rho 0.8 --n 2000 --seed 1 --out "$WORK/g.csv" >/dev/null
mi() { "$MUTINF" estimate "$WORK/g.csv" --format json "$@" | sed -E 's/.*"mi":([-0-9.eE+]+).*/\1/'; }
compare() {
    local label=$1; shift
    local cpu gpu
    cpu=$(mi --device cpu "$@")
    gpu=$(mi --device gpu "$@")
    echo "$label: cpu $cpu  gpu $gpu"
    awk -v a="$cpu" -v b="$gpu" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= 1e-3) }' \
        || fail "$label: CPU and GPU estimates differ by more than 1e-3"
}
compare "embedded checkpoint"
compare "tiny checkpoint trained on the GPU" --checkpoint "$ckpt"
echo
echo "gpu-smoke: OK"
