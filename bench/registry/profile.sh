#!/usr/bin/env bash
# bench/registry/profile.sh [N] [REQS] — instruction counts per GET person:
# loads N persons (default 20,000) into SQLite, serves under callgrind, logs
# in once, sends REQS (default 500) GETs with curl (one connection, keep-alive),
# stops the server and prints callgrind_annotate --inclusive output for the
# request path. BUILD=dir picks the build tree (default build-bench, Release).
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/registry/serve_wait.sh
N=${1:-20000}
REQS=${2:-500}
BUILD=${BUILD:-build-bench}
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSH_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j"$(nproc)" >/dev/null
bin=$BUILD/src/shanakht
work=${WORK:-$(mktemp -d /tmp/shanakht-prof-XXXXXX)}
export SHANAKHT_ADMIN_PASSWORD=bench-load-password-1
export SHANAKHT_SHARED_DATA=${SHANAKHT_SHARED_DATA:-$(cd .. && pwd)/shared/data}
url="sqlite:$work/db"
if [ ! -f "$work/db" ]; then
  "$bin" init --db "$url" --keys "$work/keys" --var "$work/var" >/dev/null
  "$BUILD/bench/registry/gen_persons" "$url" "$N" --batch 2000 | tail -1
fi
sqlite3 "$work/db" "SELECT id_number FROM persons ORDER BY random() LIMIT $REQS" >"$work/ids.txt"
rm -f "$work"/callgrind.out.*
valgrind --tool=callgrind --callgrind-out-file="$work/callgrind.out.%p" \
  "$bin" serve --db "$url" --keys "$work/keys" --var "$work/var" --listen 127.0.0.1:0 \
  ${SERVE_ARGS:-} >"$work/serve.out" 2>"$work/serve.err" &
pid=$!
port=$(serve_port "$work/serve.out" 300)
token=$(admin_token "$port")
args=()
while read -r id; do args+=(-o /dev/null "http://127.0.0.1:$port/api/v1/persons/$id"); done <"$work/ids.txt"
curl -s -f -H "Authorization: Bearer $token" "${args[@]}"
sleep 2 # let the audit writer drain
kill -INT "$pid"; wait "$pid" || true
out=$(ls "$work"/callgrind.out.* | head -1)
echo "work=$work requests=$REQS"
callgrind_annotate --inclusive=yes "$out" 2>/dev/null | head -60
