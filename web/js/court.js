// court.js — a court clerk's console: a divorce decree, khula or talaq
// notice sent to the union council (POST /api/v1/divorces); the council
// registrar registers it (registrar.html).
import { api, errorText, say, busy, t, formValues, requireOperator } from './common.js';

const me = await requireOperator(['court_clerk', 'admin'], 'nav_court');
if (me) {
  const form = document.getElementById('divorce-form'), msg = document.getElementById('divorce-msg');
  document.getElementById('console').hidden = false;
  form.council_code.value = me.council_code || '';
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const body = formValues(form);
    if (body.type !== 'talaq' && !body.decree_ref) { say(msg, t('decree_ref_needed')); form.decree_ref.focus(); return; }
    busy(form, async () => {
      try {
        const r = await api('POST', '/api/v1/divorces', body);
        say(msg, t('submitted', { id: r.id }), 'ok');
        form.reset();
        form.council_code.value = me.council_code || '';
      } catch (e) { say(msg, errorText(e)); }
    });
  });
}
