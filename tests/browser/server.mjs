// server.mjs — the browser tests' server: a fresh database and keys in a
// temporary directory, `shanakht init` then `shanakht serve` (the real
// binary), behind the answer validator (tools/openapi/validator.mjs) like
// every end-to-end test: an API answer that docs/openapi.yaml does not allow
// is a violation, and stop() fails when there was any.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';

export const ADMIN_PASSWORD = 'correct-horse-battery-staple-42';
export const OPERATOR_PASSWORD = 'operator-password-1234';

function listening(child, who) {
  return new Promise((resolve, reject) => {
    const rl = readline.createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`${who}: no "listening on" in 60 s`)), 60000);
    rl.once('line', line => {
      clearTimeout(timer);
      const m = /^listening on [\d.]+:(\d+)/.exec(line);
      if (m) resolve(Number(m[1])); else reject(new Error(`${who}: ${line}`));
    });
    child.once('exit', code => reject(new Error(`${who} exited (${code})`)));
  });
}

export async function start({ bin, src, web }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shanakht-web-'));
  const db = `sqlite:${dir}/shanakht.db`, keys = `${dir}/keys`;
  const env = { ...process.env, SHANAKHT_ADMIN_PASSWORD: ADMIN_PASSWORD };
  const init = spawnSync(bin, ['init', '--db', db, '--keys', keys, '--var', dir], { env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`init failed: ${init.stderr}`);
  const srv = spawn(bin, ['serve', '--db', db, '--keys', keys, '--var', dir, '--listen', '127.0.0.1:0',
    '--threads', '4', '--web', web], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const serverPort = await listening(srv, 'server');
  const violations = path.join(dir, 'violations.jsonl');
  const proxy = spawn('node', [path.join(src, 'tools/openapi/validator.mjs'), '--spec', path.join(src, 'docs/openapi.yaml'),
    '--upstream', `http://127.0.0.1:${serverPort}`, '--violations', violations], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await listening(proxy, 'validator');
  const base = `http://127.0.0.1:${port}`;
  const s = { dir, base, serverBase: `http://127.0.0.1:${serverPort}`, srv, proxy, violations };
  s.admin = (await call(s, 'POST', '/api/v1/session', { username: 'admin', password: ADMIN_PASSWORD })).body.token;
  return s;
}

export async function call(s, method, p, body, token) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  const r = await fetch(s.base + p, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: r.status, body: json, text, headers: r.headers };
}

export async function operator(s, username, role, council) {
  const body = { username, password: OPERATOR_PASSWORD, role };
  if (council) body.council_code = council;
  const r = await call(s, 'POST', '/api/v1/users', body, s.admin);
  if (r.status !== 201 && r.status !== 200) throw new Error(`operator ${username}: ${r.status} ${r.text}`);
}

export function stop(s) {
  for (const c of [s.proxy, s.srv]) c.kill('SIGTERM');
  let v = '';
  try { v = fs.readFileSync(s.violations, 'utf8'); } catch { /* none written */ }
  fs.rmSync(s.dir, { recursive: true, force: true });
  return v.trim();
}
