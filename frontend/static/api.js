// Talking to the Lontar API: the learners signed in on this phone and their
// tokens, errors in the contract's shape, and each learner's own outbox of
// offline events, sent through POST /sync with that learner's token only.
import { lang } from '/i18n.js';

const BASE = '/api/v1';
const ACCOUNTS = 'lontar.accounts';
const CURRENT = 'lontar.current';

export class APIError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

function readJSON(key, fallback) {
  try { return JSON.parse(localStorage.getItem(key) || 'null') ?? fallback; } catch { return fallback; }
}
const writeJSON = (key, v) => localStorage.setItem(key, JSON.stringify(v));

// accounts maps user id → {user, access, refresh, pin}: every learner
// signed in on this phone.
export function accounts() { return readJSON(ACCOUNTS, {}); }
function saveAccounts(a) { writeJSON(ACCOUNTS, a); }

// An app from before several learners shared a phone kept one session
// and one outbox: they become the first account's.
(function migrate() {
  const user = readJSON('lontar.user', null);
  if (!user || !user.id) return;
  const a = accounts();
  a[user.id] = { user, access: localStorage.getItem('lontar.access'), refresh: localStorage.getItem('lontar.refresh') };
  saveAccounts(a);
  localStorage.setItem(CURRENT, user.id);
  const old = readJSON('lontar.outbox', []);
  if (old.length) writeJSON(`lontar.u.${user.id}.outbox`, old);
  for (const k of ['lontar.user', 'lontar.access', 'lontar.refresh', 'lontar.outbox']) localStorage.removeItem(k);
})();

export const session = {
  get id() { const id = localStorage.getItem(CURRENT); return id && accounts()[id] ? id : null; },
  get account() { return this.id ? accounts()[this.id] : null; },
  get user() { return this.account?.user || null; },
  get access() { return this.account?.access || null; },
  // save keeps a login's tokens and makes its user the current one.
  save(data, id = this.id) {
    const a = accounts();
    const uid = data.user?.id || id;
    if (!uid) return;
    const acct = a[uid] || {};
    if (data.user) acct.user = data.user;
    if (data.access_token) acct.access = data.access_token;
    if (data.refresh_token) acct.refresh = data.refresh_token;
    a[uid] = acct;
    saveAccounts(a);
    if (data.user) localStorage.setItem(CURRENT, uid);
  },
  switchTo(id) { if (accounts()[id]) localStorage.setItem(CURRENT, id); },
  // clear signs the current learner out of this phone. Their outbox stays
  // and is sent when they sign in again: a logout never loses a tap.
  clear(id = this.id) {
    const a = accounts();
    delete a[id];
    saveAccounts(a);
    if (localStorage.getItem(CURRENT) === id) localStorage.removeItem(CURRENT);
  },
  update(id, fn) {
    const a = accounts();
    if (!a[id]) return;
    fn(a[id]);
    saveAccounts(a);
  },
};

// mine is the current learner's own storage on this phone.
export const mine = {
  get(key, fallback = null) { return session.id ? readJSON(`lontar.u.${session.id}.${key}`, fallback) : fallback; },
  set(key, v) { if (session.id) writeJSON(`lontar.u.${session.id}.${key}`, v); },
};

// A request on a patchy connection can hang instead of failing: give up
// after TIMEOUT so the app can fall back to the phone's copy or the outbox.
const TIMEOUT = 20000;

async function send(method, path, body, { uid = session.id, retry = true, signal, raw = false } = {}) {
  const headers = { 'Accept-Language': lang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const acct = uid ? accounts()[uid] : null;
  if (acct?.access) headers.Authorization = 'Bearer ' + acct.access;
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT);
  signal?.addEventListener('abort', () => ctl.abort());
  let res;
  try {
    res = await fetch(BASE + path, { method, headers, signal: ctl.signal, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new APIError(0, 'network', '', {});
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 401 && retry && acct?.refresh && !path.startsWith('/auth/')) {
    if (await refreshTokens(uid)) return send(method, path, body, { uid, retry: false, signal, raw });
  }
  if (res.status === 204) return null;
  if (raw && res.ok) return res;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new APIError(res.status, e.code || 'internal', e.message || '', e.fields);
  }
  return data;
}

const refreshing = new Map();
// refreshTokens rotates a learner's refresh token once, even when several
// requests found the access token expired at the same moment.
function refreshTokens(uid) {
  if (!refreshing.has(uid)) {
    // Stored before it can settle, so a fast failure leaves nothing stale.
    refreshing.set(uid, (async () => {
      try {
        const data = await send('POST', '/auth/refresh', { refresh_token: accounts()[uid]?.refresh }, { uid, retry: false });
        session.save({ access_token: data.access_token, refresh_token: data.refresh_token }, uid);
        return true;
      } catch (e) {
        if (e.status === 401) session.update(uid, (a) => { a.access = null; a.refresh = null; });
        return false;
      }
    })().finally(() => refreshing.delete(uid)));
  }
  return refreshing.get(uid);
}

// --- copies kept on the phone ---

export const DATA = 'lontar-data';

// dataKey names the phone's copy of a GET. A learner's own answers (their
// enrollments, a quiz with their attempts) are filed under that learner,
// so one learner on a shared phone never sees another's copy.
export function dataKey(path, uid = session.id) {
  const u = new URL(BASE + path, location.origin);
  if (uid && /^\/(me\/|quizzes\/|courses\/[^/]+\/quizzes)/.test(path)) u.searchParams.set('_u', uid);
  return u.href;
}

// keep reads path from the network and keeps a copy on the phone; with no
// signal (or a server in trouble) it answers from that copy. It returns
// the data and the bytes it cost on the wire.
export async function keep(path) {
  const key = dataKey(path);
  try {
    const res = await send('GET', path, undefined, { raw: true });
    if (window.caches) await caches.open(DATA).then((c) => c.put(key, res.clone())).catch(() => {});
    const bytes = Number(res.headers.get('Content-Length')) || 0;
    const data = await res.json();
    return { data, bytes: bytes || JSON.stringify(data).length };
  } catch (e) {
    if (!(e.code === 'network' || e.status >= 500) || !window.caches) throw e;
    const hit = await caches.match(key, { cacheName: DATA });
    if (!hit) throw e;
    return { data: await hit.json(), bytes: 0, stale: true };
  }
}

export const api = {
  get: (p) => send('GET', p),
  // kept is get with the phone's copy as the fallback.
  kept: (p) => keep(p).then((r) => r.data),
  post: (p, b = {}) => send('POST', p, b),
  put: (p, b) => send('PUT', p, b),
  patch: (p, b) => send('PATCH', p, b),
};

export async function logout() {
  const id = session.id;
  const rt = session.account?.refresh;
  await flush();
  session.clear(id);
  if (rt) await send('POST', '/auth/logout', { refresh_token: rt }, { uid: null, retry: false }).catch(() => {});
}

// --- offline outbox, one per learner ---

const outboxKey = (uid) => `lontar.u.${uid}.outbox`;
export function outbox(uid = session.id) { return uid ? readJSON(outboxKey(uid), []) : []; }
function saveOutbox(uid, events) { writeJSON(outboxKey(uid), events); }

// waiting counts what the current learner's phone still has to send.
export function waiting() {
  const ev = outbox();
  return { lessons: ev.filter((e) => e.type === 'lesson_completed').length,
    quizzes: ev.filter((e) => e.type === 'quiz_submitted').length };
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// record keeps an event in the current learner's outbox first, so a tap is
// never lost, then tries to send everything waiting.
export function record(type, fields, id = uuid()) {
  const uid = session.id;
  const ev = { id, type, occurred_at: new Date().toISOString(), ...fields };
  saveOutbox(uid, [...outbox(uid), ev]);
  window.dispatchEvent(new Event('lontar:outbox'));
  flush();
  return ev;
}

let flushing = null;
let flushAbort = null;
// flush sends every learner's outbox on this phone, each with its own
// token, and announces what the server acknowledged.
export function flush() {
  flushing ??= (async () => {
    flushAbort = new AbortController();
    let any = false;
    for (const [uid, acct] of Object.entries(accounts())) {
      const events = outbox(uid).slice(0, 500);
      if (!events.length || !acct.access) continue;
      try {
        const res = await send('POST', '/sync', { events, pending: outbox(uid).length }, { uid, signal: flushAbort.signal });
        // Only events the server answered for leave the outbox; a rejected
        // one would be rejected again, so it goes too.
        const done = new Map(res.results.map((r) => [r.id, r]));
        saveOutbox(uid, outbox(uid).filter((e) => !done.has(e.id)));
        any = true;
        window.dispatchEvent(new CustomEvent('lontar:synced', { detail: { uid, results: res.results } }));
      } catch {
        // offline or server busy: try again later
      }
    }
    return any;
  })().finally(() => { flushing = null; });
  return flushing;
}

// Back online: a sync started while offline may hang; drop it and start
// again at once. Also on opening the app and on coming back to it.
window.addEventListener('online', async () => {
  if (flushing) {
    flushAbort?.abort();
    await flushing;
  }
  flush();
});
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible') flush(); });
setInterval(() => { if (navigator.onLine) flush(); }, 30000);
