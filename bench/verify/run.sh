#!/usr/bin/env bash
# run.sh URL [THREADS=0: a thread per connection, serve's default; N: a pool of N workers] [SECONDS] — the verification benchmark end to end:
# prepare (bench_verify), then wrk on loopback for yes/no verifications with
# pre-issued consents and for consent issuance. Load persons first with
# build/bench/registry/gen_persons URL 1000000. CONNS: wrk's connections (32);
# SERVER_LOG: a path to keep the server's log at. CONSENTS: pre-issued (200,000:
# each wrk thread replays its half once, and past ~10,000/s for 10 s 100,000 ran out).
# IN_PLACE=1: run on the SQLite file itself. By default the run works on a
# copy, removed afterwards: each run adds ~200,000 consents, their SMS,
# verifications, ledger and audit rows (250-500 MB), and a file that grows
# run after run past the page cache makes runs disk-bound and incomparable
# (docs/benchmarks.md).
set -euo pipefail
url=$1 threads=${2:-0} secs=${3:-10} conns=${CONNS:-32}
here=$(cd "$(dirname "$0")" && pwd)
bin=${BENCH_VERIFY:-$here/../../build/bench/verify/bench_verify}
dir=$(mktemp -d /tmp/bench-verify-XXXXXX)
pid=""
trap 'if [ -n "$pid" ]; then kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; fi; rm -rf "$dir"' EXIT
# This VM gives the page cache back between runs (buff/cache seen falling
# from 7 to 2 GiB): read the database file once, so that every run starts
# with it cached and runs compare.
case $url in
sqlite:*)
  if [ "${IN_PLACE:-0}" = 1 ]; then
    cat "${url#sqlite:}" >/dev/null
  else
    # The loaded file has no WAL once its server stopped; refuse one that has.
    src=${url#sqlite:}
    [ ! -s "$src-wal" ] || { echo "run.sh: $src-wal is not empty: stop its server first" >&2; exit 1; }
    cp "$src" "$dir/db"
    url=sqlite:$dir/db
  fi ;;
esac
port=$((20000 + RANDOM % 20000))
"$bin" "$url" "$dir" --consents "${CONSENTS:-200000}" --threads "$threads" --port "$port" </dev/null >"$dir/server.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do grep -q '^ready' "$dir/server.log" && break; sleep 1; done
grep -v '^20' "$dir/server.log"
# One wrk run, then what the server wrote and read meanwhile (write and
# read calls: WAL frames and the checkpointer's copies, pages outside the
# connections' caches), per request.
server_io() { awk '/^wchar/{w=$2} /^rchar/{r=$2} END{print w, r}' /proc/$pid/io; }
phase() { # label lines-file
  local w0 r0 w1 r1 n
  read -r w0 r0 < <(server_io)
  echo "== $1, wrk -t2 -c$conns -d${secs}s"
  wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$here/signed.lua" "http://127.0.0.1:$port" -- "$2" 2 | tee "$dir/wrk.out"
  read -r w1 r1 < <(server_io)
  n=$(awk '/requests in/{print $1}' "$dir/wrk.out")
  awk -v w=$((w1 - w0)) -v r=$((r1 - r0)) -v n="${n:-0}" 'BEGIN {
    printf "server I/O: wrote %.0f MB, read %.0f MB (%.1f KiB written, %.1f KiB read per request)\n",
      w / 1e6, r / 1e6, n ? w / n / 1024 : 0, n ? r / n / 1024 : 0 }'
}
phase "yesno verifications (pre-issued consents)" "$dir/yesno.txt"
phase "consent issuance" "$dir/consent.txt"
kill $pid; wait $pid 2>/dev/null || true
pid=""
grep -v '^20' "$dir/server.log" | tail -2
[ -z "${SERVER_LOG:-}" ] || cp "$dir/server.log" "$SERVER_LOG"
