#!/usr/bin/env bash
# What calling oneDNN through FFM costs: the same convolution primitives run from C (conv_harness) and from jdnn
# (`jdnn bench conv --backend onednn`), alternating C, jdnn, C, jdnn, ... as whole processes (ROUNDS rounds each),
# on ResNet-50's layers at batch 1; then per layer the median GFLOP/s of each side and jdnn / C, the model's total,
# and the per-run cost on probe.1x1x1 (1 channel, 1×1 image: the time is the calls), whose difference is what FFM
# and jdnn's Java around the calls add per run.
#   bench/native/compare-ffm.sh
# Environment: ROUNDS (3), THREADS (2), LAYERS (resnet50), WARMUP (0.5 s per layer), TIME (1 s per layer).
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
rounds=${ROUNDS:-3}
threads=${THREADS:-2}
layers=${LAYERS:-resnet50}
warmup=${WARMUP:-0.5}
time=${TIME:-1}

# Both sides with the same OpenMP settings (jdnn would set GOMP_SPINCOUNT=10000 itself; set here for both).
export OMP_NUM_THREADS=$threads
if [[ -z "${GOMP_SPINCOUNT:-}" && -z "${OMP_WAIT_POLICY:-}" ]]; then
  export GOMP_SPINCOUNT=10000
fi

"$here/run-conv-harness.sh" --build-only >/dev/null
results=$(mktemp "${TMPDIR:-/tmp}/compare-ffm.XXXXXX")
log=$(mktemp "${TMPDIR:-/tmp}/compare-ffm-log.XXXXXX")
trap 'rm -f "$results" "$log" "$log.out"' EXIT
# Builds the CLI now, not inside the first round.
"$root/jdnn" --version >/dev/null 2>"$log" || { cat "$log" >&2; exit 1; }

# Appends "side layer p50_ms gflops_p50" for every result row of one run's table.
collect() { # side, command...
  local side=$1; shift
  if ! "$@" >"$log.out" 2>"$log"; then
    echo "compare-ffm: failed: $*" >&2
    tail -n 20 "$log" >&2
    exit 1
  fi
  awk -v side="$side" '$3 == "c" || $3 == "onednn" { print side, $1, $5, $7 }' "$log.out" >>"$results"
}

common=(--batch 1 --warmup "$warmup" --time "$time")
for ((round = 1; round <= rounds; round++)); do
  echo "compare-ffm: round $round of $rounds: C harness, then jdnn ($layers, batch 1, $threads threads)" >&2
  collect c "$here/run-conv-harness.sh" --layers "$layers" "${common[@]}"
  collect jdnn "$root/jdnn" bench conv --backend onednn --layers "$layers" --threads "$threads" "${common[@]}"
done
for ((round = 1; round <= rounds; round++)); do
  echo "compare-ffm: probe round $round of $rounds" >&2
  collect probe-c "$here/run-conv-harness.sh" --layers probe.1x1x1 "${common[@]}"
  collect probe-jdnn "$root/jdnn" bench conv --backend onednn --layers probe.1x1x1 --threads "$threads" "${common[@]}"
done

echo "FFM cost: oneDNN's convolution primitives from C vs from jdnn (FFM), same primitives, alternating processes"
echo "layers: $layers, batch 1, $threads threads, $rounds rounds each, warm-up ${warmup} s and ${time} s per layer;" \
  "medians over the rounds of each layer's p50"
awk -v rounds="$rounds" '
  function median(list,   n, v, i, j, t) { # list: space-separated numbers
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  FNR == NR { if ($1 !~ /^#/ && NF >= 13) occurrences[$1] = $3; next } # conv-layers.txt
  {
    key = $1 SUBSEP $2
    ms[key] = ms[key] " " $3; gflops[key] = gflops[key] " " $4; runs[key]++
    if (($1 == "c") && !($2 in seen)) { seen[$2] = 1; order[++count] = $2 }
  }
  END {
    printf "%-32s %5s %12s %12s %8s\n", "layer", "occ.", "C GFLOP/s", "jdnn GFLOP/s", "jdnn/C"
    for (i = 1; i <= count; i++) {
      name = order[i]
      if (!(("jdnn" SUBSEP name) in ms)) continue
      gc = median(gflops["c" SUBSEP name]); gj = median(gflops["jdnn" SUBSEP name])
      tc += occurrences[name] * median(ms["c" SUBSEP name]); tj += occurrences[name] * median(ms["jdnn" SUBSEP name])
      printf "%-32s %5d %12.1f %12.1f %8.3f\n", name, occurrences[name], gc, gj, gj / gc
    }
    printf "total, each layer as often as the model runs it: C %.3f ms, jdnn %.3f ms; jdnn/C %.3f\n", tc, tj, tc / tj
    pc = median(ms["probe-c" SUBSEP "probe.1x1x1"]) * 1000; pj = median(ms["probe-jdnn" SUBSEP "probe.1x1x1"]) * 1000
    printf "per run on probe.1x1x1 (2 primitive executes, 4 data-handle sets, 1 stream wait): C %.2f us, jdnn %.2f us;" \
      " FFM + Java cost %.2f us per run\n", pc, pj, pj - pc
  }' "$here/conv-layers.txt" "$results"
