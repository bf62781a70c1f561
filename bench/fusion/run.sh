#!/usr/bin/env bash
# bench/fusion/run.sh — fingerprint + iris fusion on chimeric persons:
# scores every FVC2002 DB1-4_B pair (`shanakht fp bench --scores`) and every
# IITD pair (`shanakht iris bench --scores`), then fuses them on persons
# made of one finger and one iris, assigned at random (seed 2026 unless
# FUSION_SEED is set). Last line:
#   fusion-bench: eer=<percent> fnmr_at_fmr_0.01=<percent> best_single_eer=<percent> ...
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="${BUILD_DIR:-build}"
if [ ! -x "$build/src/shanakht" ] || [ ! -x "$build/bench/fusion/fusion_bench" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j2 --target shanakht fusion_bench >/dev/null
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
fvc="../shared/data/fingerprints/fvc2002"
"$build/src/shanakht" fp bench "$fvc/DB1_B" "$fvc/DB2_B" "$fvc/DB3_B" "$fvc/DB4_B" \
	--scores "$tmp/fp.tsv" >/dev/null
"$build/src/shanakht" iris bench ../shared/data/iris/iitd --gallery 1000 --probes 1 \
	--scores "$tmp/iris.tsv" >/dev/null 2>&1
"$build/bench/fusion/fusion_bench" "$tmp/fp.tsv" "$tmp/iris.tsv" --seed "${FUSION_SEED:-2026}"
