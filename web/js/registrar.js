// registrar.js — a union council registrar's console: the council's pending
// queue (GET /api/v1/councils/{code}/pending), review of one event, register
// or reject with a reason, and the birth certificate (POST
// /api/v1/certificates, then its PDF fetched with the session to print).
import { api, errorText, say, busy, t, fmtDate, fmtNum, formValues, requireOperator } from './common.js';

const PAGE = 50;
let limit = PAGE, current = null;
const me = await requireOperator(['uc_registrar', 'admin'], 'nav_registrar');
const out = document.getElementById('page-msg');
const msg = document.getElementById('review-msg');

function cell(tr, text) { const td = document.createElement('td'); td.textContent = text; tr.append(td); return td; }

async function load() {
  try {
    const r = await api('GET', `/api/v1/councils/${encodeURIComponent(me.council_code)}/pending?limit=${limit}`);
    const tb = document.querySelector('#queue tbody');
    tb.replaceChildren();
    for (const e of r.pending) {
      const tr = document.createElement('tr');
      cell(tr, fmtNum(e.id)); cell(tr, e.kind); cell(tr, fmtDate(e.date));
      cell(tr, e.late ? t('late_yes') : t('late_no')); cell(tr, e.submitted_by);
      const b = document.createElement('button');
      b.type = 'button'; b.className = 'secondary'; b.textContent = t('review');
      b.setAttribute('aria-label', `${t('review')} ${e.id}`);
      b.onclick = () => review(e);
      cell(tr, '').append(b);
      tb.append(tr);
    }
    document.getElementById('shown').textContent = r.pending.length ? t('reg_shown', { n: fmtNum(r.pending.length) }) : t('reg_none');
    document.getElementById('more').hidden = r.pending.length < limit || limit >= 1000;
  } catch (e) { say(out, errorText(e)); }
}

function review(e) {
  current = e;
  const sec = document.getElementById('review');
  sec.hidden = false;
  document.getElementById('cert').hidden = true;
  msg.textContent = '';
  const h = document.getElementById('review-h');
  h.textContent = t('review_title', { id: fmtNum(e.id) });
  const dl = document.getElementById('review-facts');
  dl.replaceChildren();
  const rows = [['col_kind', e.kind], ['col_date', fmtDate(e.date)], ['col_late', e.late ? t('late_yes') : t('late_no')], ['col_by', e.submitted_by]];
  for (const [k, v] of Object.entries(e.details || {})) if (typeof v !== 'object') rows.push([k, String(v)]);
  if (e.late_reason) rows.push(['f_late_reason', e.late_reason]);
  for (const [k, v] of rows) {
    const dt = document.createElement('dt'); dt.textContent = t(k);
    const dd = document.createElement('dd'); dd.textContent = v;
    dl.append(dt, dd);
  }
  document.getElementById('register-form').querySelectorAll('label').forEach(l => { l.hidden = e.kind !== 'birth'; });
  h.focus();
}

async function issue(kind, subject) {
  const form = document.getElementById('cert');
  await busy(form, async () => {
    try {
      const c = await api('POST', '/api/v1/certificates', { kind, subject });
      const pdf = await api('GET', c.pdf);
      const a = document.getElementById('cert-link');
      a.href = URL.createObjectURL(pdf);
      a.download = `${c.serial}.pdf`;
      a.textContent = `${t('cert_open')} (${c.serial})`;
      a.hidden = false;
      say(msg, t('cert_issued', { serial: c.serial }), 'ok');
      a.focus();
    } catch (e) { say(msg, errorText(e)); }
  });
}

if (me) {
  document.getElementById('console').hidden = false;
  document.getElementById('council').textContent = me.council_code || '—';
  document.getElementById('more').onclick = () => { limit = Math.min(limit + PAGE * 4, 1000); load(); };
  document.getElementById('register-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const form = ev.target;
    busy(form, async () => {
      try {
        const r = await api('POST', `/api/v1/notifications/${current.id}/register`, current.kind === 'birth' ? formValues(form) : {});
        say(msg, t('registered', { reg: r.registration_number || '', idn: r.id_number_printed || r.id_number || '—' }), 'ok');
        // birth: the certificate is about the new person; marriage and
        // divorce: about the registration (M-... or T-...)
        const kind = current.kind, subject = kind === 'birth' ? r.id_number : r.registration_number;
        if (subject && (kind === 'birth' || kind === 'marriage' || kind === 'divorce')) {
          const c = document.getElementById('cert');
          c.hidden = false;
          document.getElementById('cert-link').hidden = true;
          const go = document.getElementById('cert-go');
          go.textContent = t(kind === 'birth' ? 'cert_go' : `cert_go_${kind}`);
          go.onclick = () => issue(kind, subject);
        }
        form.reset();
        load();
      } catch (e) { say(msg, errorText(e)); }
    });
  });
  document.getElementById('reject-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const form = ev.target;
    const reason = form.reason.value.trim();
    if (!reason) { say(msg, t('f_reason')); form.reason.focus(); return; }
    busy(form, async () => {
      try {
        await api('POST', `/api/v1/notifications/${current.id}/reject`, { reason });
        say(msg, t('rejected'), 'ok');
        form.reset();
        load();
      } catch (e) { say(msg, errorText(e)); }
    });
  });
  load();
}
