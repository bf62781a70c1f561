// flow.ts — a relying-party client generated from the API description alone:
// `openapi-typescript` turns /api/v1/openapi.json into the types in
// schema.d.ts, `openapi-fetch` makes the typed calls, and this file adds only
// the request signing of the partySignature security scheme. It walks the
// same flow as examples/relying-party.c (consent, passcode, yes/no; consent,
// passcode, KYC) with the same standard input/output lines, so one test
// drives both (tests/e2e/test_examples.c).
//
//   SHANAKHT_URL=... SHANAKHT_KEY_ID=pk_... SHANAKHT_SECRET=... \
//     examples/typescript/run.sh OUTDIR ID_NUMBER [NAME]
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema.js';

type ApiError = components['schemas']['Error'];

const url = process.env.SHANAKHT_URL ?? 'http://127.0.0.1:8080';
const keyId = process.env.SHANAKHT_KEY_ID ?? '';
const secret = process.env.SHANAKHT_SECRET ?? '';
const [idNumber, name] = process.argv.slice(2);
if (!idNumber || !keyId || secret.length !== 64) {
  console.error('usage: SHANAKHT_KEY_ID=... SHANAKHT_SECRET=... flow ID_NUMBER [NAME]');
  process.exit(2);
}

// The signature headers, as the partySignature scheme describes them.
const sign: Middleware = {
  async onRequest({ request }) {
    const body = request.body ? await request.clone().text() : '';
    const ts = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(18).toString('base64url');
    const bodyHash = createHash('sha256').update(body).digest('hex');
    const path = new URL(request.url).pathname;
    const msg = [request.method, path, ts, nonce, bodyHash].join('\n');
    request.headers.set('X-Party-Key', keyId);
    request.headers.set('X-Timestamp', ts);
    request.headers.set('X-Nonce', nonce);
    request.headers.set('X-Signature', createHmac('sha256', secret).update(msg).digest('hex'));
    return request;
  },
};

const client = createClient<paths>({ baseUrl: url });
client.use(sign);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();

function fail(step: string, status: number, error: ApiError | undefined): never {
  // The codes are stable (x-error-codes); the exit statuses are those of the C sample.
  const code = error?.error.code ?? '';
  console.error(`flow: ${step}: ${status} ${code}: ${error?.error.message ?? ''}`);
  if (status === 401 || code === 'PARTY_SUSPENDED') process.exit(3);
  if (status === 429 || status >= 500) process.exit(4);
  process.exit(1);
}

async function consent(purpose: string): Promise<string> {
  const { data, error, response } = await client.POST('/api/v1/consents', {
    body: { id_number: idNumber, purpose },
  });
  if (!data) fail('consent', response.status, error);
  console.log(`consent ${data.consent_id}`);
  console.error(`flow: ${data.notice}`);
  return data.consent_id;
}

async function verify(body: Omit<components['schemas']['VerificationRequest'], 'passcode'>) {
  for (let tries = 1; ; tries++) {
    console.error(`flow: passcode for ${body.consent_id}: `);
    const line = await lines.next();
    if (line.done) fail('passcode', 0, undefined);
    const { data, error, response } = await client.POST('/api/v1/verifications', {
      body: { ...body, passcode: line.value.trim() },
    });
    if (data) return data;
    if (response.status === 422 && error?.error.code === 'PASSCODE_INVALID' && tries < 3) {
      console.error(`flow: ${error.error.message}; ask the citizen again`);
      continue;
    }
    fail('verification', response.status, error);
  }
}

const yesno = await verify({ consent_id: await consent('account opening'), type: 'yesno', ...(name ? { name } : {}) });
console.log(`yesno ${yesno.result} ${yesno.reason}`);
const kyc = await verify({ consent_id: await consent('know your customer'), type: 'kyc', attributes: ['name_en', 'dob'] });
for (const [k, v] of Object.entries(kyc.attributes ?? {})) if (typeof v === 'string') console.log(`kyc ${k}=${v}`);
process.exit(0);
