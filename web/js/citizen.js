// citizen.js — the citizen portal: sign in with the identity number and the
// passcode sent to the registered mobile (POST /api/v1/me/login, then POST
// /api/v1/web/me/session, which sets the HttpOnly sh_cit cookie), then the
// record and family (GET /api/v1/me/family), the certificates and their
// PDFs (GET /api/v1/me/certificates), every verification by a bank or telco
// (GET /api/v1/me/verifications) and the locks per verification type
// (PUT/DELETE /api/v1/me/locks/{type}). Every call carries the sh_cit_csrf
// token; the API decides what this citizen may see.
import { api, errorText, say, busy, t, fmtDate } from './common.js';

const TYPES = ['yesno', 'kyc', 'fingerprint', 'face', 'iris', 'multimodal'];
const IDLE_MS = 15 * 60 * 1000;
const out = document.getElementById('page-msg');
const idForm = document.getElementById('id-form');
const codeForm = document.getElementById('code-form');
let loginId = null;

const cit = (method, path, body) => api(method, path, body, 'cit');
function cell(tr, text) { const td = document.createElement('td'); td.textContent = text; tr.append(td); return td; }
const word = (prefix, v) => { const k = `${prefix}_${v}`; const s = t(k); return s === k ? v : s; };

function showSignin() {
  document.getElementById('portal').hidden = true;
  document.getElementById('signin').hidden = false;
  document.getElementById('logout').hidden = true;
  document.getElementById('whoami').textContent = '';
}

idForm.addEventListener('submit', ev => {
  ev.preventDefault();
  const id_number = idForm.id_number.value.trim();
  if (!/^\d{5}-?\d{7}-?\d$/.test(id_number)) { say(out, t('cit_idnum_bad')); idForm.id_number.focus(); return; }
  busy(idForm, async () => {
    try {
      const r = await cit('POST', '/api/v1/me/login', { id_number });
      loginId = r.login_id;
      out.textContent = '';
      document.getElementById('code-notice').textContent = t('cit_code_sent');
      idForm.hidden = true; codeForm.hidden = false;
      codeForm.passcode.focus();
    } catch (e) { say(out, errorText(e)); }
  });
});

codeForm.addEventListener('submit', ev => {
  ev.preventDefault();
  const passcode = codeForm.passcode.value.trim();
  if (!/^\d{6}$/.test(passcode)) { say(out, t('cit_code_bad')); codeForm.passcode.focus(); return; }
  busy(codeForm, async () => {
    try {
      await cit('POST', '/api/v1/web/me/session', { login_id: loginId, passcode });
      codeForm.passcode.value = '';
      out.textContent = '';
      await portal();
    } catch (e) {
      // a spent or expired login needs a new passcode: back to the number
      if (e.status === 410 || e.status === 404) { codeForm.hidden = true; idForm.hidden = false; }
      say(out, errorText(e));
    }
  });
});

document.getElementById('code-back').onclick = () => { codeForm.hidden = true; idForm.hidden = false; idForm.id_number.focus(); };

async function logout(reason) {
  try { await cit('DELETE', '/api/v1/web/me/session'); } catch { /* already gone */ }
  showSignin();
  idForm.hidden = false; codeForm.hidden = true;
  say(out, t(reason === 'idle' ? 'idle_out' : 'signed_out'), 'ok');
}

function facts(dl, rows) {
  dl.replaceChildren();
  for (const [k, v, ltr] of rows) {
    const dt = document.createElement('dt'); dt.textContent = t(k);
    const dd = document.createElement('dd'); dd.textContent = v;
    if (ltr) dd.dir = 'ltr';
    dl.append(dt, dd);
  }
}

async function loadFamily() {
  const f = await cit('GET', '/api/v1/me/family');
  const h = f.head;
  document.getElementById('whoami').textContent = h.id_number;
  facts(document.getElementById('record'), [
    ['col_name', `${h.name_en} — ${h.name_ur}`], ['col_idnum', h.id_number, true], ['col_dob', fmtDate(h.dob)],
    ['f_sex', word('sex', h.gender)], ['f_status', word('st', h.status)], ['cit_marital', word('mar', h.marital)]]);
  const tb = document.querySelector('#family tbody');
  tb.replaceChildren();
  const all = [...f.parents, ...f.spouses, ...f.children];
  document.getElementById('family-none').hidden = all.length > 0;
  document.getElementById('family').hidden = all.length === 0;
  for (const m of all) {
    const tr = document.createElement('tr');
    cell(tr, word('rel', m.relation));
    const n = cell(tr, m.name_en);
    if (m.name_ur) { const u = document.createElement('span'); u.lang = 'ur'; u.dir = 'rtl'; u.textContent = ` — ${m.name_ur}`; n.append(u); }
    cell(tr, m.id_number).dir = 'ltr';
    cell(tr, fmtDate(m.dob)); cell(tr, word('st', m.status));
    tb.append(tr);
  }
}

async function download(c, btn) {
  const msg = document.getElementById('cert-msg');
  btn.disabled = true;
  try {
    const pdf = await cit('GET', c.pdf);
    const a = document.createElement('a');
    a.href = URL.createObjectURL(pdf);
    a.download = `${c.serial}.pdf`;
    a.textContent = t('cit_cert_ready', { serial: c.serial });
    a.className = 'cert-file';
    msg.className = 'msg ok';
    msg.replaceChildren(a);
    a.focus();
  } catch (e) { say(msg, errorText(e)); } finally { btn.disabled = false; }
}

async function loadCerts() {
  const r = await cit('GET', '/api/v1/me/certificates');
  const tb = document.querySelector('#certs tbody');
  tb.replaceChildren();
  document.getElementById('certs-none').hidden = r.certificates.length > 0;
  document.getElementById('certs').hidden = r.certificates.length === 0;
  for (const c of r.certificates) {
    const tr = document.createElement('tr');
    cell(tr, c.serial).dir = 'ltr'; cell(tr, word('kind', c.kind)); cell(tr, fmtDate(c.issued));
    cell(tr, c.issuer); cell(tr, word('cst', c.status));
    const b = document.createElement('button');
    b.type = 'button'; b.className = 'secondary'; b.textContent = t('cit_download');
    b.setAttribute('aria-label', `${t('cit_download')} ${c.serial}`);
    b.onclick = () => download(c, b);
    cell(tr, '').append(b);
    tb.append(tr);
  }
}

async function loadVerifs() {
  const r = await cit('GET', '/api/v1/me/verifications?limit=100');
  const tb = document.querySelector('#verifs tbody');
  tb.replaceChildren();
  document.getElementById('verifs-none').hidden = r.verifications.length > 0;
  for (const v of r.verifications) {
    const tr = document.createElement('tr');
    const when = new Date(v.at);
    cell(tr, Number.isNaN(when.getTime()) ? v.at : `${fmtDate(v.at)} ${when.toLocaleTimeString(document.documentElement.lang === 'ur' ? 'ur-PK' : 'en-PK', { hour: '2-digit', minute: '2-digit' })}`);
    cell(tr, v.party || '—'); cell(tr, v.purpose || '—'); cell(tr, word('vt', v.type)); cell(tr, word('ev', v.event));
    cell(tr, v.result ? `${word('res', v.result)}${v.reason ? ` (${v.reason})` : ''}` : '—');
    tb.append(tr);
  }
  return r.verifications.length;
}

function showLocks(locked) {
  const tb = document.querySelector('#locks tbody');
  tb.replaceChildren();
  for (const ty of TYPES) {
    const on = locked.includes(ty);
    const tr = document.createElement('tr');
    tr.dataset.type = ty;
    cell(tr, word('vt', ty)); cell(tr, on ? t('lock_on') : t('lock_off'));
    const b = document.createElement('button');
    b.type = 'button'; b.className = on ? 'secondary' : 'danger';
    b.textContent = on ? t('unlock_go') : t('lock_go');
    b.setAttribute('aria-label', `${b.textContent}: ${word('vt', ty)}`);
    b.onclick = () => toggle(ty, on, b);
    cell(tr, '').append(b);
    tb.append(tr);
  }
}

async function toggle(ty, on, btn) {
  const msg = document.getElementById('lock-msg');
  btn.disabled = true;
  try {
    const r = await cit(on ? 'DELETE' : 'PUT', `/api/v1/me/locks/${ty}`);
    showLocks(r.locked);
    say(msg, t(on ? 'unlocked_msg' : 'locked_msg', { type: word('vt', ty) }), 'ok');
    const again = document.querySelector(`#locks tr[data-type="${ty}"] button`);
    if (again) again.focus();
  } catch (e) { say(msg, errorText(e)); btn.disabled = false; }
}

let armed = false;
function armIdle() {
  if (armed) return;
  armed = true;
  let timer;
  const arm = () => { clearTimeout(timer); timer = setTimeout(() => logout('idle'), IDLE_MS); };
  for (const ev of ['keydown', 'pointerdown', 'input']) document.addEventListener(ev, arm, { passive: true });
  arm();
}

async function portal() {
  try {
    await loadFamily();
  } catch (e) {
    showSignin();
    if (e.status !== 401) say(out, errorText(e));
    return;
  }
  document.getElementById('signin').hidden = true;
  document.getElementById('portal').hidden = false;
  const lo = document.getElementById('logout');
  lo.hidden = false; lo.onclick = () => logout();
  armIdle();
  try {
    const [, , locks] = await Promise.all([loadCerts(), loadVerifs(), cit('GET', '/api/v1/me/locks')]);
    showLocks(locks.locked);
    document.getElementById('rec-h').focus();
  } catch (e) { say(out, errorText(e)); }
}

document.getElementById('rec-h').tabIndex = -1;
await portal();
