// harness.mjs — what every browser test shares: where the binary, the
// built web/ and the screenshots are (env SHANAKHT_BIN, SHANAKHT_WEB,
// SHANAKHT_SRC, SHANAKHT_SHOTS, set by tests/CMakeLists.txt), Debian's
// chromium through playwright-core, a fresh browser context per page with
// its script errors collected, axe-core (no serious or critical violation),
// screenshots, and the operator sign-in through the login page.
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';
import { OPERATOR_PASSWORD } from './server.mjs';

export const SRC = process.env.SHANAKHT_SRC || path.resolve(import.meta.dirname, '../..');
const require = createRequire(path.join(SRC, 'deps/npm/package.json'));
const { chromium } = require('playwright-core');
const { default: AxeBuilder } = require('@axe-core/playwright');

export const BIN = process.env.SHANAKHT_BIN || path.join(SRC, 'build/src/shanakht');
export const WEB = process.env.SHANAKHT_WEB || path.join(path.dirname(path.dirname(BIN)), 'web');
export const SHOTS = process.env.SHANAKHT_SHOTS || path.join(path.dirname(path.dirname(BIN)), 'screenshots');
export const COUNCIL = 'PB-LHR-01-001';

export const daysAgo = n => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

// --no-sandbox: the tests run as root on CI (docs browser-tests recipe)
export const launch = () => chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

// A page in a context of its own (axe needs a context's page); `errors`
// collects uncaught exceptions and console errors other than a refused
// fetch (which a test provokes on purpose and the page reports in words).
export async function newPage(browser, { viewport = { width: 1280, height: 720 }, acceptDownloads = false } = {}) {
  const context = await browser.newContext({ viewport, acceptDownloads });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', e => errors.push(String(e)));
  page.on('console', m => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) errors.push(m.text()); });
  return { context, page, errors };
}

export async function axe(page, what) {
  const r = await new AxeBuilder({ page }).analyze();
  const bad = r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map(v => `${v.id}: ${v.help} (${v.nodes.map(n => n.target.join(' ')).join(', ')})`), [], `axe on ${what}`);
}

export const shot = (page, name) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });

// Operator sign-in on /login.html; `keyboard` types and tabs like a person
// without a mouse instead of filling the fields.
export async function signIn(page, base, user, { lang = 'en', password = OPERATOR_PASSWORD, keyboard = false } = {}) {
  await page.goto(`${base}/login.html?lang=${lang}`);
  if (keyboard) {
    await page.locator('#username').focus();
    await page.keyboard.type(user);
    await page.keyboard.press('Tab');
    await page.keyboard.type(password);
  } else {
    await page.locator('#username').fill(user);
    await page.locator('#password').fill(password);
  }
  await page.keyboard.press('Enter');
  await page.waitForURL(u => !u.pathname.endsWith('/login.html'));
}
