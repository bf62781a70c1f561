// web.test.mjs — the web pages in a real browser (Debian's chromium, driven
// by playwright-core) against the real server: the birth flow from the
// health facility's notification to the registrar's printed certificate and
// its public verification, a CSRF attempt, a role on another role's page,
// every page in English and Urdu, axe-core on every page (no serious or
// critical violation), and screenshots at 1280x720 and 360x740.
//
//   node --test tests/browser/web.test.mjs   (env SHANAKHT_BIN, SHANAKHT_WEB,
//   SHANAKHT_SRC, SHANAKHT_SHOTS: the binary, the built web/, the sources,
//   where screenshots go)
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as srvlib from './server.mjs';
import * as h from './harness.mjs';

const { BIN, WEB, SHOTS, SRC, COUNCIL, axe, shot, daysAgo } = h;
const PAGES = ['/', '/verify.html', '/login.html', '/health.html', '/registrar.html'];

let s, browser, mother;
const shared = {};


before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  s = await srvlib.start({ bin: BIN, src: SRC, web: WEB });
  await srvlib.operator(s, 'hospital1', 'health_notifier');
  await srvlib.operator(s, 'registrar1', 'uc_registrar', COUNCIL);
  const p = await srvlib.call(s, 'POST', '/api/v1/persons', {
    name_en: 'Ayesha Bibi', name_ur: 'عائشہ بی بی', guardian_name_en: 'Akbar Ali', guardian_relation: 'father',
    gender: 'female', dob: daysAgo(25 * 366), place_of_birth: 'Lahore', council_code: COUNCIL,
    citizenship: 'citizen', reason: 'browser test' }, s.admin);
  assert.equal(p.status, 201, p.text);
  mother = p.body.id_number;
  browser = await h.launch();
});

const newPage = viewport => h.newPage(browser, { viewport });

after(async () => {
  if (browser) await browser.close();
  if (s) assert.equal(srvlib.stop(s), '', 'every API answer is as docs/openapi.yaml describes');
});




// keyboard only: type, Tab, type, Enter
const signIn = (page, user, password = srvlib.OPERATOR_PASSWORD, lang = 'en') =>
  h.signIn(page, s.base, user, { password, lang, keyboard: true });

test('pages are served with their security headers and types', async () => {
  const r = await fetch(`${s.base}/`);
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/html/);
  const csp = r.headers.get('content-security-policy');
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.equal(r.headers.get('x-frame-options'), 'DENY');
  const js = await fetch(`${s.base}/js/common.js`);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const font = await fetch(`${s.base}/fonts/NotoNastaliqUrdu-Regular.ttf`);
  assert.equal(font.status, 200);
  assert.equal(font.headers.get('content-type'), 'font/ttf');
  for (const p of PAGES) assert.doesNotMatch(await (await fetch(s.base + p)).text(), /<script>|\son[a-z]+=/i, `${p}: no inline script`);
});

test('a birth from the facility notification to the printed certificate, verified in public', async () => {
  // the health facility
  const h = await newPage();
  await signIn(h.page, 'hospital1');
  assert.match(h.page.url(), /\/health\.html$/);
  const bf = h.page.locator('#birth-form');
  await bf.locator('[name=mother_id]').fill('12345');
  await bf.locator('[name=sex]').selectOption('male');
  await bf.locator('[name=date]').fill(daysAgo(2));
  await bf.locator('[name=facility]').fill('Lady Willingdon Hospital');
  await bf.locator('[name=council_code]').fill(COUNCIL);
  await bf.locator('button[type=submit]').click();
  // a refused notice says why and keeps what was typed
  await h.page.locator('#birth-msg.error').waitFor();
  assert.match(await h.page.locator('#birth-msg').textContent(), /IDNUM_INVALID|FIELD_INVALID/);
  assert.equal(await bf.locator('[name=facility]').inputValue(), 'Lady Willingdon Hospital');
  await bf.locator('[name=mother_id]').fill(mother);
  await bf.locator('[name=weight_grams]').fill('3100');
  await bf.locator('button[type=submit]').click();
  await h.page.locator('#birth-msg.ok').waitFor();
  const notified = await h.page.locator('#birth-msg').textContent();
  const id = /(\d+)/.exec(notified)[1];
  await shot(h.page, 'health-1280');
  await axe(h.page, 'health.html');
  assert.deepEqual(h.errors, []);

  // a health notifier on the registrar's page: refused, by the page and by the API
  await h.page.goto(`${s.base}/registrar.html`);
  await h.page.locator('#page-msg.error').waitFor();
  assert.match(await h.page.locator('#page-msg').textContent(), /health_notifier/);
  assert.equal(await h.page.locator('#console').isHidden(), true);
  const forbidden = await h.page.evaluate(async council => {
    const csrf = document.cookie.split('; ').find(c => c.startsWith('sh_op_csrf=')).slice(11);
    const r = await fetch(`/api/v1/councils/${council}/pending`, { headers: { 'X-CSRF-Token': csrf } });
    return r.status;
  }, COUNCIL);
  assert.equal(forbidden, 403);
  await h.context.close();

  // the council registrar
  const r = await newPage();
  await signIn(r.page, 'registrar1');
  assert.match(r.page.url(), /\/registrar\.html$/);
  const row = r.page.locator('#queue tbody tr', { hasText: 'hospital1' }).first();
  await row.waitFor();
  await shot(r.page, 'registrar-queue-1280');
  await axe(r.page, 'registrar.html (queue)');
  await row.getByRole('button').click();
  assert.match(await r.page.locator('#review-h').textContent(), new RegExp(id));
  await r.page.locator('#register-form [name=name_en]').fill('Bilal Ahmed');
  await r.page.locator('#register-form [name=name_ur]').fill('بلال احمد');
  await r.page.locator('#register-form button[type=submit]').click();
  await r.page.locator('#review-msg.ok').waitFor();
  assert.match(await r.page.locator('#review-msg').textContent(), /B-\d{4}-\d+/);
  await r.page.locator('#cert-go').click();
  await r.page.locator('#cert-link:not([hidden])').waitFor();
  const href = await r.page.locator('#cert-link').getAttribute('href');
  assert.match(href, /^blob:/);
  const serial = (await r.page.locator('#cert-link').getAttribute('download')).replace(/\.pdf$/, '');
  assert.match(await r.page.locator('#review-msg').textContent(), new RegExp(serial));
  const sess = (await r.context.cookies()).find(c => c.name === 'sh_op');
  assert.equal(sess.httpOnly, true);
  assert.equal(sess.sameSite, 'Strict');
  assert.equal(await r.page.evaluate(() => document.cookie.includes('sh_op=')), false, 'the page script cannot read the session');
  const csrfTok = (await r.context.cookies()).find(c => c.name === 'sh_op_csrf').value;
  const pdf = await r.context.request.get(`${s.base}/api/v1/certificates/${serial}.pdf`, { headers: { 'X-CSRF-Token': csrfTok } });
  assert.equal(pdf.status(), 200);
  assert.equal((await pdf.body()).subarray(0, 5).toString(), '%PDF-', 'the printed certificate is a PDF');
  shared.serial = serial;
  await shot(r.page, 'registrar-certificate-1280');
  await axe(r.page, 'registrar.html (review)');

  // a CSRF attempt: the session cookie without its token is refused
  const csrf = await r.context.request.post(`${s.base}/api/v1/notifications/${id}/reject`, {
    data: { reason: 'forged' }, headers: { 'Content-Type': 'application/json' } });
  assert.equal(csrf.status(), 401);
  assert.equal((await csrf.json()).error.code, 'CSRF_TOKEN');
  const wrong = await r.context.request.get(`${s.base}/api/v1/session`, { headers: { 'X-CSRF-Token': 'f'.repeat(64) } });
  assert.equal(wrong.status(), 401);
  // sign out: the cookie session is revoked
  await r.page.locator('#logout').click();
  await r.page.waitForURL(/login\.html/);
  const gone = await r.context.request.get(`${s.base}/api/v1/session`);
  assert.equal(gone.status(), 401);
  assert.deepEqual(r.errors, []);
  await r.context.close();

  // anyone verifies the certificate
  const v = await newPage({ width: 360, height: 740 });
  await v.page.goto(`${s.base}/verify.html`);
  await v.page.locator('#serial').fill(serial);
  await v.page.keyboard.press('Enter');
  await v.page.locator('#verdict.ok').waitFor();
  await shot(v.page, 'verify-360');
  await axe(v.page, 'verify.html (result)');
  await v.context.close();
});

test('every page in Urdu: lang, dir=rtl, Urdu words, no serious accessibility fault', async () => {
  const u = await newPage();
  for (const p of PAGES) {
    await u.page.goto(`${s.base}${p}?lang=ur`);
    await u.page.waitForLoadState('networkidle');
    assert.equal(await u.page.getAttribute('html', 'lang'), 'ur', p);
    assert.equal(await u.page.getAttribute('html', 'dir'), 'rtl', p);
    assert.match(await u.page.locator('header .brand').textContent(), /شناخت/);
    await axe(u.page, `${p} (ur)`);
    await shot(u.page, `ur${p === '/' ? '-index' : p.replace(/\//g, '-').replace('.html', '')}-1280`);
  }
  // the language sticks to the next page, in this browser only
  await u.page.goto(`${s.base}/verify.html`);
  assert.equal(await u.page.getAttribute('html', 'dir'), 'rtl');
  await u.context.close();
});

test('every page in English at both sizes, no serious accessibility fault', async () => {
  for (const vp of [{ width: 1280, height: 720 }, { width: 360, height: 740 }]) {
    const e = await newPage(vp);
    for (const p of PAGES) {
      await e.page.goto(`${s.base}${p}?lang=en`);
      await e.page.waitForLoadState('networkidle');
      assert.equal(await e.page.getAttribute('html', 'dir'), 'ltr');
      if (vp.width === 1280) await axe(e.page, `${p} (en)`);
      // nothing wider than the screen
      const wide = await e.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
      assert.equal(wide, false, `${p} fits ${vp.width} px`);
      await shot(e.page, `en${p === '/' ? '-index' : p.replace(/\//g, '-').replace('.html', '')}-${vp.width}`);
    }
    assert.deepEqual(e.errors.filter(x => !/401/.test(x)), []);
    await e.context.close();
  }
});
