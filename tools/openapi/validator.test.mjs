// validator.test.mjs — the answer validator catches each kind of difference
// from docs/openapi.yaml, and passes answers that are as described.
//   node --test tools/openapi/validator.test.mjs
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkExchange, loadSpec } from './validator.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const spec = await loadSpec(fs.readFileSync(path.join(here, '../../docs/openapi.yaml'), 'utf8'));
const H = { 'content-type': 'application/json', 'x-request-id': 'r-1' };
const ex = (method, p, status, body, headers = H) =>
  ({ method, path: p, status, headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const err = code => ({ error: { code, message: 'm' } });

test('an answer as described passes', () => {
  assert.deepEqual(checkExchange(spec, ex('GET', '/healthz', 200, { status: 'ok', store: 'sqlite', version: '0.1.0' })), []);
  assert.deepEqual(checkExchange(spec, ex('GET', '/api/v1/persons/35202-1234567-1', 404, err('PERSON_NOT_FOUND'))), []);
  assert.deepEqual(checkExchange(spec, ex('DELETE', '/api/v1/session', 204, '', { 'x-request-id': 'r' })), []);
});

test('literal path segments win over templates', () => {
  // /api/v1/session/password is not /api/v1/users/{username}/password
  assert.deepEqual(checkExchange(spec, ex('POST', '/api/v1/session/password', 204, '', { 'x-request-id': 'r' })), []);
});

test('an undocumented status fails', () => {
  const p = checkExchange(spec, ex('GET', '/healthz', 500, err('INTERNAL')));
  assert.match(p.join(), /status 500 not documented/);
});

test('an undocumented field fails', () => {
  const p = checkExchange(spec, ex('GET', '/healthz', 200, { status: 'ok', store: 'sqlite', version: '1', extra: 1 }));
  assert.match(p.join(), /must NOT have additional properties 'extra'/);
});

test('a wrong type or value fails', () => {
  assert.match(checkExchange(spec, ex('GET', '/healthz', 200, { status: 'ok', store: 'mysql', version: '1' })).join(), /allowed values/);
  assert.match(checkExchange(spec, ex('GET', '/api/v1/session', 200, { user_id: '3', username: 'a', role: 'admin', council_code: '' })).join(), /user_id must be integer/);
});

test('a missing required header fails', () => {
  const p = checkExchange(spec, ex('GET', '/healthz', 200, { status: 'ok', store: 'sqlite', version: '1' }, { 'content-type': 'application/json' }));
  assert.match(p.join(), /header X-Request-Id missing/);
  const r = checkExchange(spec, ex('POST', '/api/v1/session', 429, err('LOGIN_THROTTLED')));
  assert.match(r.join(), /header Retry-After missing/);
});

test('an undocumented media type fails', () => {
  const p = checkExchange(spec, ex('GET', '/healthz', 200, 'ok', { 'content-type': 'text/plain', 'x-request-id': 'r' }));
  assert.match(p.join(), /Content-Type text\/plain not documented/);
});

test('an error code outside x-error-codes fails', () => {
  const p = checkExchange(spec, ex('GET', '/api/v1/persons/35202-1234567-1', 404, err('USER_NOT_FOUND')));
  assert.match(p.join(), /error code USER_NOT_FOUND not in x-error-codes/);
});

test('a body where none is documented fails', () => {
  const p = checkExchange(spec, ex('DELETE', '/api/v1/session', 204, '{}'));
  assert.match(p.join(), /a body \(2 bytes\) where none is documented/);
});

test('undocumented paths and methods answer only 404 and 405', () => {
  assert.deepEqual(checkExchange(spec, ex('GET', '/api/v1/nothing', 404, err('NOT_FOUND'))), []);
  assert.match(checkExchange(spec, ex('GET', '/api/v1/nothing', 200, {})).join(), /path not documented/);
  assert.deepEqual(checkExchange(spec, ex('PUT', '/healthz', 405, err('METHOD_NOT_ALLOWED'))), []);
  assert.match(checkExchange(spec, ex('PUT', '/healthz', 200, {})).join(), /method not documented/);
});

test('a body that is not JSON fails', () => {
  assert.match(checkExchange(spec, ex('GET', '/healthz', 200, '{nope')).join(), /not JSON/);
});
