// nikah.js — a licensed nikah registrar's console: a marriage submitted to
// the union council (POST /api/v1/marriages; the API checks the licence,
// the parties, the witnesses and every rule); the council registrar then
// registers it and issues the certificate (registrar.html).
import { api, errorText, say, busy, t, formValues, requireOperator } from './common.js';

const me = await requireOperator(['nikah_registrar', 'admin'], 'nav_nikah');
if (me) {
  const form = document.getElementById('marriage-form'), msg = document.getElementById('marriage-msg');
  document.getElementById('console').hidden = false;
  form.council_code.value = me.council_code || '';
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const v = formValues(form);
    const body = { husband_id: v.husband_id, wife_id: v.wife_id, witnesses: [v.witness1, v.witness2].filter(Boolean),
      date: v.date, council_code: v.council_code, husband_consent: form.husband_consent.checked, wife_consent: form.wife_consent.checked };
    for (const k of ['place', 'dower', 'arbitration_ref', 'late_reason']) if (v[k]) body[k] = v[k];
    busy(form, async () => {
      try {
        const r = await api('POST', '/api/v1/marriages', body);
        say(msg, t('submitted', { id: r.id }), 'ok');
        form.reset(); // only after success: a failure keeps what was typed
        form.council_code.value = me.council_code || '';
      } catch (e) { say(msg, errorText(e)); }
    });
  });
}
