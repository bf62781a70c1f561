#!/usr/bin/env bash
# pg_server.sh start|stop DIR PORT — a private PostgreSQL server for the tests.
# PORT "auto" picks a free port from 55432 up; the server's URL is written to
# DIR/url for the tests (testdb.c reads it through SHANAKHT_TEST_PG_FILE).
# initdb into DIR, listen on 127.0.0.1:PORT with its socket in DIR, trust auth
# for the local test user "shanakht". PostgreSQL refuses to run as root, so as
# root the cluster belongs to the unprivileged "postgres" user (or nobody).
# "resume" starts an existing DIR (benchmarks keep their data across runs);
# PG_EXTRA_OPTS is appended to the server options (later -c settings win).
set -euo pipefail
cmd=$1 dir=$2 port=$3
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bindir/initdb" ] || { echo "pg_server: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
run_as=()
if [ "$(id -u)" = 0 ]; then
  user=postgres; id "$user" >/dev/null 2>&1 || user=nobody
  run_as=(runuser -u "$user" --)
fi
case "$cmd" in
start|resume)
  if [ "$cmd" = start ] || [ ! -d "$dir/data" ]; then
    "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"; mkdir -p "$dir"
    [ ${#run_as[@]} -gt 0 ] && chown "$user" "$dir"
    "${run_as[@]}" "$bindir/initdb" -D "$dir/data" -U shanakht -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if [ "$port" = auto ]; then
    port=55432
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  fi
  "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${PG_EXTRA_OPTS:-}" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  echo "postgresql://shanakht@127.0.0.1:$port/postgres" >"$dir/url"
  echo "pg_server: listening on 127.0.0.1:$port (data in $dir/data)"
  ;;
stop)
  [ -d "$dir/data" ] && "${run_as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  echo "pg_server: stopped"
  ;;
*) echo "usage: $0 start|resume|stop DIR PORT" >&2; exit 2 ;;
esac
