// Service worker: the app shell comes from the cache first (it works with
// no signal); course and lesson reads go to the network first and fall back
// to the last copy, so lessons opened once stay readable offline.
const SHELL = 'lontar-shell-v1';
const DATA = 'lontar-data-v1';
const ASSETS = ['/', '/app.css', '/app.js', '/api.js', '/i18n.js', '/manifest.webmanifest', '/icon.svg'];

self.addEventListener('install', (e) => {
  e.waitUntil(caches.open(SHELL).then((c) => c.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k !== SHELL && k !== DATA).map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

function cacheable(url) {
  return /^\/api\/v1\/(courses|regions|me\/enrollments|quizzes\/[^/]+$)/.test(url.pathname);
}

self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  if (url.pathname.startsWith('/api/')) {
    if (!cacheable(url)) return;
    e.respondWith(fetch(e.request).then((res) => {
      if (res.ok) {
        const copy = res.clone();
        caches.open(DATA).then((c) => c.put(e.request, copy));
      }
      return res;
    }).catch(() => caches.match(e.request).then((hit) => hit || Response.error())));
    return;
  }
  // The public verification page and the keys are the server's, never the app's.
  if (url.pathname.startsWith('/verify') || url.pathname.startsWith('/.well-known/')) return;
  // App routes (/kursus/…, /join/…) all load the same shell.
  const key = url.pathname.includes('.') ? e.request : '/';
  e.respondWith(caches.match(key, { ignoreSearch: true }).then((hit) => {
    const net = fetch(e.request).then((res) => {
      if (res.ok) caches.open(SHELL).then((c) => c.put(key, res.clone()));
      return res;
    });
    return hit || net;
  }));
});
