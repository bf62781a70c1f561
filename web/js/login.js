// login.js — operator sign-in: POST /api/v1/web/session sets the HttpOnly
// session cookie; then each role goes to its console.
import { api, errorText, say, busy, t } from './common.js';

const consoles = { health_notifier: '/health.html', uc_registrar: '/registrar.html', admin: '/admin.html',
  nikah_registrar: '/nikah.html', court_clerk: '/court.html', auditor: '/audit.html' };
consoles.planner = '/dashboard.html'; // the vital-statistics dashboard (D38)
const form = document.getElementById('login-form');
const out = document.getElementById('page-msg');
const why = new URLSearchParams(location.search).get('why');
if (why === 'idle') say(out, t('idle_out'), 'ok');

form.addEventListener('submit', ev => {
  ev.preventDefault();
  const username = form.username.value.trim(), password = form.password.value;
  if (!username || !password) { say(out, t('err_generic', { code: 'MISSING_CREDENTIALS', message: t('login_user') + ' / ' + t('login_pass') })); return; }
  busy(form, async () => {
    try {
      const me = await api('POST', '/api/v1/web/session', { username, password });
      say(out, t('login_ok'), 'ok');
      location.href = consoles[me.role] || '/';
    } catch (e) { say(out, errorText(e)); form.password.focus(); }
  });
});
