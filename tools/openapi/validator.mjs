// validator.mjs — a checking proxy for the end-to-end tests: every answer of
// the real server is compared with docs/openapi.yaml (status documented for
// the operation, documented headers present, media type, body against the
// JSON Schema, error code in the response's x-error-codes) and any difference
// is reported, so that the test that caused it fails.
//
//   node validator.mjs --spec docs/openapi.yaml --upstream http://127.0.0.1:PORT
//                      --violations FILE [--record FILE] [--listen 127.0.0.1:0]
//
// Prints "listening on 127.0.0.1:PORT" once ready. Each violation is one JSON
// line in FILE and, in short, the answer's X-OpenAPI-Violation header (the
// test support library turns that header into a test failure). --record
// appends every exchange (for writing examples). Requests are not judged:
// tests send bad requests on purpose; their answers are what is checked.
//
// The checking functions are exported (checkExchange) for validator.test.mjs.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const DOC_ID = 'https://shanakht.invalid/openapi.json';

/* '#/components/...' inside the description -> DOC_ID#/components/... so a
 * schema taken out of its place still resolves against the whole document. */
function rebase(node) {
  if (Array.isArray(node)) return node.map(rebase);
  if (node && typeof node === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(node))
      out[k] = k === '$ref' && typeof v === 'string' && v.startsWith('#') ? DOC_ID + v : rebase(v);
    return out;
  }
  return node;
}

function deref(doc, obj) {
  let seen = 0;
  while (obj && obj.$ref && seen++ < 8) {
    const parts = obj.$ref.replace(/^#\//, '').split('/').map(p => p.replace(/~1/g, '/').replace(/~0/g, '~'));
    obj = parts.reduce((o, p) => (o ? o[p] : undefined), doc);
  }
  return obj;
}

/* The YAML parser takes seconds on a busy 2-core machine and every
 * end-to-end server start runs a validator: its result is kept as JSON,
 * named by the hash of the text, so only the first start after a change
 * parses YAML. */
async function parseCached(text) {
  const dir = process.env.SHANAKHT_OPENAPI_CACHE || os.tmpdir();
  const file = path.join(dir, `shanakht-openapi-${crypto.createHash('sha256').update(text).digest('hex').slice(0, 32)}.json`);
  try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { /* not cached yet */ }
  const YAML = (await import('yaml')).default;
  const doc = YAML.parse(text, { maxAliasCount: -1 });
  try {
    const tmp = `${file}.${process.pid}`;
    fs.writeFileSync(tmp, JSON.stringify(doc));
    fs.renameSync(tmp, file);
  } catch { /* a cache only */ }
  return doc;
}

export async function loadSpec(text) {
  const doc = await parseCached(text);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOC_ID, components: { schemas: rebase(doc.components?.schemas ?? {}) } });
  // Templates: literal segments win over {params} (OpenAPI 3.1 "Path Templating Matching").
  const templates = Object.keys(doc.paths ?? {}).map(t => {
    const segs = t.split('/');
    return { t, segs, params: segs.filter(s => /^\{.+\}$/.test(s)).length };
  }).sort((a, b) => a.params - b.params);
  return { doc, ajv, templates, cache: new Map() };
}

function matchPath(spec, path) {
  const segs = path.split('/');
  for (const tp of spec.templates) {
    if (tp.segs.length !== segs.length) continue;
    let ok = true;
    for (let i = 0; ok && i < segs.length; i++) {
      const s = tp.segs[i];
      ok = /^\{.+\}$/.test(s) ? segs[i].length > 0 : s === segs[i];
    }
    if (ok) return tp.t;
  }
  return null;
}

function validatorFor(spec, key, schema) {
  let v = spec.cache.get(key);
  if (!v) {
    v = spec.ajv.compile(rebase(schema));
    spec.cache.set(key, v);
  }
  return v;
}

function errorCode(body) {
  return body && typeof body === 'object' && body.error && typeof body.error.code === 'string'
    ? body.error.code : null;
}

/* One exchange -> list of problems (strings); [] when the answer is as documented.
 * ex: {method, path (no query), status, headers (lower-case names), body (Buffer|string)} */
export function checkExchange(spec, ex) {
  const problems = [];
  const where = `${ex.method} ${ex.path} -> ${ex.status}`;
  const ctype = (ex.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const raw = Buffer.isBuffer(ex.body) ? ex.body.toString('utf8') : (ex.body ?? '');
  let json;
  if (/json$/.test(ctype) && raw.length) {
    try { json = JSON.parse(raw); } catch { problems.push(`${where}: body is not JSON though ${ctype}`); return problems; }
  }
  const template = matchPath(spec, ex.path);
  const item = template ? deref(spec.doc, spec.doc.paths[template]) : null;
  const method = ex.method.toLowerCase() === 'head' ? 'get' : ex.method.toLowerCase();
  const op = item ? item[method] : null;
  if (!op) {
    // Outside the description: the server's generic answers (info.description).
    const want = !template ? [404, 'NOT_FOUND'] : [405, 'METHOD_NOT_ALLOWED'];
    if (!template && !ex.path.startsWith('/api/')) return problems; // web pages
    if (ex.status !== want[0] || errorCode(json) !== want[1])
      problems.push(`${where}: ${template ? 'method not documented' : 'path not documented'}` +
        ` (only ${want[0]} ${want[1]} may answer it)`);
    return problems;
  }
  const responses = op.responses ?? {};
  const r = deref(spec.doc, responses[String(ex.status)] ?? responses[`${String(ex.status)[0]}XX`] ?? responses.default);
  if (!r) {
    problems.push(`${where}: status ${ex.status} not documented for ${ex.method.toUpperCase()} ${template}` +
      (errorCode(json) ? ` (error ${errorCode(json)})` : ''));
    return problems;
  }
  for (const [name, h0] of Object.entries(r.headers ?? {})) {
    const h = deref(spec.doc, h0);
    const val = ex.headers[name.toLowerCase()];
    if (val === undefined) {
      if (h.required) problems.push(`${where}: header ${name} missing`);
      continue;
    }
    if (h.schema) {
      const v = validatorFor(spec, `h:${template}:${method}:${ex.status}:${name}`, h.schema);
      const typed = h.schema.type === 'integer' && /^-?\d+$/.test(val) ? Number(val) : val;
      if (!v(typed)) problems.push(`${where}: header ${name}=${val}: ${spec.ajv.errorsText(v.errors)}`);
    }
  }
  const content = r.content;
  if (ex.method.toUpperCase() === 'HEAD') return problems; // no body to judge
  if (!content || Object.keys(content).length === 0) {
    if (raw.length) problems.push(`${where}: a body (${raw.length} bytes) where none is documented`);
    return problems;
  }
  const mediaKey = Object.keys(content).find(k => k.toLowerCase() === ctype) ??
    Object.keys(content).find(k => k.endsWith('/*') && ctype.startsWith(k.slice(0, -1)));
  if (!mediaKey) {
    problems.push(`${where}: Content-Type ${ctype || '(none)'} not documented (${Object.keys(content).join(', ')})`);
    return problems;
  }
  const media = content[mediaKey];
  if (media.schema && json !== undefined) {
    const v = validatorFor(spec, `b:${template}:${method}:${ex.status}:${mediaKey}`, media.schema);
    if (!v(json)) {
      const detail = v.errors.slice(0, 5).map(e => `${e.instancePath || '/'} ${e.message}` +
        (e.params && e.params.additionalProperty ? ` '${e.params.additionalProperty}'` : '') +
        (e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : '')).join('; ');
      problems.push(`${where}: body differs: ${detail}`);
    }
  } else if (media.schema && /json$/.test(ctype) && !raw.length) {
    problems.push(`${where}: empty body where ${mediaKey} is documented`);
  }
  const codes = r['x-error-codes'];
  const code = errorCode(json);
  if (Array.isArray(codes) && code !== null && !codes.includes(code))
    problems.push(`${where}: error code ${code} not in x-error-codes [${codes.join(', ')}]`);
  return problems;
}

function arg(name, dflt) {
  const i = process.argv.indexOf(name);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : dflt;
}

const HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'te', 'trailer', 'upgrade',
  'proxy-connection', 'content-length']);

async function serve() {
  const specPath = arg('--spec');
  const upstream = new URL(arg('--upstream'));
  const violations = arg('--violations');
  const record = arg('--record');
  const [lhost, lport] = arg('--listen', '127.0.0.1:0').split(':');
  const spec = await loadSpec(fs.readFileSync(specPath, 'utf8'));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = {};
      for (const [k, v] of Object.entries(req.headers)) if (!HOP.has(k)) headers[k] = v;
      headers.host = upstream.host;
      if (body.length || req.headers['content-length'] !== undefined) headers['content-length'] = body.length;
      // A large body is sent only after "100 Continue": a server that
      // refuses it from its headers (413) answers at once instead, and the
      // answer is not lost to a write into a closed connection.
      const expect = body.length > (1 << 20);
      if (expect) headers.expect = '100-continue';
      let answered = false;
      const up = http.request({ host: upstream.hostname, port: upstream.port, method: req.method,
        path: req.url, headers, agent }, ures => {
        answered = true;
        const uchunks = [];
        ures.on('data', c => uchunks.push(c));
        ures.on('end', () => {
          const ubody = Buffer.concat(uchunks);
          const url = new URL(req.url, 'http://x');
          const ex = { method: req.method, path: url.pathname, status: ures.statusCode,
            headers: ures.headers, body: ubody };
          let problems;
          try { problems = checkExchange(spec, ex); } catch (e) { problems = [`validator error: ${e.stack}`]; }
          if (record) fs.appendFileSync(record, JSON.stringify({ method: req.method, url: req.url,
            status: ures.statusCode, headers: ures.headers,
            request: body.toString('utf8').slice(0, 4000),
            body: ubody.toString('utf8').slice(0, 8000) }) + '\n');
          const out = {};
          for (const [k, v] of Object.entries(ures.headers)) if (!HOP.has(k)) out[k] = v;
          out['content-length'] = ubody.length;
          if (problems.length) {
            fs.appendFileSync(violations, JSON.stringify({ request: `${req.method} ${req.url}`, problems }) + '\n');
            out['x-openapi-violation'] = problems.join(' | ').replace(/[^\x20-\x7e]/g, '?').slice(0, 1500);
          }
          res.writeHead(ures.statusCode, out);
          res.end(req.method === 'HEAD' ? undefined : ubody);
        });
      });
      // A server may answer (413) before it has read the whole body and
      // close: the write then fails after the answer came, which is fine.
      up.on('error', e => {
        if (answered) return;
        fs.appendFileSync(violations, JSON.stringify({ request: `${req.method} ${req.url}`, problems: [`upstream: ${e.message}`] }) + '\n');
        res.writeHead(502, { 'content-type': 'text/plain', 'x-openapi-violation': `upstream: ${e.message}` });
        res.end();
      });
      if (expect) up.on('continue', () => up.end(body));
      else up.end(body);
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(Number(lport), lhost, () => {
    process.stdout.write(`listening on ${lhost}:${server.address().port}\n`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === fs.realpathSync(process.argv[1])) serve();
