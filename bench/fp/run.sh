#!/usr/bin/env bash
# bench/fp/run.sh — fingerprint engine benchmarks: the FVC-B all-pairs
# accuracy/speed benchmark on FVC2002 DB1-4_B (BioLab, University of
# Bologna) and the 1:N search throughput program. Builds if needed; run from
# anywhere (paths are taken from the repository root).
#   bench/fp/run.sh [--scores FILE] [--threads N]   (extra args go to fp_bench)
#   FP_GALLERY=N FP_PROBES=P  size the 1:N run (defaults 20000, 20)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="${BUILD_DIR:-build}"
if [ ! -x "$build/bench/fp/fp_bench" ] || [ ! -x "$build/bench/fp/fp_search_bench" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j2 --target fp_bench fp_search_bench >/dev/null
fi
data="../shared/data/fingerprints/fvc2002"
echo "== 1:N search throughput (synthetic gallery, planted mates)"
"$build/bench/fp/fp_search_bench" --gallery "${FP_GALLERY:-20000}" --probes "${FP_PROBES:-20}"
echo
echo "== FVC-B all pairs"
"$build/bench/fp/fp_bench" "$data/DB1_B" "$data/DB2_B" "$data/DB3_B" "$data/DB4_B" "$@"
