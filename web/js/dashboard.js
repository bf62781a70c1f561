// dashboard.js — the vital-statistics dashboard: GET /api/v1/stats/vital
// for a period and level, drawn as SVG bar charts with d3 (d3-scale,
// d3-axis, d3-selection: the UMD builds in /vendor, loaded before this
// module), each chart with its table beside it as the text alternative.
// Right-to-left in Urdu: the value axes run from the right.
import './dashboard-words.js';
import { api, errorText, say, busy, t, fmtNum, lang, requireOperator } from './common.js';

const d3 = globalThis.d3;
const locale = lang === 'ur' ? 'ur-PK' : 'en-PK';
const rtl = lang === 'ur';
const pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
const kinds = ['births', 'deaths', 'marriages', 'divorces'];
const out = document.getElementById('page-msg');
const msg = document.getElementById('dash-msg');
const form = document.getElementById('period');
let last = null;

const me = await requireOperator(['planner', 'auditor', 'admin'], 'dash_for');
if (me) start();

function monthStr(d) { return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`; }
function monthLabel(m) {
  const [y, mo] = m.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(Date.UTC(y, mo - 1, 1));
}
const areaName = a => (rtl && a.name_ur) ? a.name_ur : a.name_en;
const orNa = (v, f) => (v === null || v === undefined ? t('dash_na') : f(v));

function start() {
  document.getElementById('console').hidden = false;
  const now = new Date();
  form.to.value = monthStr(now);
  form.from.value = monthStr(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 11, 1)));
  form.addEventListener('submit', ev => { ev.preventDefault(); load(); });
  document.getElementById('csv').addEventListener('click', ev => { ev.preventDefault(); csv(); });
  load();
}

function query() {
  const from = form.from.value, to = form.to.value;
  if (!/^\d{4}-\d{2}$/.test(from) || !/^\d{4}-\d{2}$/.test(to) || to < from) return null;
  return `from=${from}&to=${to}&level=${encodeURIComponent(form.level.value)}`;
}

async function load() {
  const q = query();
  if (!q) { say(msg, t('dash_bad_period')); return; }
  await busy(form, async () => {
    try {
      const r = await api('GET', `/api/v1/stats/vital?${q}`);
      last = r;
      draw(r);
    } catch (e) { say(msg, errorText(e)); }
  });
}

async function csv() {
  const q = query();
  if (!q) { say(msg, t('dash_bad_period')); return; }
  try {
    const blob = await api('GET', `/api/v1/stats/vital.csv?${q}`);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(blob);
    a.download = `vital-statistics-${form.from.value}-${form.to.value}.csv`;
    document.body.append(a);
    a.click();
    a.remove();
  } catch (e) { say(msg, errorText(e)); }
}

function cell(tr, text, num) {
  const td = document.createElement(tr.children.length ? 'td' : 'th');
  if (!tr.children.length) td.scope = 'row';
  if (num) td.className = 'num';
  td.textContent = text;
  tr.append(td);
}
function fill(id, rows) {
  const tb = document.querySelector(`#${id} tbody`);
  tb.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement('tr');
    r.forEach((v, i) => cell(tr, v, i > 0));
    tb.append(tr);
  }
}

// Horizontal bars of a share (0..1), one per area.
function hbars(id, capId, rows) {
  const el = document.getElementById(id);
  el.replaceChildren();
  if (!d3 || !d3.scaleLinear) return;
  if (!rows.length) { const p = document.createElement('p'); p.textContent = t('dash_none'); el.append(p); return; }
  const W = 560, bar = 22, M = { top: 8, bottom: 28, side: 150, end: 16 };
  const H = M.top + M.bottom + bar * rows.length;
  const max = Math.max(1, ...rows.map(r => r.v));
  const x = d3.scaleLinear().domain([0, max]).range(rtl ? [W - M.side, M.end] : [M.side, W - M.end]);
  const y = d3.scaleBand().domain(rows.map(r => r.label)).range([M.top, H - M.bottom]).padding(0.2);
  const svg = d3.select(el).append('svg').attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img').attr('aria-labelledby', capId);
  svg.append('g').selectAll('rect').data(rows).join('rect').attr('class', 'bar')
    .attr('x', d => Math.min(x(0), x(d.v))).attr('width', d => Math.abs(x(d.v) - x(0)))
    .attr('y', d => y(d.label)).attr('height', y.bandwidth());
  svg.append('line').attr('class', 'target').attr('x1', x(1)).attr('x2', x(1)).attr('y1', M.top).attr('y2', H - M.bottom);
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`)
    .call(d3.axisBottom(x).ticks(5).tickFormat(v => pct.format(v)));
  svg.append('g').attr('transform', `translate(${rtl ? W - M.side : M.side},0)`)
    .call((rtl ? d3.axisRight(y) : d3.axisLeft(y)).tickSizeOuter(0));
}

// Grouped vertical bars: the four kinds per month.
function monthly(id, capId, months) {
  const el = document.getElementById(id);
  el.replaceChildren();
  if (!d3 || !d3.scaleLinear) return;
  const W = 560, H = 260, M = { top: 10, bottom: 40, side: 48, end: 10 };
  const x0 = d3.scaleBand().domain(months.map(m => m.month)).range(rtl ? [W - M.side, M.end] : [M.side, W - M.end]).padding(0.15);
  const x1 = d3.scaleBand().domain(kinds).range([0, x0.bandwidth()]).padding(0.05);
  const max = Math.max(1, ...months.flatMap(m => kinds.map(k => m[k])));
  const y = d3.scaleLinear().domain([0, max]).nice().range([H - M.bottom, M.top]);
  const svg = d3.select(el).append('svg').attr('viewBox', `0 0 ${W} ${H}`)
    .attr('role', 'img').attr('aria-labelledby', capId);
  svg.append('g').selectAll('g').data(months).join('g')
    .attr('transform', m => `translate(${x0(m.month)},0)`)
    .selectAll('rect').data(m => kinds.map((k, i) => ({ k, i, v: m[k] }))).join('rect')
    .attr('class', d => (d.i ? `bar k${d.i}` : 'bar'))
    .attr('x', d => (rtl ? x0.bandwidth() - x1(d.k) - x1.bandwidth() : x1(d.k))).attr('width', x1.bandwidth())
    .attr('y', d => y(d.v)).attr('height', d => y(0) - y(d.v));
  const every = Math.ceil(months.length / 6);
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`)
    .call(d3.axisBottom(x0).tickValues(months.filter((_, i) => i % every === 0).map(m => m.month)).tickFormat(monthLabel));
  svg.append('g').attr('transform', `translate(${rtl ? W - M.side : M.side},0)`)
    .call((rtl ? d3.axisRight(y) : d3.axisLeft(y)).ticks(5).tickFormat(v => fmtNum(v)));
}

function draw(r) {
  const n = r.national;
  const total = kinds.reduce((s, k) => s + n.total[k], 0);
  say(msg, t('dash_loaded', { from: monthLabel(r.from), to: monthLabel(r.to), n: fmtNum(total) }), 'ok');
  document.getElementById('dash-notes').textContent =
    t('dash_notes', { census: r.census_source, cbr: fmtNum(r.expected_cbr_per_1000) });
  document.getElementById('time-hint').textContent = t('dash_time_hint', { days: fmtNum(r.late_days) });
  const areas = [n, ...r.areas];
  const withComp = areas.filter(a => a.total.completeness !== null);
  fill('t-comp', areas.filter(a => a.total.completeness !== null || a.total.births > 0).map(a => [
    areaName(a), fmtNum(a.total.births), orNa(a.total.expected_births, fmtNum), orNa(a.total.completeness, v => pct.format(v))]));
  hbars('chart-comp', 'cap-comp', withComp.map(a => ({ label: areaName(a), v: a.total.completeness })));
  const withBirths = areas.filter(a => a.total.births > 0 || a.total.deaths > 0);
  fill('t-time', withBirths.map(a => [
    areaName(a), fmtNum(a.total.births), orNa(a.total.birth_timeliness, v => pct.format(v)),
    fmtNum(a.total.deaths), orNa(a.total.death_timeliness, v => pct.format(v))]));
  hbars('chart-time', 'cap-time', withBirths.filter(a => a.total.birth_timeliness !== null)
    .map(a => ({ label: areaName(a), v: a.total.birth_timeliness })));
  fill('t-month', n.months.map(m => [monthLabel(m.month), ...kinds.map(k => fmtNum(m[k]))]));
  monthly('chart-month', 'cap-month', n.months);
  const lg = document.getElementById('legend');
  lg.replaceChildren(...kinds.map((k, i) => {
    const li = document.createElement('li');
    const sw = document.createElement('span');
    sw.className = `k${i}`;
    sw.setAttribute('aria-hidden', 'true');
    li.append(sw, t(`dash_${k}`));
    return li;
  }));
}
