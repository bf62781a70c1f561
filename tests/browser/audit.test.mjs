// audit.test.mjs — the auditor's page in a real browser against the real
// server behind the answer validator: the log page by page, an entry's
// inclusion proof checked in the page (SHA-256 and Ed25519 in WebCrypto),
// a tampered proof and a tampered entry shown as failed, a registrar on the
// auditor's page refused (and 403 from the API), Urdu, axe, screenshots.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as srvlib from './server.mjs';
import * as h from './harness.mjs';

const { BIN, WEB, SHOTS, SRC, COUNCIL, axe, shot, daysAgo } = h;

let s, browser;

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  s = await srvlib.start({ bin: BIN, src: SRC, web: WEB });
  await srvlib.operator(s, 'auditor1', 'auditor');
  await srvlib.operator(s, 'registrar1', 'uc_registrar', COUNCIL);
  // enough entries for two pages and a proof of some depth
  // (persons, not operators: no password hash to compute for each)
  for (let i = 0; i < 55; i++) {
    const p = await srvlib.call(s, 'POST', '/api/v1/persons', {
      name_en: `Audit ${'Person'.slice(0, 1 + (i % 6))} ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`, name_ur: 'آڈٹ', guardian_name_en: 'Akbar Ali', guardian_relation: 'father',
      gender: 'male', dob: '1990-01-01', place_of_birth: 'Lahore', council_code: COUNCIL,
      citizenship: 'citizen', reason: 'browser test' }, s.admin);
    assert.equal(p.status, 201, p.text);
  }
  browser = await h.launch();
});

const newPage = viewport => h.newPage(browser, { viewport });

after(async () => {
  if (browser) await browser.close();
  if (s) assert.equal(srvlib.stop(s), '', 'every API answer is as docs/openapi.yaml describes');
});

const signIn = (page, user, lang = 'en') => h.signIn(page, s.base, user, { lang });
async function checkRow(page, idx) {
  await page.locator(`#log tr[data-idx="${idx}"] button`).click();
  await page.locator('#proof[data-result]').waitFor();
  const r = await page.locator('#proof').getAttribute('data-result');
  await page.evaluate(() => { delete document.getElementById('proof').dataset.result; });
  return r;
}

test('an auditor checks an inclusion proof in the page; a tampered proof or entry fails', async () => {
  const a = await newPage();
  await signIn(a.page, 'auditor1');
  assert.match(a.page.url(), /\/audit\.html$/);
  await a.page.locator('#log tbody tr').first().waitFor();
  assert.equal(await a.page.locator('#log tbody tr').count(), 50, 'one page of 50');
  // an entry on the second page (older), then a recent one
  await a.page.locator('#older').click();
  await a.page.locator('#log tr[data-idx="3"]').waitFor();
  assert.equal(await checkRow(a.page, 3), 'ok');
  const steps = await a.page.locator('#proof-steps').textContent();
  assert.match(steps, /signed by key/, 'the Ed25519 signature was checked in the page');
  assert.doesNotMatch(steps, /✘/);
  await shot(a.page, 'audit-proof-1280');
  await axe(a.page, 'audit.html (proof)');
  await a.page.locator('#newer').click();
  const newest = await a.page.locator('#log tbody tr').first().getAttribute('data-idx');
  assert.equal(await checkRow(a.page, newest), 'ok');

  // a tampered proof: one hash of the path changed on the way
  await a.page.route('**/api/v1/audit/inclusion*', async route => {
    const r = await route.fetch();
    const p = await r.json();
    p.proof[0] = (p.proof[0][0] === '0' ? '1' : '0') + p.proof[0].slice(1);
    await route.fulfill({ response: r, json: p });
  });
  assert.equal(await checkRow(a.page, newest), 'failed');
  assert.match(await a.page.locator('#proof-msg').textContent(), /FAILED/);
  await shot(a.page, 'audit-tampered-1280');
  await a.page.unroute('**/api/v1/audit/inclusion*');
  // a tampered entry: the action shown is not the one logged
  await a.page.route('**/api/v1/audit/entries*', async route => {
    const r = await route.fetch();
    const j = await r.json();
    for (const e of j.entries) e.action = 'user.nothing_happened';
    await route.fulfill({ response: r, json: j });
  });
  await a.page.reload();
  await a.page.locator('#log tbody tr').first().waitFor();
  const first = await a.page.locator('#log tbody tr').first().getAttribute('data-idx');
  assert.equal(await checkRow(a.page, first), 'failed');
  assert.deepEqual(a.errors, []);
  await a.context.close();
});

test('a registrar on the auditor page is refused by the page and the API', async () => {
  const r = await newPage();
  await signIn(r.page, 'registrar1');
  await r.page.goto(`${s.base}/audit.html`);
  await r.page.locator('#page-msg.error').waitFor();
  assert.match(await r.page.locator('#page-msg').textContent(), /uc_registrar/);
  assert.equal(await r.page.locator('#console').isHidden(), true);
  const st = await r.page.evaluate(async () => {
    const csrf = document.cookie.split('; ').find(c => c.startsWith('sh_op_csrf=')).slice(11);
    return (await fetch('/api/v1/audit/inclusion?index=0', { headers: { 'X-CSRF-Token': csrf } })).status;
  });
  assert.equal(st, 403);
  await r.context.close();
});

test('the auditor page in Urdu and at 360 px', async () => {
  const u = await newPage();
  await signIn(u.page, 'auditor1', 'ur');
  await u.page.locator('#log tbody tr').first().waitFor();
  assert.equal(await u.page.getAttribute('html', 'dir'), 'rtl');
  assert.equal(await checkRow(u.page, await u.page.locator('#log tbody tr').first().getAttribute('data-idx')), 'ok');
  await axe(u.page, 'audit.html (ur)');
  await shot(u.page, 'ur-audit-1280');
  await u.context.close();
  const m = await newPage({ width: 360, height: 740 });
  await signIn(m.page, 'auditor1');
  await m.page.locator('#log tbody tr').first().waitFor();
  const wide = await m.page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);
  assert.equal(wide, false, 'audit.html fits 360 px');
  await shot(m.page, 'en-audit-360');
  await m.context.close();
});
