#!/usr/bin/env bash
# bench/quality/run.sh — registry-quality indicators over a generated store
# (issue 20: "Indicators over 1M persons: all of them in < 10 s").
# quality_gen writes QG_PERSONS persons (default 1000000) into a new SQLite
# store (QG_DB, default /tmp/shanakht-quality-bench.db), then one full
# `shanakht quality run` is timed with /usr/bin/time -v under nice -n 10.
# Last line: quality: persons=<n> millis=<ms> cpu_seconds=<s> load=<1-min avg>
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="${BUILD_DIR:-build}"
n="${QG_PERSONS:-1000000}"
db="${QG_DB:-/tmp/shanakht-quality-bench.db}"
cmake --build "$build" -j2 --target shanakht quality_gen >/dev/null
rm -f "$db" "$db-wal" "$db-shm"
nice -n 10 "$build/bench/quality/quality_gen" "sqlite:$db" "$n" 2>/dev/null
out=$(mktemp)
/usr/bin/time -v nice -n 10 "$build/src/shanakht" quality run --db "sqlite:$db" \
	>"$out" 2>"$out.time"
cat "$out"
grep -E 'Elapsed|User time|System time|Maximum resident' "$out.time"
ms=$(head -1 "$out" | sed -E 's/.*: ([0-9]+) ms.*/\1/')
cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {printf "%.2f", s}' "$out.time")
load=$(cut -d' ' -f1 /proc/loadavg)
rm -f "$out" "$out.time" "$db" "$db-wal" "$db-shm"
echo "quality: persons=$n millis=$ms cpu_seconds=$cpu load=$load"
