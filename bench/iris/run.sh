#!/usr/bin/env bash
# bench/iris/run.sh — iris engine benchmarks: the 1:N popcount search
# throughput on a synthetic gallery, then the "IITD all pairs" accuracy
# benchmark on ../shared/data/iris/iitd (IIT Delhi Iris Database v1.0;
# portions of the work tested on the IITD Iris Database version 1.0),
# whose last line is the issue's
#   iris-bench: eer=<percent> fnmr_at_fmr_0.01=<percent> comparisons_per_s_per_core=<n>
# Builds if needed; run from anywhere.
#   bench/iris/run.sh [--scores FILE]        (extra args go to iris bench)
#   IRIS_GALLERY=N IRIS_PROBES=P  size the synthetic 1:N run (defaults 200000, 10; 512 bytes a code)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="${BUILD_DIR:-build}"
if [ ! -x "$build/src/shanakht" ] || [ ! -x "$build/bench/iris/iris_search_bench" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j2 --target shanakht iris_search_bench >/dev/null
fi
echo "== 1:N search throughput (synthetic gallery, planted mates)"
"$build/bench/iris/iris_search_bench" --gallery "${IRIS_GALLERY:-200000}" --probes "${IRIS_PROBES:-10}"
echo
echo "== IITD all pairs"
"$build/src/shanakht" iris bench ../shared/data/iris/iitd "$@"
