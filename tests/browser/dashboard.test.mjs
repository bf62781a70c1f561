// dashboard.test.mjs — the vital-statistics dashboard in a real browser
// (Debian's chromium, playwright-core) against the real server behind the
// answer validator: a registered birth shows in the tables beside the
// charts, in English at 1280x720 and in Urdu (lang=ur, dir=rtl, numbers of
// the locale) at 360x740; axe-core finds no serious or critical violation;
// the page weighs at most 150 KB without fonts; a registrar is refused by
// the page and by the API. Screenshots go to SHANAKHT_SHOTS.
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
  await srvlib.operator(s, 'hospital1', 'health_notifier');
  await srvlib.operator(s, 'registrar1', 'uc_registrar', COUNCIL);
  await srvlib.operator(s, 'planner1', 'planner');
  const p = await srvlib.call(s, 'POST', '/api/v1/persons', {
    name_en: 'Ayesha Bibi', name_ur: 'عائشہ بی بی', guardian_name_en: 'Akbar Ali', guardian_relation: 'father',
    gender: 'female', dob: daysAgo(25 * 366), place_of_birth: 'Lahore', council_code: COUNCIL,
    citizenship: 'citizen', reason: 'browser test' }, s.admin);
  assert.equal(p.status, 201, p.text);
  const hosp = (await srvlib.call(s, 'POST', '/api/v1/session', { username: 'hospital1', password: srvlib.OPERATOR_PASSWORD })).body.token;
  const reg = (await srvlib.call(s, 'POST', '/api/v1/session', { username: 'registrar1', password: srvlib.OPERATOR_PASSWORD })).body.token;
  const n = await srvlib.call(s, 'POST', '/api/v1/notifications/birth', {
    mother_id: p.body.id_number, sex: 'male', date: daysAgo(1), place: 'Lahore', facility: 'Services Hospital',
    birth_order: 1, council_code: COUNCIL }, hosp);
  assert.equal(n.status, 201, n.text);
  const r = await srvlib.call(s, 'POST', `/api/v1/notifications/${n.body.id}/register`,
    { name_en: 'Ali Khan', name_ur: 'علی خان' }, reg);
  assert.equal(r.status, 200, r.text);
  browser = await h.launch();
});

const newPage = viewport => h.newPage(browser, { viewport });

after(async () => {
  if (browser) await browser.close();
  if (s) assert.equal(srvlib.stop(s), '', 'every API answer is as docs/openapi.yaml describes');
});


const signIn = (page, user) => h.signIn(page, s.base, user);


async function pageWeight(page) {
  // the page's own HTML, CSS and JS, from what the browser fetched for it
  return page.evaluate(() => performance.getEntriesByType('resource').concat(performance.getEntriesByType('navigation'))
    .filter(e => !/\/fonts\/|\/api\//.test(e.name)).reduce((n, e) => n + (e.decodedBodySize || 0), 0));
}

test('a planner sees the registered birth in English at 1280x720', async () => {
  const { context, page, errors } = await newPage({ width: 1280, height: 720 });
  await page.goto(`${s.base}/login.html?lang=en`);
  await signIn(page, 'planner1');
  assert.match(page.url(), /\/dashboard\.html$/);
  await page.locator('#dash-msg.ok').waitFor();
  const comp = page.locator('#t-comp tbody tr');
  assert.equal(await comp.first().locator('th').textContent(), 'Pakistan');
  assert.equal(await comp.first().locator('td').first().textContent(), '1');
  const punjab = page.locator('#t-time tbody tr', { hasText: 'Punjab' });
  assert.equal(await punjab.locator('td').first().textContent(), '1');
  assert.equal(await punjab.locator('td').nth(1).textContent(), '100%');
  for (const id of ['chart-comp', 'chart-time', 'chart-month']) {
    const svg = page.locator(`#${id} svg`);
    assert.equal(await svg.count(), 1, `${id} drawn`);
    assert.ok(await svg.locator('rect').count() > 0, `${id} has bars`);
    assert.ok(await svg.getAttribute('aria-labelledby'), `${id} is labelled`);
  }
  // districts: Lahore appears, counted by the event's council
  await page.locator('[name=level]').selectOption('district');
  await page.locator('#period button[type=submit]').click();
  await page.locator('#t-time tbody tr', { hasText: 'Lahore' }).waitFor();
  await page.locator('[name=level]').selectOption('province');
  await page.locator('#period button[type=submit]').click();
  await page.locator('#t-time tbody tr', { hasText: 'Punjab' }).waitFor();
  await axe(page, 'dashboard (en)');
  const weight = await pageWeight(page);
  console.log(`dashboard page weight: ${weight} bytes without fonts`);
  assert.ok(weight > 50000 && weight <= 150 * 1024, `page weight ${weight}`);
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-en-1280.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('in Urdu at 360x740: rtl, names and numbers of the locale, nothing wider than the phone', async () => {
  const { context, page, errors } = await newPage({ width: 360, height: 740 });
  await signIn(page, 'planner1');
  await page.goto(`${s.base}/dashboard.html?lang=ur`);
  await page.locator('#dash-msg.ok').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ur');
  assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  const first = page.locator('#t-comp tbody tr').first();
  assert.equal(await first.locator('th').textContent(), 'پاکستان');
  const want = await page.evaluate(() => new Intl.NumberFormat('ur-PK').format(1));
  assert.equal(await first.locator('td').first().textContent(), want);
  assert.equal(await page.locator('#t-month thead th').first().textContent(), 'مہینہ');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `page is ${wide}px wide`);
  await axe(page, 'dashboard (ur)');
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-ur-360.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a registrar is refused by the page and by the API', async () => {
  const { context, page } = await newPage({ width: 1280, height: 720 });
  await signIn(page, 'registrar1');
  await page.goto(`${s.base}/dashboard.html`);
  await page.locator('#page-msg.error').waitFor();
  assert.match(await page.locator('#page-msg').textContent(), /planners/);
  assert.equal(await page.locator('#console').isHidden(), true);
  const status = await page.evaluate(async () => {
    const csrf = document.cookie.split('; ').find(c => c.startsWith('sh_op_csrf=')).slice(11);
    return (await fetch('/api/v1/stats/vital?from=2025-01&to=2025-02', { headers: { 'X-CSRF-Token': csrf } })).status;
  });
  assert.equal(status, 403);
  await context.close();
});
