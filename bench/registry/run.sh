#!/usr/bin/env bash
# bench/registry/run.sh [N] — load N synthetic persons (default 1,000,000)
# and measure, under wrk on loopback, GET /api/v1/persons/{id} and a name
# search, on SQLite and on a private PostgreSQL server. Prints figures; never
# asserts. BACKENDS="sqlite postgres" selects; DURATION=20 seconds per run.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-1000000}
DURATION=${DURATION:-20}
BACKENDS=${BACKENDS:-"sqlite postgres"}
CONNS=${CONNS:-32}
command -v wrk >/dev/null || scripts/deps --test
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSH_TESTS=OFF >/dev/null
cmake --build build-bench -j"$(nproc)" >/dev/null
bin=build-bench/src/shanakht
gen=build-bench/bench/registry/gen_persons
work=$(mktemp -d /tmp/shanakht-bench-XXXXXX)
pid=""
cleanup() {
  [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true
  [ -d "$work/pg/data" ] && tests/support/pg_server.sh stop "$work/pg" auto >/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
export SHANAKHT_ADMIN_PASSWORD=bench-load-password-1
export SHANAKHT_SHARED_DATA=${SHANAKHT_SHARED_DATA:-$(cd .. && pwd)/shared/data}

sql() { # backend url query
  if [ "$1" = sqlite ]; then sqlite3 "${2#sqlite:}" "$3"; else psql -qtA "$2" -c "$3"; fi
}

echo "bench/registry: N=$N persons, wrk ${DURATION}s, $CONNS connections, $(nproc) cores"
for backend in $BACKENDS; do
  if [ "$backend" = sqlite ]; then
    url="sqlite:$work/sqlite/db"
  else
    tests/support/pg_server.sh start "$work/pg" auto >/dev/null
    base=$(cat "$work/pg/url"); url="${base%/postgres}/bench"
    psql -qtA "$base" -c "CREATE DATABASE bench" >/dev/null
  fi
  "$bin" init --db "$url" --keys "$work/keys-$backend" --var "$work/var-$backend" >/dev/null
  load=$("$gen" "$url" "$N" --batch 2000 | tail -1)
  echo "$backend load: $load"
  sql $backend "$url" "SELECT id_number FROM persons ORDER BY random() LIMIT 100000" >"$work/ids.txt"
  sql $backend "$url" "SELECT replace(name_en, ' ', '%20') FROM persons ORDER BY random() LIMIT 20000" >"$work/names.txt"
  "$bin" serve --db "$url" --keys "$work/keys-$backend" --var "$work/var-$backend" \
    --listen 127.0.0.1:0 --pool 16 --threads 16 >"$work/serve.out" 2>"$work/serve.err" &
  pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$work/serve.out"); [ -n "$port" ] && break; sleep 0.2
  done
  token=$(curl -s "http://127.0.0.1:$port/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$SHANAKHT_ADMIN_PASSWORD\"}" | sed -n 's/.*"token":"\([^"]*\)".*/\1/p')
  export SHANAKHT_TOKEN=$token SHANAKHT_IDS=$work/ids.txt SHANAKHT_NAMES=$work/names.txt
  read_line=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s bench/registry/get_person.lua \
    "http://127.0.0.1:$port" | grep '^bench:')
  echo "$backend GET person: $read_line"
  search_line=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s bench/registry/search.lua \
    "http://127.0.0.1:$port" | grep '^bench:')
  echo "$backend search:     $search_line"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
