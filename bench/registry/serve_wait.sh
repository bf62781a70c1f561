# bench/registry/serve_wait.sh — sourced by run.sh and profile.sh.
# serve_port OUT_FILE TRIES: the port `shanakht serve --listen 127.0.0.1:0`
# printed to OUT_FILE, waiting 0.2 s between TRIES looks; empty if none.
# admin_token PORT: a bearer token for the admin (SHANAKHT_ADMIN_PASSWORD).
serve_port() {
  local port="" _
  for _ in $(seq 1 "$2"); do
    port=$(sed -n 's/^listening on .*:\([0-9]*\)$/\1/p' "$1"); [ -n "$port" ] && break; sleep 0.2
  done
  echo "$port"
}
admin_token() {
  curl -s "http://127.0.0.1:$1/api/v1/session" -H 'Content-Type: application/json' \
    -d "{\"username\":\"admin\",\"password\":\"$SHANAKHT_ADMIN_PASSWORD\"}" |
    sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}
