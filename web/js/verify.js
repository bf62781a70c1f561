// verify.js — the public certificate check: serial (and the QR text, to
// check the facts too) against GET /api/v1/certificates/{serial}/verify.
import { api, errorText, say, busy, t, fmtDate, fmtNum } from './common.js';

const form = document.getElementById('verify-form');
const out = document.getElementById('page-msg');
const q = new URLSearchParams(location.search);
if (q.get('serial')) form.serial.value = q.get('serial');

function fact(dl, key, value) {
  const dt = document.createElement('dt'); dt.textContent = t(key);
  const dd = document.createElement('dd'); dd.textContent = value;
  dl.append(dt, dd);
}

form.addEventListener('submit', ev => {
  ev.preventDefault();
  out.textContent = '';
  const serial = form.serial.value.trim().toUpperCase();
  if (!serial) { say(out, t('verify_serial_hint')); form.serial.focus(); return; }
  const payload = form.payload.value.trim();
  const path = `/api/v1/certificates/${encodeURIComponent(serial)}/verify${payload ? `?payload=${encodeURIComponent(payload)}` : ''}`;
  busy(form, async () => {
    try {
      const c = await api('GET', path);
      const res = document.getElementById('result'), facts = document.getElementById('facts');
      const verdict = document.getElementById('verdict');
      verdict.className = `msg ${c.valid ? 'ok' : 'error'}`;
      verdict.textContent = c.valid ? t('verify_valid') : t('verify_invalid');
      facts.replaceChildren();
      fact(facts, 'f_serial', c.serial);
      fact(facts, 'f_status', c.status);
      fact(facts, 'f_sig', c.signature_valid ? t('yes_valid') : t('not_valid'));
      fact(facts, 'f_payload', payload ? (c.payload_valid ? t('yes_valid') : t('not_valid')) : t('not_checked'));
      if (c.kind) fact(facts, 'f_kind', c.kind);
      if (c.subject) fact(facts, 'f_subject', c.subject);
      if (c.issued) fact(facts, 'f_issued', fmtDate(c.issued));
      if (c.issuer) fact(facts, 'f_issuer', c.issuer);
      if (c.copy_no) fact(facts, 'f_copy', fmtNum(c.copy_no));
      res.hidden = false;
    } catch (e) { say(out, errorText(e)); }
  });
});
