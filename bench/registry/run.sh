#!/usr/bin/env bash
# bench/registry/run.sh [N] — N synthetic persons (default 1,000,000) and,
# under wrk on loopback, GET /api/v1/persons/{id} and a name search, on
# SQLite and on a private PostgreSQL server. Prints figures; never asserts.
#
# The databases live in WORK (default /tmp/bench-1m) and are reused: a
# backend is loaded only when WORK has no database for it yet (the load rate
# is then printed and kept in WORK/load-BACKEND.log). Each run adds one audit
# entry per GET, as the server always does.
#
# Environment: BACKENDS="sqlite postgres"; DURATION=20 (seconds per wrk run);
# CONNS=32; WRK_THREADS=2; SERVE_ARGS (extra `shanakht serve` options, e.g.
# "--threads 4 --pool 8"); BATCH=100 and CACHE_MIB=3072 for the loader
# (persons per transaction: see docs/benchmarks.md on why not 10,000);
# BUILD=build-bench; BIN (a shanakht binary to serve with, default BUILD's).
set -euo pipefail
cd "$(dirname "$0")/../.."
. bench/registry/serve_wait.sh
N=${1:-1000000}
DURATION=${DURATION:-20}
BACKENDS=${BACKENDS:-"sqlite postgres"}
CONNS=${CONNS:-32}
WRK_THREADS=${WRK_THREADS:-2}
BATCH=${BATCH:-100}
CACHE_MIB=${CACHE_MIB:-3072}
BUILD=${BUILD:-build-bench}
WORK=${WORK:-/tmp/bench-1m}
command -v wrk >/dev/null || scripts/deps --test
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSH_TESTS=OFF >/dev/null
cmake --build "$BUILD" -j2 >/dev/null
bin=${BIN:-$BUILD/src/shanakht}
gen=$BUILD/bench/registry/gen_persons
mkdir -p "$WORK"
pid=""
pg_up=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ -n "$pg_up" ]; then tests/support/pg_server.sh stop "$WORK/pg" auto >/dev/null || true; fi
}
trap cleanup EXIT
export SHANAKHT_ADMIN_PASSWORD=bench-load-password-1
export SHANAKHT_SHARED_DATA=${SHANAKHT_SHARED_DATA:-$(cd .. && pwd)/shared/data}

sql() { # backend url query
  if [ "$1" = sqlite ]; then sqlite3 "${2#sqlite:}" "$3"; else psql -qtA "$2" -c "$3"; fi
}

echo "bench/registry: N=$N persons, wrk -t$WRK_THREADS -c$CONNS ${DURATION}s, $(nproc) cores," \
  "serve ${SERVE_ARGS:-(defaults)}, commit $(git rev-parse --short HEAD)"
for backend in $BACKENDS; do
  if [ "$backend" = sqlite ]; then
    url="sqlite:$WORK/sqlite/db"
    fresh=$([ -f "$WORK/sqlite/db" ] && echo 0 || echo 1)
    # This VM gives the page cache back between runs: start each run with
    # the file cached, so that runs compare (bench/verify/run.sh does too).
    [ "$fresh" = 1 ] || cat "$WORK/sqlite/db" >/dev/null
  else
    fresh=$([ -d "$WORK/pg/data" ] && echo 0 || echo 1)
    # Durable commits are not needed for a benchmark, but a crash-unsafe
    # server would flatter it: fsync on, commits flushed by the WAL writer
    # (synchronous_commit=off loses at most the last ~0.6 s, like SQLite's
    # synchronous=NORMAL in WAL mode loses the last commits on power loss).
    PG_EXTRA_OPTS="-c fsync=on -c full_page_writes=on -c shared_buffers=1GB" \
      tests/support/pg_server.sh resume "$WORK/pg" auto >/dev/null
    pg_up=1
    base=$(cat "$WORK/pg/url"); url="${base%/postgres}/bench"
    [ "$fresh" = 1 ] && psql -qtA "$base" -c "CREATE DATABASE bench" >/dev/null
  fi
  if [ "$fresh" = 1 ]; then
    "$bin" init --db "$url" --keys "$WORK/keys-$backend" --var "$WORK/var-$backend" >/dev/null 2>&1
    "$gen" "$url" "$N" --batch "$BATCH" --cache-mib "$CACHE_MIB" | tee "$WORK/load-$backend.log" | tail -1
  fi
  echo "$backend load: $(tail -1 "$WORK/load-$backend.log")"
  if [ ! -s "$WORK/ids-$backend.txt" ]; then
    sql $backend "$url" "SELECT id_number FROM persons ORDER BY random() LIMIT 100000" >"$WORK/ids-$backend.txt"
    sql $backend "$url" "SELECT replace(name_en, ' ', '%20') FROM persons ORDER BY random() LIMIT 20000" >"$WORK/names-$backend.txt"
  fi
  # shellcheck disable=SC2086
  "$bin" serve --db "$url" --keys "$WORK/keys-$backend" --var "$WORK/var-$backend" \
    --listen 127.0.0.1:0 ${SERVE_ARGS:-} >"$WORK/serve.out" 2>"$WORK/serve.err" &
  pid=$!
  port=$(serve_port "$WORK/serve.out" 100)
  token=$(admin_token "$port")
  export SHANAKHT_TOKEN=$token SHANAKHT_IDS=$WORK/ids-$backend.txt SHANAKHT_NAMES=$WORK/names-$backend.txt
  echo "$backend load average before GET: $(cut -d' ' -f1-3 /proc/loadavg)"
  read_line=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s bench/registry/get_person.lua \
    "http://127.0.0.1:$port" | grep '^bench:')
  echo "$backend GET person: $read_line (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
  search_line=$(wrk -t"$WRK_THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s bench/registry/search.lua \
    "http://127.0.0.1:$port" | grep '^bench:')
  echo "$backend search:     $search_line (load average after: $(cut -d' ' -f1-3 /proc/loadavg))"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
  if [ -n "$pg_up" ]; then tests/support/pg_server.sh stop "$WORK/pg" auto >/dev/null; pg_up=""; fi
done
