#!/usr/bin/env bash
# bench/face/run.sh — face engine benchmark: "ORL all pairs" accuracy on the
# AT&T/ORL Database of Faces (AT&T Laboratories Cambridge), per-image CPU
# time, the int8 1:N search rate, and detection on @vladmandic/face-api's
# demo photos. Builds if needed; run from anywhere.
#   bench/face/run.sh [--scores FILE] [--threads N] [--gallery N]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="${BUILD_DIR:-build}"
if [ ! -x "$build/src/shanakht" ]; then
	cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build "$build" -j2 --target shanakht >/dev/null
fi
demo="deps/npm/node_modules/@vladmandic/face-api/demo"
[ -d "$demo" ] || { echo "face bench: $demo missing: run scripts/deps"; exit 1; }
"$build/src/shanakht" face bench ../shared/data/faces/orl --demo "$demo" "$@"
