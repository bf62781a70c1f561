// audit.js — the auditor's console: the audit log page by page (GET
// /api/v1/audit/entries), and for one entry its inclusion proof (GET
// /api/v1/audit/inclusion) CHECKED HERE, not by the server: the entry's
// canonical bytes (docs/audit.md, layout 1) are rebuilt from the fields
// shown, hashed with SHA-256 (the browser's SubtleCrypto; the log uses
// SHA-256 as RFC 6962 does), the audit path is folded to the root
// (RFC 9162 2.1.3.2), and the Ed25519 signature over the tree head is
// verified where the browser's WebCrypto has Ed25519. What this proves: the
// entry as shown is in the log that the key signed at that size. The key
// itself comes from the same server: compare it with the published one.
import { api, errorText, say, t, fmtNum, requireOperator } from './common.js';

const PAGE = 50;
let size = 0, top = 0; // entries [top - PAGE, top) are shown, newest first
const out = document.getElementById('page-msg');
const hex = b => [...new Uint8Array(b)].map(x => x.toString(16).padStart(2, '0')).join('');
const unhex = s => new Uint8Array((s.match(/../g) || []).map(h => parseInt(h, 16)));
function cell(tr, text) { const td = document.createElement('td'); td.textContent = text; tr.append(td); return td; }

// The canonical bytes of an entry, layout version 1 (docs/audit.md).
function entryBytes(e) {
  const enc = new TextEncoder();
  const texts = [e.at_text, e.actor.kind, e.actor.name, e.actor.role, e.action, e.object, e.detail, e.request_id, e.client_addr]
    .map(s => (s === null || s === undefined ? null : enc.encode(s)));
  const n = 25 + texts.reduce((a, b) => a + 4 + (b ? b.length : 0), 0);
  const buf = new Uint8Array(n), dv = new DataView(buf.buffer);
  buf[0] = 1;
  dv.setBigUint64(1, BigInt(e.idx)); dv.setBigInt64(9, BigInt(e.at)); dv.setBigInt64(17, BigInt(e.actor.id));
  let o = 25;
  for (const b of texts) {
    dv.setUint32(o, b ? b.length : 0xffffffff); o += 4;
    if (b) { buf.set(b, o); o += b.length; }
  }
  return buf;
}
async function sha256(...parts) {
  const n = parts.reduce((a, p) => a + p.length, 0), all = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { all.set(p, o); o += p.length; }
  return new Uint8Array(await crypto.subtle.digest('SHA-256', all));
}
const leafHash = bytes => sha256(Uint8Array.of(0), bytes);
const nodeHash = (l, r) => sha256(Uint8Array.of(1), l, r);

// RFC 9162 2.1.3.2: fold the audit path from the leaf to the root.
async function fold(index, treeSize, leaf, path) {
  let fn = BigInt(index), sn = BigInt(treeSize) - 1n, r = leaf;
  for (const p of path) {
    if (sn === 0n) return null;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      if ((fn & 1n) === 0n) while (fn !== 0n && (fn & 1n) === 0n) { fn >>= 1n; sn >>= 1n; }
    } else r = await nodeHash(r, p);
    fn >>= 1n; sn >>= 1n;
  }
  return sn === 0n ? r : null;
}

function headMessage(treeSize, root) {
  const label = new TextEncoder().encode('shanakht-audit-v1');
  const m = new Uint8Array(label.length + 8 + 32);
  m.set(label, 0);
  new DataView(m.buffer).setBigUint64(label.length, BigInt(treeSize));
  m.set(root, label.length + 8);
  return m;
}
// true, false, or null when this browser's WebCrypto has no Ed25519.
async function signatureOk(p, root) {
  let key;
  try { key = await crypto.subtle.importKey('raw', unhex(p.public_key), { name: 'Ed25519' }, false, ['verify']); } catch { return null; }
  return crypto.subtle.verify({ name: 'Ed25519' }, key, unhex(p.signature), headMessage(p.size, root));
}

async function check(e) {
  const sec = document.getElementById('proof'), msg = document.getElementById('proof-msg'), ol = document.getElementById('proof-steps');
  sec.hidden = false; ol.replaceChildren();
  const h = document.getElementById('proof-h');
  h.textContent = t('aud_proof_title', { n: fmtNum(e.idx) });
  msg.className = 'msg'; msg.textContent = t('working');
  h.focus();
  const step = (ok, text) => { const li = document.createElement('li'); li.textContent = `${ok ? '✔' : '✘'} ${text}`; li.className = ok ? 'ok' : 'bad'; ol.append(li); return ok; };
  try {
    const p = await api('GET', `/api/v1/audit/inclusion?index=${e.idx}&size=${size}`);
    const leaf = await leafHash(entryBytes(e));
    let ok = step(hex(leaf) === e.leaf_hash && hex(leaf) === p.leaf_hash, t('aud_step_leaf', { hash: hex(leaf).slice(0, 16) }));
    const root = ok ? await fold(p.index, p.size, leaf, p.proof.map(unhex)) : null;
    ok = step(ok && root !== null && hex(root) === p.root, t('aud_step_path', { n: fmtNum(p.proof.length), size: fmtNum(p.size) })) && ok;
    // the signature is over the root the path gave: only checked when it did
    const sig = ok ? await signatureOk(p, root) : undefined;
    if (sig === null) step(true, t('aud_step_nosig'));
    else if (sig !== undefined) ok = step(sig, t('aud_step_sig', { key: p.public_key.slice(0, 16) })) && ok;
    say(msg, ok ? t('aud_ok', { n: fmtNum(e.idx), size: fmtNum(p.size) }) : t('aud_bad', { n: fmtNum(e.idx) }), ok ? 'ok' : 'error');
    sec.dataset.result = ok ? 'ok' : 'failed';
  } catch (err) { say(msg, errorText(err)); sec.dataset.result = 'error'; }
}

async function load() {
  try {
    const head = await api('GET', '/api/v1/audit/root');
    size = head.size;
    if (!top || top > size) top = size;
    const dl = document.getElementById('head');
    dl.replaceChildren();
    for (const [k, v] of [['aud_size', fmtNum(head.size)], ['aud_root', head.root], ['aud_key', head.public_key]]) {
      const dt = document.createElement('dt'); dt.textContent = t(k);
      const dd = document.createElement('dd'); dd.textContent = v; dd.dir = 'ltr'; dd.className = 'hash';
      dl.append(dt, dd);
    }
    const from = Math.max(0, top - PAGE);
    const r = await api('GET', `/api/v1/audit/entries?from=${from}&limit=${top - from || 1}`);
    const tb = document.querySelector('#log tbody');
    tb.replaceChildren();
    for (const e of r.entries.filter(x => x.idx < top).reverse()) {
      const tr = document.createElement('tr');
      tr.dataset.idx = e.idx;
      cell(tr, fmtNum(e.idx)); cell(tr, e.at_text).dir = 'ltr';
      cell(tr, `${e.actor.name || e.actor.kind}${e.actor.role ? ` (${e.actor.role})` : ''}`);
      cell(tr, e.action).dir = 'ltr'; cell(tr, e.object || '—').dir = 'ltr';
      const b = document.createElement('button');
      b.type = 'button'; b.className = 'secondary'; b.textContent = t('aud_check');
      b.setAttribute('aria-label', `${t('aud_check')} ${e.idx}`);
      b.onclick = () => check(e);
      cell(tr, '').append(b);
      tb.append(tr);
    }
    document.getElementById('range').textContent = t('aud_range', { a: fmtNum(from), b: fmtNum(Math.max(from, top - 1)), size: fmtNum(size) });
    document.getElementById('older').disabled = from === 0;
    document.getElementById('newer').disabled = top >= size;
  } catch (e) { say(out, errorText(e)); }
}

const me = await requireOperator(['auditor', 'admin'], 'nav_audit');
if (me) {
  document.getElementById('console').hidden = false;
  document.getElementById('older').onclick = () => { top = Math.max(PAGE, top - PAGE); load(); };
  document.getElementById('newer').onclick = () => { top = Math.min(size, top + PAGE); load(); };
  load();
}
