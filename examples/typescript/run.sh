#!/usr/bin/env bash
# run.sh OUTDIR ARGS... — generate the client from the server's own
# description (GET $SHANAKHT_URL/api/v1/openapi.json), type-check and compile
# flow.ts against it, and run it. The npm packages are those pinned in
# tools/openapi (scripts/deps).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
npm_dir="$here/../../tools/openapi/node_modules"
out=$1; shift
mkdir -p "$out"
ln -sfn "$npm_dir" "$out/node_modules"
"$npm_dir/.bin/openapi-typescript" "${SHANAKHT_URL:?}/api/v1/openapi.json" -o "$out/schema.d.ts" >&2
cp "$here/flow.ts" "$out/flow.ts"
cat > "$out/tsconfig.json" <<'JSON'
{"compilerOptions": {"target": "es2022", "module": "nodenext", "moduleResolution": "nodenext",
  "strict": true, "noEmitOnError": true, "skipLibCheck": true, "types": ["node"], "lib": ["es2022", "dom"]},
 "files": ["flow.ts"]}
JSON
printf '{"type":"module"}\n' > "$out/package.json"
"$npm_dir/.bin/tsc" -p "$out/tsconfig.json" >&2
exec node "$out/flow.js" "$@"
