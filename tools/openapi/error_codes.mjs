// error_codes.mjs — the error codes each route's handler can answer, found in
// the C sources, compared with the codes docs/openapi.yaml lists for that
// operation (x-error-codes per response).
//
//   node tools/openapi/error_codes.mjs [--src src] [--spec docs/openapi.yaml] [--verbose]
//
// How the codes are found: every function of src/ is read (project style:
// a definition's body ends at a '}' in column 0); a function answers the
// codes it sets itself — sh_err_set(err, SH_Exxx, "CODE", ...) and
// http_reply_error(resp, NNN, "CODE", ...) — and those of every function of
// ours it calls, transitively. Each route table entry {"METHOD", "/path",
// handler, ...} gives the handler of an operation. The SH_E status gives the
// HTTP status (src/lib/err.h). What it cannot see: codes passed through
// variables, and calls through function pointers; so it finds a lower bound
// of what a handler answers, and every code it finds must be documented under
// that status. 500s are bugs, never part of the contract, and are skipped;
// so are the server's generic answers (authentication hooks, 404/405,
// overload), which components/responses describe.
//
// Exit status 1 when an operation can answer a code its description does not
// list (each printed), 0 otherwise.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (n, d) => { const i = process.argv.indexOf(n); return i > 0 ? process.argv[i + 1] : d; };
const SRC = arg('--src', path.join(here, '../../src'));
const SPEC = arg('--spec', path.join(here, '../../docs/openapi.yaml'));
const VERBOSE = process.argv.includes('--verbose');

const STATUS = { SH_EINVAL: 400, SH_EUNAUTH: 401, SH_EFORBIDDEN: 403, SH_ENOTFOUND: 404,
  SH_ECONFLICT: 409, SH_ETOOBIG: 413, SH_ERULE: 422, SH_ETHROTTLE: 429, SH_ENOMEM: 503,
  SH_EBUSY: 503, SH_EIO: 500, SH_EDB: 500, SH_EINTERNAL: 500, SH_EGONE: 410 };

function walk(dir, out = []) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (/\.c$/.test(e.name)) out.push(p);
  }
  return out;
}

/* Comments out, string literals kept (the codes are string literals). */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, m => m.replace(/[^\n]/g, ' '))
    .replace(/(^|[^:"])\/\/[^\n]*/g, '$1');
}

/* name -> [{file, body, isStatic}] */
function functions(files) {
  const defs = new Map();
  const head = /^(static\s+)?(?:inline\s+)?[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\s*\(([^;{}]*)\)\s*\n\{\n/gm;
  for (const file of files) {
    const text = stripComments(fs.readFileSync(file, 'utf8'));
    let m;
    head.lastIndex = 0;
    while ((m = head.exec(text))) {
      const start = m.index + m[0].length;
      const end = text.indexOf('\n}\n', start);
      if (end < 0) break;
      const body = text.slice(start, end);
      const name = m[2];
      if (['if', 'for', 'while', 'switch', 'return', 'sizeof'].includes(name)) continue;
      if (!defs.has(name)) defs.set(name, []);
      defs.get(name).push({ file, body, isStatic: !!m[1], name });
      head.lastIndex = end;
    }
  }
  return defs;
}

function directCodes(body) {
  const codes = [];
  for (const m of body.matchAll(/\b(SH_E[A-Z]+)\s*,\s*"([A-Z][A-Z0-9_]+)"/g))
    codes.push([STATUS[m[1]] ?? 500, m[2]]);
  for (const m of body.matchAll(/http_reply_error\s*\(\s*[\w>.-]+\s*,\s*(\d{3})\s*,\s*"([A-Z][A-Z0-9_]+)"/g))
    codes.push([Number(m[1]), m[2]]);
  return codes;
}

function resolver(defs) {
  const memo = new Map();
  function pick(name, fromFile) {
    const ds = defs.get(name);
    if (!ds) return [];
    const local = ds.filter(d => d.file === fromFile);
    if (local.length) return local;
    return ds.filter(d => !d.isStatic);
  }
  function codesOf(def, stack = new Set()) {
    const key = `${def.file}:${def.name}`;
    if (memo.has(key)) return memo.get(key);
    if (stack.has(key)) return new Map();
    stack.add(key);
    const out = new Map(); // "status code" -> via
    for (const [s, c] of directCodes(def.body)) out.set(`${s} ${c}`, def.name);
    for (const m of def.body.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) {
      for (const callee of pick(m[1], def.file)) {
        if (callee === def) continue;
        for (const [k, via] of codesOf(callee, stack)) if (!out.has(k)) out.set(k, `${def.name} > ${via}`);
      }
    }
    stack.delete(key);
    memo.set(key, out);
    return out;
  }
  return { pick, codesOf };
}

function routes(files) {
  const out = [];
  for (const file of files) {
    const text = stripComments(fs.readFileSync(file, 'utf8'));
    for (const m of text.matchAll(/\{\s*"(GET|POST|PUT|PATCH|DELETE|HEAD)"\s*,\s*"(\/[^"]*)"\s*,\s*([A-Za-z_]\w*)\s*,/g))
      out.push({ method: m[1], path: m[2], handler: m[3], file });
  }
  return out;
}

function documented(doc, op) {
  const byStatus = new Map();
  const deref = r => {
    let seen = 0;
    while (r && r.$ref && seen++ < 8)
      r = r.$ref.replace(/^#\//, '').split('/').reduce((o, p) => (o ? o[p] : undefined), doc);
    return r;
  };
  for (const [s, r0] of Object.entries(op.responses ?? {})) {
    const r = deref(r0);
    byStatus.set(Number(s), new Set(r?.['x-error-codes'] ?? []));
  }
  return byStatus;
}

export async function compare({ src = SRC, spec = SPEC } = {}) {
  const YAML = (await import('yaml')).default;
  const doc = YAML.parse(fs.readFileSync(spec, 'utf8'), { maxAliasCount: -1 });
  const files = walk(src);
  const defs = functions(files);
  const { pick, codesOf } = resolver(defs);
  const problems = [];
  let checked = 0;
  for (const r of routes(files)) {
    const op = doc.paths?.[r.path]?.[r.method.toLowerCase()];
    if (!op) continue; // test_openapi (ctest http_test_openapi) keeps paths equal
    const [def] = pick(r.handler, r.file);
    if (!def) continue;
    checked++;
    const docd = documented(doc, op);
    for (const [k, via] of codesOf(def)) {
      const [s, code] = k.split(' ');
      const status = Number(s);
      if (status >= 500 && status !== 503) continue; // a bug, not the contract
      const listed = docd.get(status);
      if (listed && (listed.has(code) || listed.size === 0 && status === 503)) continue;
      problems.push(`${r.method} ${r.path}: ${status} ${code} not documented (${via})`);
    }
    if (VERBOSE) console.log(`${r.method} ${r.path}: ${[...codesOf(def).keys()].sort().join(', ')}`);
  }
  return { problems, checked };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) {
  const { problems, checked } = await compare();
  for (const p of problems) console.log(p);
  console.log(`${checked} operations checked, ${problems.length} undocumented error code(s)`);
  process.exit(problems.length ? 1 : 0);
}
