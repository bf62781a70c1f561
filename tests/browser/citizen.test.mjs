// citizen.test.mjs — the citizen portal in a real browser (Debian's
// chromium, playwright-core) against the real server behind the answer
// validator: a bank verifies a citizen with consent through the
// relying-party API; the citizen signs in with the passcode the SMS outbox
// holds, sees the record, family, certificate (downloaded) and the bank's
// verification, locks that type; the bank's next verification of that type
// is refused and shows in the page. Also: another person's certificate and a
// request without the CSRF token refused, an operator session on the
// citizen page gets the sign-in form (the citizen API refuses it), Urdu and
// English, axe-core, screenshots at 1280x720 and 360x740.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as srvlib from './server.mjs';
import * as h from './harness.mjs';

const { BIN, WEB, SHOTS, SRC, COUNCIL, axe, shot, daysAgo } = h;
const MOBILE = '+923004445556', OTHER_MOBILE = '+923004445557';
const BANK = 'Meezan Test Bank';

let s, browser, citizen, other, bank;

async function person(name_en, name_ur, mobile, extra = {}) {
  const p = await srvlib.call(s, 'POST', '/api/v1/persons', {
    name_en, name_ur, guardian_name_en: 'Akbar Ali', guardian_relation: 'father', gender: 'female',
    dob: '1994-03-21', place_of_birth: 'Lahore', council_code: COUNCIL, citizenship: 'citizen',
    reason: 'browser test', mobile, ...extra }, s.admin);
  assert.equal(p.status, 201, p.text);
  return p.body.id_number;
}

// The SMS outbox (var/sms-outbox.log): lines to `mobile`.
function smsTo(mobile) {
  let text = '';
  try { text = fs.readFileSync(path.join(s.dir, 'sms-outbox.log'), 'utf8'); } catch { /* not yet */ }
  return text.split('\n').filter(l => l.includes(mobile.slice(3)));
}
// The passcode of the SMS to `mobile` after the first `seen` ones.
async function passcode(mobile, seen) {
  for (let i = 0; i < 100; i++) {
    const lines = smsTo(mobile);
    if (lines.length > seen) {
      const m = /[^0-9-]([0-9]{6})[^0-9-]/.exec(lines[seen]);
      assert.ok(m, `a passcode in ${lines[seen]}`);
      return m[1];
    }
    await new Promise(r => setTimeout(r, 100));
  }
  throw new Error(`no SMS number ${seen + 1} to ${mobile}`);
}

// A relying-party request signed as docs/relying-parties.md says.
async function party(method, p, body) {
  const text = body === undefined ? '' : JSON.stringify(body);
  const ts = String(Math.floor(Date.now() / 1000));
  const nonce = `web-${crypto.randomBytes(12).toString('hex')}`;
  const bh = crypto.createHash('sha256').update(text).digest('hex');
  const sig = crypto.createHmac('sha256', bank.secret).update([method, p, ts, nonce, bh].join('\n')).digest('hex');
  const r = await fetch(s.base + p, { method, body: body === undefined ? undefined : text, headers: {
    'Content-Type': 'application/json', Accept: 'application/json', 'X-Party-Key': bank.key_id,
    'X-Timestamp': ts, 'X-Nonce': nonce, 'X-Signature': sig } });
  return { status: r.status, body: await r.json() };
}

// The bank asks for consent, the citizen reads it the passcode, the bank verifies.
async function bankVerifies(type) {
  const seen = smsTo(MOBILE).length;
  const c = await party('POST', '/api/v1/consents', { id_number: citizen, purpose: 'account opening' });
  assert.equal(c.status, 202, JSON.stringify(c.body));
  const code = await passcode(MOBILE, seen);
  return party('POST', '/api/v1/verifications', { consent_id: c.body.consent_id, passcode: code, type, name: 'Sana Javed' });
}

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  s = await srvlib.start({ bin: BIN, src: SRC, web: WEB });
  citizen = await person('Sana Javed', 'ثنا جاوید', MOBILE);
  other = await person('Hina Javed', 'حنا جاوید', OTHER_MOBILE);
  await person('Ali Javed', 'علی جاوید', null, { mother_id: citizen, dob: '2019-06-01', gender: 'male' });
  for (const subject of [citizen, other]) {
    const c = await srvlib.call(s, 'POST', '/api/v1/certificates', { kind: 'birth', subject }, s.admin);
    assert.equal(c.status, 201, c.text);
    if (subject === other) s.otherSerial = c.body.serial; else s.serial = c.body.serial;
  }
  const b = await srvlib.call(s, 'POST', '/api/v1/parties', { name: BANK, sector: 'bank', types: ['yesno', 'kyc'], kyc_attributes: ['name_en', 'dob'] }, s.admin);
  assert.equal(b.status, 201, b.text);
  bank = b.body.key;
  await srvlib.operator(s, 'registrar1', 'uc_registrar', COUNCIL);
  browser = await h.launch();
});

const newPage = viewport => h.newPage(browser, { viewport, acceptDownloads: true });

after(async () => {
  if (browser) await browser.close();
  if (s) assert.equal(srvlib.stop(s), '', 'every API answer is as docs/openapi.yaml describes');
});




async function signIn(page, lang = 'en') {
  await page.goto(`${s.base}/citizen.html?lang=${lang}`);
  await page.locator('#id-form:not([hidden])').waitFor();
  const seen = smsTo(MOBILE).length;
  await page.locator('#id_number').fill(citizen);
  await page.keyboard.press('Enter');
  await page.locator('#code-form:not([hidden])').waitFor();
  const real = await passcode(MOBILE, seen);
  await page.locator('#passcode').fill(real === '999999' ? '888888' : '999999');
  await page.keyboard.press('Enter');
  // a wrong passcode says so and keeps the form
  await page.locator('#page-msg.error').waitFor();
  assert.match(await page.locator('#page-msg').textContent(), /PASSCODE_INVALID/);
  await page.locator('#passcode').fill(real);
  await page.keyboard.press('Enter');
  await page.locator('#portal:not([hidden])').waitFor();
}

test('a citizen sees a bank\'s verification, locks the type, and the next one is refused', async () => {
  const first = await bankVerifies('yesno');
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.equal(first.body.result, 'yes');

  const c = await newPage();
  await signIn(c.page);
  // record and family
  assert.match(await c.page.locator('#record').textContent(), /Sana Javed/);
  assert.match(await c.page.locator('#record').textContent(), /ثنا جاوید/);
  const child = c.page.locator('#family tbody tr', { hasText: 'Ali Javed' });
  assert.match(await child.textContent(), /child/);
  assert.match(await child.textContent(), /علی جاوید/);
  // the bank's verification: who, type, result
  const row = c.page.locator('#verifs tbody tr', { hasText: BANK }).filter({ hasText: 'verified' }).first();
  await row.waitFor();
  assert.match(await row.textContent(), /account opening/);
  assert.match(await row.textContent(), /yes\/no check/);
  assert.match(await row.textContent(), /yes \(ALL_MATCH\)/);
  // the certificate, downloaded as a PDF
  const cert = c.page.locator('#certs tbody tr', { hasText: s.serial });
  await cert.getByRole('button').click();
  const link = c.page.locator('#cert-msg a.cert-file');
  await link.waitFor();
  assert.equal(await link.getAttribute('download'), `${s.serial}.pdf`);
  const [download] = await Promise.all([c.page.waitForEvent('download'), link.click()]);
  const file = await download.path();
  assert.equal(fs.readFileSync(file).subarray(0, 5).toString(), '%PDF-');
  await shot(c.page, 'citizen-1280');
  await axe(c.page, 'citizen.html (portal)');

  // lock yesno
  await c.page.locator('#locks tr[data-type="yesno"] button').click();
  await c.page.locator('#lock-msg.ok').waitFor();
  assert.match(await c.page.locator('#locks tr[data-type="yesno"]').textContent(), /locked/);
  const refused = await bankVerifies('yesno');
  assert.equal(refused.status, 403, JSON.stringify(refused.body));
  assert.equal(refused.body.error.code, 'VERIFICATION_LOCKED');
  // the refusal is in the list after a reload (the cookie session holds)
  await c.page.reload();
  await c.page.locator('#portal:not([hidden])').waitFor();
  await c.page.locator('#verifs tbody tr', { hasText: 'VERIFICATION_LOCKED' }).first().waitFor();
  assert.match(await c.page.locator('#locks tr[data-type="yesno"]').textContent(), /locked/);

  // the session cookie is HttpOnly and SameSite=Strict
  const sess = (await c.context.cookies()).find(k => k.name === 'sh_cit');
  assert.equal(sess.httpOnly, true);
  assert.equal(sess.sameSite, 'Strict');
  // another person's certificate: 404, like an unknown serial; without the
  // CSRF token: 401 CSRF_TOKEN
  const probe = await c.page.evaluate(async serial => {
    const csrf = document.cookie.split('; ').find(k => k.startsWith('sh_cit_csrf=')).slice(12);
    const a = await fetch(`/api/v1/me/certificates/${serial}/pdf`, { headers: { 'X-CSRF-Token': csrf } });
    const b = await fetch('/api/v1/me/locks/yesno', { method: 'DELETE' });
    return [a.status, (await a.json()).error.code, b.status, (await b.json()).error.code];
  }, s.otherSerial);
  assert.deepEqual(probe, [404, 'CERT_NOT_FOUND', 401, 'CSRF_TOKEN']);

  // unlock, and the bank may verify again
  await c.page.locator('#locks tr[data-type="yesno"] button').click();
  await c.page.locator('#lock-msg.ok').waitFor();
  assert.match(await c.page.locator('#locks tr[data-type="yesno"]').textContent(), /open/);
  assert.equal((await bankVerifies('yesno')).status, 200);

  // sign out: the cookie session is revoked
  await c.page.locator('#logout').click();
  await c.page.locator('#id-form:not([hidden])').waitFor();
  assert.equal((await c.context.request.get(`${s.base}/api/v1/me/locks`)).status(), 401);
  assert.deepEqual(c.errors, []);
  await c.context.close();
});

test('an operator on the citizen page is refused by the API and sees the sign-in form', async () => {
  const o = await newPage();
  await o.page.goto(`${s.base}/login.html`);
  await o.page.locator('#username').fill('registrar1');
  await o.page.locator('#password').fill(srvlib.OPERATOR_PASSWORD);
  await o.page.keyboard.press('Enter');
  await o.page.waitForURL(/registrar\.html/);
  await o.page.goto(`${s.base}/citizen.html`);
  await o.page.locator('#id-form:not([hidden])').waitFor();
  assert.equal(await o.page.locator('#portal').isHidden(), true);
  const st = await o.page.evaluate(async () => {
    const csrf = document.cookie.split('; ').find(k => k.startsWith('sh_op_csrf=')).slice(11);
    return (await fetch('/api/v1/me/family', { headers: { 'X-CSRF-Token': csrf } })).status;
  });
  assert.equal(st, 401);
  await o.context.close();
});

test('the citizen page in Urdu and at 360 px, no serious accessibility fault', async () => {
  const u = await newPage();
  await signIn(u.page, 'ur');
  assert.equal(await u.page.getAttribute('html', 'lang'), 'ur');
  assert.equal(await u.page.getAttribute('html', 'dir'), 'rtl');
  assert.match(await u.page.locator('h1').textContent(), /میرا ریکارڈ/);
  assert.match(await u.page.locator('#verifs tbody').textContent(), /ہاں/);
  await axe(u.page, 'citizen.html (ur, portal)');
  await shot(u.page, 'ur-citizen-1280');
  await u.page.locator('#logout').click();
  await u.page.locator('#id-form:not([hidden])').waitFor();
  await axe(u.page, 'citizen.html (ur, sign-in)');
  await u.context.close();
  const p = await newPage({ width: 360, height: 740 });
  await signIn(p.page, 'en');
  const wide = await p.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(wide, false, 'citizen.html fits 360 px');
  await shot(p.page, 'citizen-360');
  await p.page.locator('#logout').click();
  await p.page.locator('#id-form:not([hidden])').waitFor();
  await axe(p.page, 'citizen.html (en, sign-in)');
  await shot(p.page, 'en-citizen-signin-360');
  await p.context.close();
});
