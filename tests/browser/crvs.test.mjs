// crvs.test.mjs — the nikah registrar's and the court's pages in a real
// browser against the real server behind the answer validator: a marriage
// submitted by a licensed nikah registrar (a missing consent refused with
// the form kept), registered by the council registrar and its certificate
// issued and verified in public; a divorce decree from the court clerk,
// registered and certified; a nikah registrar on the court's page refused
// (by the page and with 403 by the API); Urdu and English, axe-core,
// screenshots.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as srvlib from './server.mjs';
import * as h from './harness.mjs';

const { BIN, WEB, SHOTS, SRC, COUNCIL, axe, shot, daysAgo } = h;

let s, browser;
const ids = {};

async function person(key, name_en, name_ur, gender, years) {
  const p = await srvlib.call(s, 'POST', '/api/v1/persons', {
    name_en, name_ur, guardian_name_en: 'Akbar Ali', guardian_relation: 'father', gender,
    dob: daysAgo(years * 366), place_of_birth: 'Lahore', council_code: COUNCIL, citizenship: 'citizen',
    reason: 'browser test' }, s.admin);
  assert.equal(p.status, 201, p.text);
  ids[key] = p.body.id_number;
}

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  s = await srvlib.start({ bin: BIN, src: SRC, web: WEB });
  await person('husband', 'Usman Tariq', 'عثمان طارق', 'male', 30);
  await person('wife', 'Maryam Saleem', 'مریم سلیم', 'female', 27);
  await person('w1', 'Kamran Iqbal', 'کامران اقبال', 'male', 45);
  await person('w2', 'Rashid Mehmood', 'راشد محمود', 'male', 50);
  await srvlib.operator(s, 'nikah1', 'nikah_registrar', COUNCIL);
  await srvlib.operator(s, 'registrar1', 'uc_registrar', COUNCIL);
  await srvlib.operator(s, 'court1', 'court_clerk', COUNCIL);
  const l = await srvlib.call(s, 'POST', '/api/v1/nikah-registrars', { username: 'nikah1', council_code: COUNCIL }, s.admin);
  assert.equal(l.status, 201, l.text);
  browser = await h.launch();
});

const newPage = viewport => h.newPage(browser, { viewport });

after(async () => {
  if (browser) await browser.close();
  if (s) assert.equal(srvlib.stop(s), '', 'every API answer is as docs/openapi.yaml describes');
});

const signIn = (page, user, lang = 'en') => h.signIn(page, s.base, user, { lang });

// The registrar registers the pending event `submittedBy` sent, issues its
// certificate, and the certificate verifies in public.
async function registerAndCertify(submittedBy, kind, shotName) {
  const r = await newPage();
  await signIn(r.page, 'registrar1');
  const row = r.page.locator('#queue tbody tr', { hasText: submittedBy }).first();
  await row.waitFor();
  assert.match(await row.textContent(), new RegExp(kind));
  await row.getByRole('button').click();
  await r.page.locator('#register-form button[type=submit]').click();
  await r.page.locator('#review-msg.ok').waitFor();
  assert.match(await r.page.locator('#review-msg').textContent(), kind === 'marriage' ? /M-\d{4}-\d+/ : /T-\d{4}-\d+/);
  assert.match(await r.page.locator('#cert-go').textContent(), new RegExp(`${kind} certificate`));
  await r.page.locator('#cert-go').click();
  await r.page.locator('#cert-link:not([hidden])').waitFor();
  const serial = (await r.page.locator('#cert-link').getAttribute('download')).replace(/\.pdf$/, '');
  await shot(r.page, shotName);
  await axe(r.page, `registrar.html (${kind} certificate)`);
  assert.deepEqual(r.errors, []);
  await r.context.close();
  const v = await srvlib.call(s, 'GET', `/api/v1/certificates/${serial}/verify`);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.body.valid, true);
  return serial;
}

test('a marriage from the nikah registrar to its certificate, then a divorce decree from the court', async () => {
  const n = await newPage();
  await signIn(n.page, 'nikah1');
  assert.match(n.page.url(), /\/nikah\.html$/);
  const f = n.page.locator('#marriage-form');
  await f.locator('[name=husband_id]').fill(ids.husband);
  await f.locator('[name=wife_id]').fill(ids.wife);
  await f.locator('[name=witness1]').fill(ids.w1);
  await f.locator('[name=witness2]').fill(ids.w2);
  await f.locator('[name=date]').fill(daysAgo(3));
  await f.locator('[name=place]').fill('Lahore');
  await f.locator('[name=dower]').fill('PKR 100000');
  await f.locator('[name=husband_consent]').check();
  await f.locator('button[type=submit]').click();
  // the wife's consent is missing: refused, and what was typed is kept
  await n.page.locator('#marriage-msg.error').waitFor();
  assert.match(await n.page.locator('#marriage-msg').textContent(), /CONSENT_REQUIRED/);
  assert.equal(await f.locator('[name=dower]').inputValue(), 'PKR 100000');
  await f.locator('[name=wife_consent]').check();
  await f.locator('button[type=submit]').click();
  await n.page.locator('#marriage-msg.ok').waitFor();
  await shot(n.page, 'nikah-1280');
  await axe(n.page, 'nikah.html');

  // a nikah registrar on the court's page: refused by the page and the API
  await n.page.goto(`${s.base}/court.html`);
  await n.page.locator('#page-msg.error').waitFor();
  assert.match(await n.page.locator('#page-msg').textContent(), /nikah_registrar/);
  assert.equal(await n.page.locator('#console').isHidden(), true);
  const forbidden = await n.page.evaluate(async body => {
    const csrf = document.cookie.split('; ').find(c => c.startsWith('sh_op_csrf=')).slice(11);
    const r = await fetch('/api/v1/divorces', { method: 'POST', body: JSON.stringify(body),
      headers: { 'X-CSRF-Token': csrf, 'Content-Type': 'application/json' } });
    return r.status;
  }, { husband_id: ids.husband, wife_id: ids.wife, type: 'decree', date: daysAgo(1), decree_ref: 'X-1', council_code: COUNCIL });
  assert.equal(forbidden, 403);
  assert.deepEqual(n.errors, []);
  await n.context.close();

  const marriage = await registerAndCertify('nikah1', 'marriage', 'registrar-marriage-1280');
  assert.match(marriage, /^MRC-/);

  const c = await newPage();
  await signIn(c.page, 'court1');
  assert.match(c.page.url(), /\/court\.html$/);
  const d = c.page.locator('#divorce-form');
  await d.locator('[name=husband_id]').fill(ids.husband);
  await d.locator('[name=wife_id]').fill(ids.wife);
  await d.locator('[name=type]').selectOption('decree');
  await d.locator('[name=date]').fill(daysAgo(1));
  await d.locator('button[type=submit]').click();
  // a decree without its reference: the page says what to type
  await c.page.locator('#divorce-msg.error').waitFor();
  await d.locator('[name=decree_ref]').fill('FC-LHR-2026-0042');
  await d.locator('button[type=submit]').click();
  await c.page.locator('#divorce-msg.ok').waitFor();
  await shot(c.page, 'court-1280');
  await axe(c.page, 'court.html');
  assert.deepEqual(c.errors, []);
  await c.context.close();

  await registerAndCertify('court1', 'divorce', 'registrar-divorce-1280');
});

test('the nikah and court pages in Urdu and at 360 px', async () => {
  for (const [user, p] of [['nikah1', '/nikah.html'], ['court1', '/court.html']]) {
    const u = await newPage();
    await signIn(u.page, user, 'ur');
    assert.match(u.page.url(), new RegExp(`${p.replace('.', '\\.')}$`));
    assert.equal(await u.page.getAttribute('html', 'lang'), 'ur');
    assert.equal(await u.page.getAttribute('html', 'dir'), 'rtl');
    await u.page.locator('#console:not([hidden])').waitFor();
    await axe(u.page, `${p} (ur)`);
    await shot(u.page, `ur${p.replace(/\//g, '-').replace('.html', '')}-1280`);
    await u.context.close();
    const m = await newPage({ width: 360, height: 740 });
    await signIn(m.page, user, 'en');
    await m.page.locator('#console:not([hidden])').waitFor();
    const wide = await m.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
    assert.equal(wide, false, `${p} fits 360 px`);
    await shot(m.page, `en${p.replace(/\//g, '-').replace('.html', '')}-360`);
    await m.context.close();
  }
});
