#!/usr/bin/env bash
# pg_server.sh start|stop DIR PORT — a private PostgreSQL server for the tests.
# PORT "auto" picks a free port from 55432 up; the server's URL is written to
# DIR/url for the tests (testdb.c reads it through SHANAKHT_TEST_PG_FILE).
# initdb, listen on 127.0.0.1:PORT with its socket beside the data, trust auth
# for the local test user "shanakht". PostgreSQL refuses to run as root, so as
# root the cluster belongs to the unprivileged "postgres" user (or nobody),
# and it lives in a folder of its own that this user owns, made under
# ${PG_TEST_TMP:-/tmp} (DIR may be inside a checkout the user cannot enter: a
# 0700 home such as root's, a mktemp -d folder); DIR/cluster names it.
# Otherwise the cluster is DIR itself.
# "resume" starts an existing cluster (benchmarks keep their data across
# runs); PG_EXTRA_OPTS is appended to the server options (later -c settings
# win).
set -euo pipefail
cmd=$1 dir=$2 port=$3
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
[ -x "$bindir/initdb" ] || { echo "pg_server: PostgreSQL server binaries not found (apt-get install postgresql)" >&2; exit 1; }
run_as=()
if [ "$(id -u)" = 0 ]; then
  user=postgres; id "$user" >/dev/null 2>&1 || user=nobody
  run_as=(runuser -u "$user" --)
fi

# The cluster folder of DIR: DIR itself, or the one DIR/cluster names (only
# if it is still a directory that the server user owns).
cluster_of() {
  if [ ${#run_as[@]} -eq 0 ]; then echo "$dir"; return; fi
  local c
  c=$(cat "$dir/cluster" 2>/dev/null || true)
  if [ -n "$c" ] && [ -d "$c" ] && [ ! -L "$c" ] && [ "$(stat -c %U "$c")" = "$user" ]; then
    echo "$c"
  fi
}

case "$cmd" in
start|resume)
  cluster=$(cluster_of)
  if [ "$cmd" = start ] || [ -z "$cluster" ] || [ ! -d "$cluster/data" ]; then
    if [ -n "$cluster" ] && [ -d "$cluster/data" ]; then
      "${run_as[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    fi
    [ -n "$cluster" ] && [ "$cluster" != "$dir" ] && rm -rf "$cluster"
    rm -rf "$dir"; mkdir -p "$dir"
    if [ ${#run_as[@]} -gt 0 ]; then
      cluster=$(mktemp -d "${PG_TEST_TMP:-/tmp}/shanakht-pg.XXXXXXXX")
      chown "$user" "$cluster"
      chmod 0700 "$cluster"
      echo "$cluster" >"$dir/cluster"
      "${run_as[@]}" test -w "$cluster" \
        || { echo "pg_server: $user cannot write $cluster" >&2; exit 1; }
    else
      cluster=$dir
    fi
    "${run_as[@]}" "$bindir/initdb" -D "$cluster/data" -U shanakht -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; exit 1; }
  fi
  if [ "$port" = auto ]; then
    port=55432
    while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done
  fi
  "${run_as[@]}" "$bindir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
    -o "-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 ${PG_EXTRA_OPTS:-}" start >/dev/null \
    || { cat "$cluster/server.log" >&2; exit 1; }
  [ "$cluster" = "$dir" ] || ln -sfn "$cluster/server.log" "$dir/server.log"
  echo "postgresql://shanakht@127.0.0.1:$port/postgres" >"$dir/url"
  echo "pg_server: listening on 127.0.0.1:$port (data in $cluster/data)"
  ;;
stop)
  cluster=$(cluster_of)
  [ -n "$cluster" ] && [ -d "$cluster/data" ] && "${run_as[@]}" "$bindir/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null 2>&1 || true
  echo "pg_server: stopped"
  ;;
*) echo "usage: $0 start|resume|stop DIR PORT" >&2; exit 2 ;;
esac
