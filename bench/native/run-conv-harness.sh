#!/usr/bin/env bash
# Builds bench/native/conv_harness.c against the oneDNN jdnn uses (the headers, libdnnl.so.3 and libgomp.so.1 it
# extracts into its cache) and runs it on bench/native/conv-layers.txt with the same OpenMP settings as jdnn.
#   bench/native/run-conv-harness.sh [--layers resnet50|vgg16|all|NAME,...] [--batch N] [--warmup S] [--time S | --iterations N]
#   bench/native/run-conv-harness.sh --build-only      # just compile; prints the binary's path
# Environment: OMP_NUM_THREADS (default 2); GOMP_SPINCOUNT=10000 unless GOMP_SPINCOUNT or OMP_WAIT_POLICY is set,
# as jdnn does (DnnlLibrary); JDNN_CC (default gcc).
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
root=$(cd "$here/../.." && pwd)
cache_base=${XDG_CACHE_HOME:-$HOME/.cache}/jdnn

find_dnnl() { # the newest dnnl-3.11.0-* cache directory holding everything the harness needs
  local dir
  for dir in $(ls -dt "$cache_base"/dnnl-3.11.0-* 2>/dev/null); do
    if [[ -f "$dir/libdnnl.so.3" && -f "$dir/libgomp.so.1" && -f "$dir/include/oneapi/dnnl/dnnl.h" ]]; then
      echo "$dir"; return
    fi
  done
}

dnnl=$(find_dnnl)
if [[ -z "$dnnl" ]]; then
  echo "run-conv-harness: no oneDNN in $cache_base yet; running ./jdnn doctor once to extract it" >&2
  "$root/jdnn" doctor >&2 || true
  dnnl=$(find_dnnl)
  if [[ -z "$dnnl" ]]; then
    echo "run-conv-harness: still no $cache_base/dnnl-3.11.0-*/ with libdnnl.so.3, libgomp.so.1 and include/;" \
      "see ./jdnn doctor" >&2
    exit 1
  fi
fi

binary="$root/bench/target/native/conv_harness"
if [[ ! -x "$binary" || "$here/conv_harness.c" -nt "$binary" || "$0" -nt "$binary" ]]; then
  mkdir -p "$(dirname "$binary")"
  # The cached libraries are named by soname only (libdnnl.so.3), so they are linked by path; rpath finds them at run time.
  "${JDNN_CC:-gcc}" -O2 -std=c11 -Wall -Wextra -o "$binary" "$here/conv_harness.c" -I"$dnnl/include" \
    "$dnnl/libdnnl.so.3" "$dnnl/libgomp.so.1" -lm -Wl,-rpath,"$dnnl"
fi
if [[ "${1:-}" == "--build-only" ]]; then
  echo "$binary"
  exit 0
fi

export OMP_NUM_THREADS=${OMP_NUM_THREADS:-2}
if [[ -z "${GOMP_SPINCOUNT:-}" && -z "${OMP_WAIT_POLICY:-}" ]]; then
  export GOMP_SPINCOUNT=10000
fi
exec "$binary" "$here/conv-layers.txt" "$@"
