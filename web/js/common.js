// common.js — what every page shares: the language (English or Urdu, lang
// and dir set on <html>), numbers and dates for the locale, calls to the
// JSON API with the session cookie and its CSRF token, sign-out and the
// idle sign-out. The pages hold no credential a script can read: the
// session is an HttpOnly cookie set by POST /api/v1/web/session.
import { words } from './i18n.js';

const params = new URLSearchParams(location.search);
export const lang = (() => {
  const q = params.get('lang');
  if (q === 'en' || q === 'ur') { localStorage.setItem('lang', q); return q; }
  return localStorage.getItem('lang') === 'ur' ? 'ur' : 'en';
})();
const locale = lang === 'ur' ? 'ur-PK' : 'en-PK';

export function t(key, vars = {}) {
  const s = (words[lang] && words[lang][key]) || words.en[key] || key;
  return s.replace(/\{(\w+)\}/g, (_, k) => (k in vars ? String(vars[k]) : ''));
}
export const fmtNum = n => new Intl.NumberFormat(locale).format(n);
export function fmtDate(d) {
  const v = typeof d === 'number' ? new Date(d * 1000) : new Date(d);
  return Number.isNaN(v.getTime()) ? String(d) : new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(v);
}

export function applyWords(root = document) {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === 'ur' ? 'rtl' : 'ltr';
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-attr]'))
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':');
      el.setAttribute(attr, t(key));
    }
  const title = document.querySelector('meta[name="page-title"]');
  if (title) document.title = `${t(title.content)} — ${t('brand')}`;
  const sw = document.getElementById('lang-switch');
  if (sw) {
    sw.textContent = t('lang_switch');
    sw.title = t('lang_switch_label');
    sw.lang = lang === 'ur' ? 'en' : 'ur';
    sw.onclick = () => { localStorage.setItem('lang', lang === 'ur' ? 'en' : 'ur'); const u = new URL(location.href); u.searchParams.delete('lang'); location.href = u.href; };
  }
}

function cookie(name) {
  const m = document.cookie.split('; ').find(c => c.startsWith(name + '='));
  return m ? m.slice(name.length + 1) : '';
}

export class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

// One JSON API call; `kind` is 'op' or 'cit' (whose CSRF token to send).
// Binary answers (the certificate PDF) come back as a Blob.
export async function api(method, path, body, kind = 'op') {
  const headers = { Accept: 'application/json, application/pdf' };
  const csrf = cookie(kind === 'cit' ? 'sh_cit_csrf' : 'sh_op_csrf');
  if (csrf) headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'NETWORK', t('err_network'));
  }
  const type = r.headers.get('Content-Type') || '';
  const data = r.status === 204 ? null : type.startsWith('application/json') ? await r.json() : await r.blob();
  if (!r.ok) {
    const e = data && data.error ? data.error : { code: `HTTP_${r.status}`, message: r.statusText };
    throw new ApiError(r.status, e.code, e.message);
  }
  return data;
}

export function errorText(e) {
  if (e.code === 'NETWORK') return t('err_network');
  if (e.code === 'CSRF_TOKEN') return t('err_csrf');
  if (e.status === 401) return t('need_login');
  return t('err_generic', { code: e.code, message: e.message });
}

export function say(el, text, kind = 'error') {
  el.className = `msg ${kind}`;
  el.textContent = text;
  if (kind === 'error') el.focus();
}

// Run fn while the form's button shows progress; the inputs keep their
// values whatever happens (nothing here clears a form on failure).
export async function busy(form, fn) {
  const btns = form.querySelectorAll('button');
  const saved = [...btns].map(b => b.textContent);
  btns.forEach(b => { b.disabled = true; });
  form.setAttribute('aria-busy', 'true');
  const submit = form.querySelector('button[type="submit"]');
  if (submit) submit.textContent = t('working');
  try { return await fn(); } finally {
    btns.forEach((b, i) => { b.disabled = false; b.textContent = saved[i]; });
    form.removeAttribute('aria-busy');
  }
}

export async function logout(reason) {
  try { await api('DELETE', '/api/v1/web/session'); } catch { /* already gone */ }
  location.href = `/login.html${reason ? `?why=${reason}` : ''}`;
}

const IDLE_MS = 15 * 60 * 1000;
// An operator console: who is signed in, refused unless the role is one of
// `roles` (the API refuses the same; this only says so in words).
export async function requireOperator(roles, wantLabel) {
  const out = document.getElementById('page-msg');
  let me;
  try { me = await api('GET', '/api/v1/session'); } catch (e) {
    say(out, errorText(e));
    return null;
  }
  const who = document.getElementById('whoami');
  if (who) who.textContent = `${me.username} (${me.role})`;
  const lo = document.getElementById('logout');
  if (lo) { lo.hidden = false; lo.onclick = () => logout(); }
  let timer;
  const arm = () => { clearTimeout(timer); timer = setTimeout(() => logout('idle'), IDLE_MS); };
  for (const ev of ['keydown', 'pointerdown', 'input']) document.addEventListener(ev, arm, { passive: true });
  arm();
  if (!roles.includes(me.role)) {
    say(out, t('role_refused', { want: t(wantLabel), role: me.role }));
    return null;
  }
  return me;
}

export function formValues(form) {
  const o = {};
  for (const [k, v] of new FormData(form)) if (String(v).trim() !== '') o[k] = String(v).trim();
  return o;
}

// The skip link and the site header, the same on every page: written here
// once rather than copied into each HTML file (D42). The page's own link is
// marked aria-current. Built with DOM calls, not innerHTML, so no text can
// become markup.
const SITE_LINKS = [['/', 'nav_home'], ['/citizen.html', 'nav_citizen'], ['/verify.html', 'nav_verify'],
  ['/login.html', 'nav_login']];
function el(tag, attrs = {}, ...kids) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) e.setAttribute(k, v);
  e.append(...kids);
  return e;
}
export function mountHeader() {
  if (document.querySelector('body > header')) return;
  const here = location.pathname === '/index.html' ? '/' : location.pathname;
  const ul = el('ul');
  for (const [href, key] of SITE_LINKS)
    ul.append(el('li', {}, el('a', { href, 'data-i18n': key, 'aria-current': href === here ? 'page' : undefined })));
  const header = el('header', {},
    el('a', { class: 'brand', href: '/', 'data-i18n': 'brand' }),
    el('nav', { 'aria-label': 'Site' }, ul),
    el('span', { id: 'whoami', dir: 'ltr' }),
    el('button', { id: 'logout', type: 'button', class: 'secondary', hidden: '', 'data-i18n': 'nav_logout' }),
    el('button', { id: 'lang-switch', type: 'button', class: 'secondary', lang: 'ur' }));
  document.body.prepend(el('a', { class: 'skip', href: '#main', 'data-i18n': 'skip' }), header);
}

mountHeader();
applyWords();
