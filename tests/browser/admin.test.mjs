// admin.test.mjs — the administrator's console (issue 16: an admin
// console) in Debian's chromium against the real server behind the answer
// validator: an administrator signs in and lands on it, creates an
// operator who can then sign in, disables her (she cannot sign in) and
// enables her again, resets her password (the new one works, the old one
// not); registers a capture device and revokes it with a reason; axe finds
// no serious or critical violation in English and in Urdu at 360 px (rtl,
// nothing wider than the phone); a registrar is refused by the page and by
// the API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import * as srvlib from './server.mjs';
import * as h from './harness.mjs';

const { BIN, WEB, SHOTS, SRC, COUNCIL, axe, shot } = h;
let s, browser;

before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  s = await srvlib.start({ bin: BIN, src: SRC, web: WEB });
  await srvlib.operator(s, 'admin2', 'admin');
  await srvlib.operator(s, 'registrar1', 'uc_registrar', COUNCIL);
  browser = await h.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (s) assert.equal(srvlib.stop(s), '', 'every API answer is as docs/openapi.yaml describes');
});

const login = (username, password) => srvlib.call(s, 'POST', '/api/v1/session', { username, password });
const row = (page, user) => page.locator('#users tbody tr', { has: page.locator('td', { hasText: new RegExp(`^${user}$`) }) });

test('an administrator manages operators and capture devices', async () => {
  const { context, page, errors } = await h.newPage(browser);
  await h.signIn(page, s.base, 'admin2');
  assert.match(page.url(), /\/admin\.html$/, 'the admin lands on the console');
  await row(page, 'registrar1').waitFor();
  assert.match(await row(page, 'registrar1').textContent(), /council registrar/);

  // a new operator, who can then sign in
  const first = 'first-password-0001', second = 'second-password-0002';
  await page.locator('#new-username').fill('clerk9');
  await page.locator('#new-role').selectOption('court_clerk');
  await page.locator('#new-password').fill(first);
  await page.locator('#user-form button[type=submit]').click();
  await page.locator('#user-msg.ok').waitFor();
  await row(page, 'clerk9').waitFor();
  assert.equal((await login('clerk9', first)).status, 200);

  // disabled: she cannot sign in; enabled again: she can
  await row(page, 'clerk9').getByRole('button', { name: 'Disable clerk9' }).click();
  await page.locator('#users-msg.ok').waitFor();
  assert.match(await row(page, 'clerk9').textContent(), /disabled/);
  assert.notEqual((await login('clerk9', first)).status, 200, 'a disabled operator cannot sign in');
  await row(page, 'clerk9').getByRole('button', { name: 'Enable clerk9' }).click();
  await page.locator('#users-msg.ok', { hasText: 'enabled' }).waitFor();
  assert.match(await row(page, 'clerk9').textContent(), /active/);
  assert.equal((await login('clerk9', first)).status, 200);

  // a password reset: the new one works, the old one no longer
  await row(page, 'clerk9').getByRole('button', { name: 'Reset password clerk9' }).click();
  await page.locator('#reset-password').fill('short');
  await page.locator('#reset-form button[type=submit]').click();
  await page.locator('#users-msg.error').waitFor();
  await page.locator('#reset-password').fill(second);
  await page.locator('#reset-form button[type=submit]').click();
  await page.locator('#users-msg.ok', { hasText: 'password' }).waitFor();
  assert.equal(await page.locator('#reset-form').isHidden(), true);
  assert.equal((await login('clerk9', second)).status, 200);
  assert.notEqual((await login('clerk9', first)).status, 200);

  // a capture device registered, looked up, revoked with a reason
  const key = crypto.randomBytes(32).toString('hex');
  const dev = page.locator('#device-form');
  await dev.locator('[name=device_id]').fill('DEV-ADM-1');
  await dev.locator('[name=make]').fill('Acme');
  await dev.locator('[name=model]').fill('FP-500');
  await dev.locator('[name=serial]').fill('SN-77');
  await dev.locator('[name=approved_on]').fill('2026-01-15');
  await dev.locator('[name=council_code]').fill(COUNCIL);
  await dev.locator('[name=public_key]').fill(key);
  await dev.locator('button[type=submit]').click();
  await page.locator('#device-msg.ok').waitFor();
  assert.match(await page.locator('#device-facts').textContent(), /approved/);
  assert.match(await page.locator('#device-facts').textContent(), new RegExp(key));
  await page.locator('#find-device').fill('NO-SUCH-DEVICE');
  await page.locator('#device-find button[type=submit]').click();
  await page.locator('#device-msg.error').waitFor();
  assert.equal(await page.locator('#device').isHidden(), true);
  await page.locator('#find-device').fill('DEV-ADM-1');
  await page.locator('#device-find button[type=submit]').click();
  await page.locator('#device').waitFor();
  await page.locator('#revoke-reason').fill('lost at the council office');
  await page.locator('#revoke-form button[type=submit]').click();
  await page.locator('#device-msg.ok').waitFor();
  assert.match(await page.locator('#device-facts').textContent(), /revoked/);
  assert.equal(await page.locator('#revoke-form').isHidden(), true);
  const d = await srvlib.call(s, 'GET', '/api/v1/biometrics/devices/DEV-ADM-1', undefined, s.admin);
  assert.equal(d.body.status, 'revoked', d.text);

  await axe(page, 'admin (en)');
  await shot(page, 'admin-en-1280');
  assert.deepEqual(errors, []);
  await context.close();
});

test('in Urdu at 360x740: rtl, accessible, nothing wider than the phone', async () => {
  const { context, page, errors } = await h.newPage(browser, { viewport: { width: 360, height: 740 } });
  await h.signIn(page, s.base, 'admin2');
  await page.goto(`${s.base}/admin.html?lang=ur`);
  await row(page, 'registrar1').waitFor();
  assert.equal(await page.locator('html').getAttribute('lang'), 'ur');
  assert.equal(await page.locator('html').getAttribute('dir'), 'rtl');
  const wide = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(wide <= 360, `page is ${wide}px wide`);
  await axe(page, 'admin (ur)');
  await shot(page, 'admin-ur-360');
  assert.deepEqual(errors, []);
  await context.close();
});

test('a registrar is refused by the page and by the API', async () => {
  const { context, page } = await h.newPage(browser);
  await h.signIn(page, s.base, 'registrar1');
  await page.goto(`${s.base}/admin.html`);
  await page.locator('#page-msg.error').waitFor();
  assert.equal(await page.locator('#console').isHidden(), true);
  const status = await page.evaluate(async () => {
    const csrf = document.cookie.split('; ').find(c => c.startsWith('sh_op_csrf=')).slice(11);
    return (await fetch('/api/v1/users', { headers: { 'X-CSRF-Token': csrf } })).status;
  });
  assert.equal(status, 403);
  await context.close();
});
