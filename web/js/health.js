// health.js — a health facility's console: birth and death notifications
// (POST /api/v1/notifications/birth and /death; role health_notifier).
import { api, errorText, say, busy, t, formValues, requireOperator } from './common.js';

function wire(id, path, msgId) {
  const form = document.getElementById(id), msg = document.getElementById(msgId);
  form.addEventListener('submit', ev => {
    ev.preventDefault();
    const body = formValues(form);
    if (body.weight_grams) body.weight_grams = Number(body.weight_grams);
    busy(form, async () => {
      try {
        const r = await api('POST', path, body);
        say(msg, t('notified', { id: r.id }), 'ok');
        form.reset(); // only after success: a failure keeps what was typed
      } catch (e) { say(msg, errorText(e)); }
    });
  });
}

const me = await requireOperator(['health_notifier', 'admin'], 'nav_health');
if (me) {
  document.getElementById('console').hidden = false;
  for (const f of document.querySelectorAll('input[name="council_code"]')) f.value = me.council_code || '';
  wire('birth-form', '/api/v1/notifications/birth', 'birth-msg');
  wire('death-form', '/api/v1/notifications/death', 'death-msg');
}
