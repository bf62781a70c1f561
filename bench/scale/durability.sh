#!/usr/bin/env bash
# bench/scale/durability.sh [CYCLES] [BACKEND...] — the kill loop of
# tests/durability/test_kill_loop.c run long (issue 21 item 3): CYCLES
# (default 1000) SIGKILLs of the server under a mixed write load (persons,
# births, consents, fingerprint enrolments), on each BACKEND (default: sqlite
# postgres; on postgres every other cycle also SIGKILLs the PostgreSQL
# server). Every acknowledged write is read back after each restart and the
# audit log is verified at the end. Needs a built tree (build/, or $BUILD).
# Prints one "durability: ..." line per backend (lost= must be 0).
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$(pwd)
build=${BUILD:-build}
cycles=${1:-1000}
shift || true
backends=("$@")
[ ${#backends[@]} -gt 0 ] || backends=(sqlite postgres)
exe=$build/tests/durability_test_kill_loop
[ -x "$exe" ] || { echo "durability: build first ($exe missing)" >&2; exit 1; }
echo "durability: load average $(cut -d' ' -f1-3 /proc/loadavg)"
status=0
for b in "${backends[@]}"; do
  SHANAKHT_BIN=$build/src/shanakht SHANAKHT_SOURCE_DIR=$src \
    SHANAKHT_SHARED_DATA=$src/../shared/data SHANAKHT_TEST_BACKEND=$b \
    SHANAKHT_DURABILITY_CYCLES=$cycles CRITERION_NO_EARLY_EXIT=1 \
    "$exe" --jobs 1 --filter 'durability/kill_loop' 2>&1 | tee "/tmp/durability-$b.log" | grep -E '^durability:|LOST|assert|FAIL' || true
  grep -q 'lost=0 audit_verify=ok' "/tmp/durability-$b.log" || status=1
done
echo "durability: load average $(cut -d' ' -f1-3 /proc/loadavg)"
exit $status
