// admin.js — the administrator's console on the operators API and the
// capture-device register: operators page by page (GET /api/v1/users,
// keyset by id), a new operator, disable / enable (which also clears a
// lock-out), a password reset (the operator's sessions are revoked by the
// API); a device looked up by id and revoked with a reason, a new
// type-approved device registered. The API decides who may do this; the
// page only says so in words when the role is not admin.
import './admin-words.js';
import { api, errorText, say, busy, t, fmtDate, formValues, requireOperator } from './common.js';

// the roles the server knows (src/auth/roles.c); the label is translated
const ROLES = ['uc_registrar', 'health_notifier', 'nikah_registrar', 'court_clerk', 'case_officer',
  'enrolment_operator', 'biometric_adjudicator', 'biometric_examiner', 'auditor', 'planner', 'admin'];
const PAGE = 20;
const me = await requireOperator(['admin'], 'nav_admin');
const usersMsg = document.getElementById('users-msg');
let after = 0, lastId = 0, resetFor = null;

const roleText = r => { const k = `role_${r}`, s = t(k); return s === k ? r : s; };
function cell(tr, text) { const td = document.createElement('td'); td.textContent = text; tr.append(td); return td; }
function button(text, label, cls, onclick) {
  const b = document.createElement('button');
  b.type = 'button'; b.className = cls; b.textContent = text; b.setAttribute('aria-label', label); b.onclick = onclick;
  return b;
}
function status(u) { return u.disabled ? t('adm_disabled') : u.locked ? t('adm_locked') : t('adm_active'); }

async function loadUsers() {
  try {
    const r = await api('GET', `/api/v1/users?after=${after}&limit=${PAGE}`);
    const tb = document.querySelector('#users tbody');
    tb.replaceChildren();
    for (const u of r.users) {
      const tr = document.createElement('tr');
      tr.dataset.username = u.username;
      cell(tr, u.username).dir = 'ltr';
      cell(tr, roleText(u.role)); cell(tr, u.council_code || '—').dir = 'ltr';
      cell(tr, status(u)); cell(tr, fmtDate(u.created_at));
      const td = cell(tr, '');
      td.className = 'row';
      const off = u.disabled || u.locked;
      td.append(button(off ? t('adm_enable') : t('adm_disable'), `${off ? t('adm_enable') : t('adm_disable')} ${u.username}`,
        off ? 'secondary' : 'danger', () => toggle(u, off)));
      td.append(button(t('adm_reset'), `${t('adm_reset')} ${u.username}`, 'secondary', () => openReset(u)));
      tb.append(tr);
    }
    lastId = r.users.length ? r.users[r.users.length - 1].id : after;
    document.getElementById('users-range').textContent = r.users.length ? t('adm_shown', { from: r.users[0].username, to: r.users[r.users.length - 1].username }) : t('adm_none');
    document.getElementById('users-next').disabled = r.users.length < PAGE;
    document.getElementById('users-first').disabled = after === 0;
  } catch (e) { say(usersMsg, errorText(e)); }
}

async function toggle(u, enable) {
  try {
    await api('POST', `/api/v1/users/${encodeURIComponent(u.username)}/${enable ? 'enable' : 'disable'}`);
    say(usersMsg, t(enable ? 'adm_enabled_ok' : 'adm_disabled_ok', { user: u.username }), 'ok');
    await loadUsers();
  } catch (e) { say(usersMsg, errorText(e)); }
}

function openReset(u) {
  resetFor = u.username;
  const f = document.getElementById('reset-form');
  f.hidden = false;
  const h = document.getElementById('reset-h');
  h.textContent = t('adm_reset_for', { user: u.username });
  document.getElementById('reset-password').focus();
}

function device(d) {
  const dl = document.getElementById('device-facts');
  dl.replaceChildren();
  const rows = [['adm_device_id', d.device_id], ['adm_make', d.make], ['adm_model', d.model], ['adm_serial', d.serial],
    ['adm_modality', t(`mod_${d.modality}`)], ['f_status', t(`dev_${d.status}`)], ['adm_approved_on', fmtDate(d.approved_on)],
    ['reg_council', d.council_code], ['adm_public_key', d.public_key]];
  for (const [k, v] of rows) {
    const dt = document.createElement('dt'); dt.textContent = t(k);
    const dd = document.createElement('dd'); dd.textContent = v;
    if (k === 'adm_public_key') dd.className = 'hash';
    dl.append(dt, dd);
  }
  document.getElementById('device').hidden = false;
  document.getElementById('device').dataset.id = d.device_id;
  document.getElementById('revoke-form').hidden = d.status !== 'approved';
}

if (me) {
  document.getElementById('console').hidden = false;
  const sel = document.getElementById('new-role');
  for (const r of ROLES) { const o = document.createElement('option'); o.value = r; o.textContent = roleText(r); sel.append(o); }
  document.getElementById('users-next').onclick = () => { after = lastId; loadUsers(); };
  document.getElementById('users-first').onclick = () => { after = 0; loadUsers(); };
  document.getElementById('reset-cancel').onclick = () => { document.getElementById('reset-form').hidden = true; };

  document.getElementById('reset-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const form = ev.target, password = form.password.value;
    if (password.length < 12) { say(usersMsg, t('adm_password_short')); form.password.focus(); return; }
    busy(form, async () => {
      try {
        await api('POST', `/api/v1/users/${encodeURIComponent(resetFor)}/password`, { password });
        say(usersMsg, t('adm_reset_ok', { user: resetFor }), 'ok');
        form.reset();
        form.hidden = true;
      } catch (e) { say(usersMsg, errorText(e)); }
    });
  });

  const userMsg = document.getElementById('user-msg');
  document.getElementById('user-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const form = ev.target, body = formValues(form);
    body.password = form.password.value; // a password is not trimmed
    if (!body.username || body.password.length < 12) { say(userMsg, t('adm_user_missing')); form.username.focus(); return; }
    busy(form, async () => {
      try {
        const u = await api('POST', '/api/v1/users', body);
        say(userMsg, t('adm_created_ok', { user: u.username, role: roleText(u.role) }), 'ok');
        form.reset();
        await loadUsers();
      } catch (e) { say(userMsg, errorText(e)); }
    });
  });

  const devMsg = document.getElementById('device-msg');
  document.getElementById('device-find').addEventListener('submit', ev => {
    ev.preventDefault();
    const form = ev.target, id = form.device_id.value.trim();
    if (!id) { say(devMsg, t('adm_device_id_missing')); form.device_id.focus(); return; }
    busy(form, async () => {
      try { device(await api('GET', `/api/v1/biometrics/devices/${encodeURIComponent(id)}`)); devMsg.textContent = ''; devMsg.className = 'msg'; } catch (e) { document.getElementById('device').hidden = true; say(devMsg, errorText(e)); }
    });
  });
  document.getElementById('revoke-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const form = ev.target, reason = form.reason.value.trim();
    if (!reason) { say(devMsg, t('adm_revoke_reason_missing')); form.reason.focus(); return; }
    const id = document.getElementById('device').dataset.id;
    busy(form, async () => {
      try {
        device(await api('POST', `/api/v1/biometrics/devices/${encodeURIComponent(id)}/revoke`, { reason }));
        say(devMsg, t('adm_revoked_ok', { id }), 'ok');
        form.reset();
      } catch (e) { say(devMsg, errorText(e)); }
    });
  });
  document.getElementById('device-form').addEventListener('submit', ev => {
    ev.preventDefault();
    const form = ev.target, body = formValues(form);
    busy(form, async () => {
      try {
        const d = await api('POST', '/api/v1/biometrics/devices', body);
        say(devMsg, t('adm_device_ok', { id: d.device_id }), 'ok');
        device(d);
        form.reset();
      } catch (e) { say(devMsg, errorText(e)); }
    });
  });
  loadUsers();
}
