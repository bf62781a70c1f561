#!/usr/bin/env bash
# bench/linkage/run.sh — record-linkage benchmarks (issue 20): FEBRL
# datasets 1, 2, 4a<->4b and febrl-dsgen (pairwise F1 against the true
# entities), the Urdu/romanized name comparator on the Dakshina lexicon, and
# the scale run (council records against persons, synthetic from the names
# lists). Each linkage run's last line is
#   linkage: f1=<x> precision=<x> recall=<x> records=<n> seconds=<s>
# Builds if needed; run from anywhere.
#   LK_PERSONS=N LK_COUNCIL=M   size the scale run (defaults 1000000 each)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="${BUILD_DIR:-build}"
if [ ! -x "$build/src/shanakht" ] || [ ! -x "$build/bench/linkage/lk_scale_bench" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j2 --target shanakht lk_scale_bench >/dev/null
fi
d=../shared/data/linkage
for set in "febrl/dataset1.csv" "febrl/dataset2.csv" "febrl/dataset4a.csv febrl/dataset4b.csv" \
	   febrl-dsgen/dataset_A_1000.csv febrl-dsgen/dataset_A_2500.csv \
	   febrl-dsgen/dataset_A_5000.csv febrl-dsgen/dataset_A_10000.csv; do
	echo "== $set"
	# shellcheck disable=SC2086
	"$build/src/shanakht" link bench $(for f in $set; do echo "$d/$f"; done)
done
echo "== Urdu / romanized names (Dakshina ur, train split: not used while building the key)"
"$build/src/shanakht" link translit "$d/urdu-translit/ur.translit.sampled.train.tsv"
echo "== scale: council records against persons"
"$build/bench/linkage/lk_scale_bench" --persons "${LK_PERSONS:-1000000}" --council "${LK_COUNCIL:-1000000}"
uptime
