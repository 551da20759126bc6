// Shared view helpers for every screen module (learner, trainer, and the
// ones that plug in later): build elements with h(), navigate with go(),
// lay out a page, and run forms whose errors appear next to their fields.
import { t, lang, setLang } from '/i18n.js';
import { api, accounts, flush, APIError, session, waiting } from '/api.js';

export const root = () => document.getElementById('app');

export function h(tag, attrs = {}, ...kids) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) {
    if (kid === null || kid === undefined || kid === false) continue;
    el.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
  }
  return el;
}

let flash = '';

// go navigates inside the app; the router in app.js listens.
export function go(path) {
  flash = '';
  history.pushState(null, '', path);
  window.dispatchEvent(new Event('lontar:navigate'));
}

// rerender draws the current screen again (after a sync, a language switch).
export function rerender() {
  window.dispatchEvent(new Event('lontar:navigate'));
}

// fill replaces el's children with kids, flattening lists and skipping
// empty ones, as h() does.
export function fill(el, ...kids) {
  el.replaceChildren(...kids.flat(Infinity).filter((k) => k !== null && k !== undefined && k !== false));
  return el;
}

export function link(path, attrs, ...kids) {
  if (!attrs || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    kids.unshift(attrs);
    attrs = {};
  }
  return h('a', { href: path, ...attrs, onclick: (e) => { e.preventDefault(); go(path); } }, ...kids);
}

// button is a full-width link styled as the page's main action.
export const button = (path, label, cls = 'primary') => link(path, { class: 'btn ' + cls }, label);

export function message(e) {
  if (e instanceof APIError && e.code === 'network') return t('error_network');
  return (e && e.message) || t('error_generic');
}

// --- layout ---

function header() {
  const other = lang() === 'id' ? 'en' : 'id';
  return h('header', { class: 'top' },
    link('/', { class: 'brand' }, 'Lontar'),
    h('nav', {},
      session.user ? link('/profil', { class: 'nav' }, t('profile')) : null,
      h('button', { type: 'button', class: 'lang', 'aria-label': 'Language / Bahasa',
        onclick: () => { setLang(other); rerender(); } }, other === 'en' ? 'English' : 'Indonesia')));
}

// waitingText says what the phone still has to send: "1 pelajaran, 1 kuis".
export function waitingText() {
  const w = waiting();
  const parts = [];
  if (w.lessons) parts.push(t('waiting_lessons', { n: w.lessons }));
  if (w.quizzes) parts.push(t('waiting_quizzes', { n: w.quizzes }));
  return parts.length ? t('waiting', { what: parts.join(', ') }) : '';
}

// notice shows a short message ("Terkirim ✓") on this screen until the
// learner moves on.
export function notice(text) { flash = text; }

function statusBar() {
  const w = waitingText();
  if (!navigator.onLine) return h('p', { class: 'status offline', role: 'status' }, t('offline'), w ? ' ' + w + '.' : '');
  if (w) return h('p', { class: 'status', role: 'status' }, w);
  if (flash) return h('p', { class: 'status ok', role: 'status' }, flash);
  return null;
}

export function page(...kids) {
  root().replaceChildren(header(), statusBar() || h('p', { class: 'status', hidden: true }), h('div', { class: 'page' }, ...kids));
  document.title = 'Lontar';
}

// A tap recorded in the outbox shows at once in the status line.
window.addEventListener('lontar:outbox', () => {
  const old = root().querySelector('.status');
  old?.replaceWith(statusBar() || h('p', { class: 'status', hidden: true }));
});

export const loading = () => page(h('p', { class: 'loading' }, t('loading')));

// --- forms ---

export function field(name, label, input, hint) {
  input.id = 'f-' + name;
  input.name = name;
  return h('div', { class: 'field', 'data-field': name },
    h('label', { for: input.id }, label), input,
    hint ? h('small', { class: 'hint' }, hint) : null,
    h('small', { class: 'error', id: 'e-' + name, 'aria-live': 'polite' }));
}

// showErrors puts each field's message under it, then scrolls to and
// focuses the first wrong field, so a learner sees what to fix.
export function showErrors(form, e) {
  form.querySelectorAll('.error').forEach((el) => { el.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((el) => el.removeAttribute('aria-invalid'));
  const general = form.querySelector('.form-error');
  general.textContent = '';
  let first = null;
  for (const [name, msg] of Object.entries((e && e.fields) || {})) {
    const key = name.replace(/^profile\./, '');
    const el = form.querySelector('#e-' + CSS.escape(key));
    const input = form.querySelector('#f-' + CSS.escape(key));
    if (!el) continue;
    el.textContent = msg;
    input?.setAttribute('aria-invalid', 'true');
    input?.setAttribute('aria-describedby', 'e-' + key);
    // The first wrong field in the order the form shows them.
    if (input && (!first || (first.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_PRECEDING))) first = input;
  }
  if (first) {
    general.textContent = t('fix_fields');
    first.scrollIntoView({ block: 'center' });
    first.focus({ preventScroll: true });
  } else {
    general.textContent = message(e);
  }
}

export function submitting(form, fn) {
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      await fn(new FormData(form));
    } catch (e) {
      showErrors(form, e);
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

// bilingual edits one text in both languages, side by side (stacked on a
// phone), marked while it has Indonesian but no English yet.
export function bilingual(path, label, value, onInput, multiline = false) {
  const mk = (l) => {
    const el = h(multiline ? 'textarea' : 'input', { rows: multiline ? 8 : undefined, lang: l });
    el.value = value?.[l] || '';
    el.addEventListener('input', () => { onInput(l, el.value); mark(); });
    return field(`${path}.${l}`, `${label} (${l === 'id' ? 'Indonesia' : 'English'})`, el);
  };
  const box = h('div', { class: 'pair', 'data-path': path }, mk('id'), mk('en'));
  const mark = () => {
    const [id, en] = box.querySelectorAll('input, textarea');
    box.classList.toggle('untranslated', !!id.value.trim() && !en.value.trim());
  };
  mark();
  return box;
}

export function select(options) {
  return h('select', {}, h('option', { value: '' }, t('choose')), ...options);
}

export function progressBar(percent) {
  const p = Math.max(0, Math.min(100, Math.round(percent || 0)));
  return h('div', { class: 'progress', role: 'progressbar', 'aria-valuenow': p, 'aria-valuemin': 0, 'aria-valuemax': 100 },
    h('span', { class: 'bar', 'data-p': String(Math.round(p / 5) * 5) }), h('b', {}, `${p}%`));
}

let regionsCache = null;
let settingsCache = null;

// settings are the deployment's: its home region, the data price per GB.
export async function settings() {
  settingsCache ??= await api.kept('/settings').catch(() => null);
  return settingsCache || { home_region: '', data_price_per_gb: 0 };
}

// regionOptions lists each kabupaten/kota, the deployment's home region
// first with its kecamatan, then the rest of NTT.
export async function regionOptions() {
  const [list, conf] = await Promise.all([regionsCache ?? api.kept('/regions').catch(() => null), settings()]);
  if (list) regionsCache = list;
  const all = regionsCache || [];
  const kids = new Map();
  for (const r of all) {
    if (r.level === 'kecamatan') kids.set(r.parent, [...(kids.get(r.parent) || []), r]);
  }
  const tops = all.filter((r) => r.level === 'kabupaten' || r.level === 'kota');
  tops.sort((a, b) => (b.code === conf.home_region) - (a.code === conf.home_region));
  return tops.map((k) => {
    const label = k.level === 'kabupaten' ? `Kabupaten ${k.name}` : k.name;
    const sub = kids.get(k.code);
    if (!sub) return h('option', { value: k.code }, label);
    return h('optgroup', { label }, h('option', { value: k.code }, label),
      sub.map((r) => h('option', { value: r.code }, `${r.name} (${label})`)));
  });
}

// --- signing in ---

export const staff = (u) => !!u && (u.role === 'trainer' || u.role === 'admin');

// signedIn keeps the new session; a second learner on this phone first
// chooses a PIN. A pending class invitation is then joined.
export async function signedIn(data) {
  const others = Object.keys(accounts()).filter((id) => id !== data.user.id);
  session.save(data);
  flush();
  if (others.length) {
    sessionStorage.setItem('lontar.after-pin', afterSignIn());
    return go('/pelajar?pin=1');
  }
  go(afterSignIn());
}

function afterSignIn() {
  const next = sessionStorage.getItem('lontar.next');
  sessionStorage.removeItem('lontar.next');
  if (next) return next;
  return home(session.user);
}

// home is where each role lands.
export function home(u) {
  if (staff(u)) return '/pelatih';
  if (u?.role === 'agency') return '/laporan';
  return '/';
}
