// bench.mjs — the web pages' figures (issue 16): page weight (HTML + CSS +
// JS per page, fonts apart), load time on loopback in Chromium (navigation
// start to the end of the load event, and for the registrar to the queue on
// screen), and the registrar's queue with N pending notifications (first
// page of 50: the API's time, median of 21, and the page's).
//   node bench/web/bench.mjs   (env BENCH_N, default 10000; SHANAKHT_BIN,
//   SHANAKHT_WEB as for tests/browser)
// Prints a table and, last, the line "web-bench: ...". Never asserts.
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as srvlib from '../../tests/browser/server.mjs';

const SRC = path.resolve(import.meta.dirname, '../..');
const require = createRequire(path.join(SRC, 'deps/npm/package.json'));
const { chromium } = require('playwright-core');
const BIN = process.env.SHANAKHT_BIN || path.join(SRC, 'build/src/shanakht');
const WEB = process.env.SHANAKHT_WEB || path.join(SRC, 'build/web');
const N = Number(process.env.BENCH_N || 10000);
const COUNCIL = 'PB-LHR-01-001';
const day = n => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);

const s = await srvlib.start({ bin: BIN, src: SRC, web: WEB });
const api = (m, p, b, tok) => srvlib.call({ base: s.serverBase }, m, p, b, tok);
await srvlib.operator(s, 'hospital1', 'health_notifier');
await srvlib.operator(s, 'registrar1', 'uc_registrar', COUNCIL);
const hosp = (await api('POST', '/api/v1/session', { username: 'hospital1', password: srvlib.OPERATOR_PASSWORD })).body.token;
const reg = (await api('POST', '/api/v1/session', { username: 'registrar1', password: srvlib.OPERATOR_PASSWORD })).body.token;

// N pending births: one mother each (the birth rules allow one birth per
// mother and date), eight requests at a time.
const t0 = Date.now();
let next = 0, failed = 0;
async function worker() {
  for (let i = next++; i < N; i = next++) {
    const p = await api('POST', '/api/v1/persons', { name_en: `Mother ${i}`, name_ur: 'ماں', guardian_name_en: 'Akbar Ali',
      guardian_relation: 'father', gender: 'female', dob: day(9000 + (i % 3000)), place_of_birth: 'Lahore',
      council_code: COUNCIL, citizenship: 'citizen', reason: 'bench' }, s.admin);
    if (p.status !== 201) { failed++; continue; }
    const b = await api('POST', '/api/v1/notifications/birth', { mother_id: p.body.id_number, sex: 'female',
      date: day(1 + (i % 20)), facility: 'Bench Hospital', council_code: COUNCIL }, hosp);
    if (b.status !== 201) failed++;
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
const seedS = (Date.now() - t0) / 1000;

const times = [];
for (let i = 0; i < 21; i++) {
  const a = process.hrtime.bigint();
  const r = await api('GET', `/api/v1/councils/${COUNCIL}/pending?limit=50`, undefined, reg);
  times.push(Number(process.hrtime.bigint() - a) / 1e6);
  if (r.status !== 200) throw new Error(`pending: ${r.status}`);
}
times.sort((x, y) => x - y);
const apiMs = times[10];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const rows = [];
async function measure(page, url, ready) {
  const bytes = { total: 0 };
  const onResp = async r => {
    if (/\.ttf$/.test(r.url()) || !r.url().startsWith(s.serverBase) || r.url().includes('/api/')) return;
    try { bytes.total += (await r.body()).length; } catch { /* redirect */ }
  };
  page.on('response', onResp);
  const a = Date.now();
  await page.goto(url, { waitUntil: 'load' });
  if (ready) await page.locator(ready).first().waitFor();
  const wall = Date.now() - a;
  const nav = await page.evaluate(() => performance.getEntriesByType('navigation')[0].loadEventEnd);
  await page.waitForLoadState('networkidle');
  page.off('response', onResp);
  return { bytes: bytes.total, loadMs: Math.round(nav), readyMs: wall };
}
const ctx = await browser.newContext();
const page = await ctx.newPage();
for (const p of ['/', '/verify.html', '/login.html']) {
  await measure(page, s.serverBase + p); // warm
  rows.push([p, await measure(page, s.serverBase + p)]);
}
await page.goto(`${s.serverBase}/login.html`);
await page.fill('#username', 'registrar1');
await page.fill('#password', srvlib.OPERATOR_PASSWORD);
await page.press('#password', 'Enter');
await page.waitForURL(/registrar/);
await page.locator('#queue tbody tr').first().waitFor();
rows.push(['/registrar.html (queue of 50 shown)', await measure(page, `${s.serverBase}/registrar.html`, '#queue tbody tr')]);
await ctx.close();
const h = await browser.newContext();
const hp = await h.newPage();
await hp.goto(`${s.serverBase}/login.html`);
await hp.fill('#username', 'hospital1');
await hp.fill('#password', srvlib.OPERATOR_PASSWORD);
await hp.press('#password', 'Enter');
await hp.waitForURL(/health/);
rows.push(['/health.html', await measure(hp, `${s.serverBase}/health.html`, '#console:not([hidden])')]);
await browser.close();
srvlib.stop(s);

console.log(`seeded ${N} pending births in ${seedS.toFixed(1)} s (${failed} refused); load ${os.loadavg().map(x => x.toFixed(1)).join(' ')}`);
console.log(`GET /councils/{code}/pending?limit=50 with ${N} pending: median ${apiMs.toFixed(1)} ms (min ${times[0].toFixed(1)}, max ${times[20].toFixed(1)})`);
console.log('| page | bytes (HTML+CSS+JS) | load event ms | ready ms |');
console.log('|---|---|---|---|');
for (const [p, m] of rows) console.log(`| ${p} | ${m.bytes} | ${m.loadMs} | ${m.readyMs} |`);
const maxBytes = Math.max(...rows.map(r => r[1].bytes)), maxReady = Math.max(...rows.map(r => r[1].readyMs));
console.log(`web-bench: max_page_bytes=${maxBytes} max_ready_ms=${maxReady} queue_first_page_ms=${apiMs.toFixed(1)} pending=${N}`);
