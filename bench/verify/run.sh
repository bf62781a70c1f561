#!/usr/bin/env bash
# run.sh URL [THREADS=32, serve's default on 2 cores] [SECONDS] — the verification benchmark end to end:
# prepare (bench_verify), then wrk on loopback for yes/no verifications with
# pre-issued consents and for consent issuance. Load persons first with
# build/bench/registry/gen_persons URL 1000000. CONNS: wrk's connections (32);
# SERVER_LOG: a path to keep the server's log at. CONSENTS: pre-issued (200,000:
# each wrk thread replays its half once, and past ~10,000/s for 10 s 100,000 ran out).
set -euo pipefail
url=$1 threads=${2:-32} secs=${3:-10} conns=${CONNS:-32}
here=$(cd "$(dirname "$0")" && pwd)
bin=${BENCH_VERIFY:-$here/../../build/bench/verify/bench_verify}
dir=$(mktemp -d /tmp/bench-verify-XXXXXX)
# This VM gives the page cache back between runs (buff/cache seen falling
# from 7 to 2 GiB): read the database file once, so that every run starts
# with it cached and runs compare.
case $url in sqlite:*) cat "${url#sqlite:}" >/dev/null ;; esac
port=$((20000 + RANDOM % 20000))
"$bin" "$url" "$dir" --consents "${CONSENTS:-200000}" --threads "$threads" --port "$port" </dev/null >"$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do grep -q '^ready' "$dir/server.log" && break; sleep 1; done
grep -v '^20' "$dir/server.log"
echo "== yesno verifications (pre-issued consents), wrk -t2 -c$conns -d${secs}s"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$here/signed.lua" "http://127.0.0.1:$port" -- "$dir/yesno.txt" 2
echo "== consent issuance, wrk -t2 -c$conns -d${secs}s"
wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$here/signed.lua" "http://127.0.0.1:$port" -- "$dir/consent.txt" 2
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT
grep -v '^20' "$dir/server.log" | tail -2
[ -z "${SERVER_LOG:-}" ] || cp "$dir/server.log" "$SERVER_LOG"
rm -rf "$dir"
