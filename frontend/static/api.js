// Talking to the Lontar API: tokens, errors in the contract's shape, and an
// outbox of offline events that is sent through POST /sync when online.
import { lang } from '/i18n.js';

const BASE = '/api/v1';
const OUTBOX = 'lontar.outbox';

export class APIError extends Error {
  constructor(status, code, message, fields) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields || {};
  }
}

export const session = {
  get access() { return localStorage.getItem('lontar.access'); },
  get refresh() { return localStorage.getItem('lontar.refresh'); },
  get user() {
    try { return JSON.parse(localStorage.getItem('lontar.user') || 'null'); } catch { return null; }
  },
  save(data) {
    if (data.access_token) localStorage.setItem('lontar.access', data.access_token);
    if (data.refresh_token) localStorage.setItem('lontar.refresh', data.refresh_token);
    if (data.user) localStorage.setItem('lontar.user', JSON.stringify(data.user));
  },
  clear() {
    for (const k of ['lontar.access', 'lontar.refresh', 'lontar.user']) localStorage.removeItem(k);
  },
};

// A request on a patchy connection can hang instead of failing: give up
// after TIMEOUT so the app can fall back to the phone's copy or the outbox.
const TIMEOUT = 20000;

async function send(method, path, body, retry = true, signal = undefined) {
  const headers = { 'Accept-Language': lang() };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (session.access) headers.Authorization = 'Bearer ' + session.access;
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
  if (res.status === 401 && retry && session.refresh && !path.startsWith('/auth/')) {
    if (await refreshTokens()) return send(method, path, body, false, signal);
  }
  if (res.status === 204) return null;
  const data = await res.json().catch(() => null);
  if (!res.ok) {
    const e = (data && data.error) || {};
    throw new APIError(res.status, e.code || 'internal', e.message || '', e.fields);
  }
  return data;
}

let refreshing = null;
// refreshTokens rotates the refresh token once, even when several requests
// found their access token expired at the same moment.
function refreshTokens() {
  // The promise is stored before it can settle, so a fast failure cannot
  // leave a stale one behind.
  refreshing ??= (async () => {
    try {
      const data = await send('POST', '/auth/refresh', { refresh_token: session.refresh }, false);
      session.save(data);
      return true;
    } catch (e) {
      if (e.status === 401) session.clear();
      return false;
    }
  })().finally(() => { refreshing = null; });
  return refreshing;
}

export const api = {
  get: (p) => send('GET', p),
  post: (p, b = {}) => send('POST', p, b),
  patch: (p, b) => send('PATCH', p, b),
};

export async function logout() {
  const rt = session.refresh;
  session.clear();
  if (rt) await send('POST', '/auth/logout', { refresh_token: rt }, false).catch(() => {});
}

// --- offline outbox ---

export function outbox() {
  try { return JSON.parse(localStorage.getItem(OUTBOX) || '[]'); } catch { return []; }
}

function saveOutbox(events) {
  localStorage.setItem(OUTBOX, JSON.stringify(events));
}

export function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// record keeps an event on the phone first, so a tap is never lost, then
// tries to send everything waiting.
export function record(type, fields, id = uuid()) {
  const ev = { id, type, occurred_at: new Date().toISOString(), ...fields };
  saveOutbox([...outbox(), ev]);
  flush();
  return ev;
}

let flushing = null;
let flushAbort = null;
export function flush() {
  flushing ??= (async () => {
    flushAbort = new AbortController();
    try {
      const events = outbox().slice(0, 500);
      if (!events.length || !session.access) return null;
      const res = await send('POST', '/sync', { events }, true, flushAbort.signal);
      // Only events the server answered for leave the outbox; a rejected
      // one would be rejected again, so it goes too.
      const done = new Map(res.results.map((r) => [r.id, r]));
      saveOutbox(outbox().filter((e) => !done.has(e.id)));
      window.dispatchEvent(new CustomEvent('lontar:synced', { detail: res.results }));
      return res.results;
    } catch {
      return null; // offline or server busy: try again later
    }
  })().finally(() => { flushing = null; });
  return flushing;
}

// Back online: a sync started while offline may hang; drop it and start
// again at once.
window.addEventListener('online', async () => {
  if (flushing) {
    flushAbort?.abort();
    await flushing;
  }
  flush();
});
setInterval(() => { if (navigator.onLine) flush(); }, 30000);
