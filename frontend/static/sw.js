// Service worker. Every asset URL carries its content hash (?v=…, stamped
// by the server), so a URL names exactly one file: the worker matches URLs
// exactly, never ignoring the query, and caches a response only when its
// ETag (the same hash) proves it is the file the URL asks for. A new
// version can therefore never be answered with an old file, nor an old
// page with a new one. The shell is cached per app version; the app keeps
// its own copies of what it read from the API (api.js keep), so the
// worker leaves /api/ alone.
const VERSION = '__LONTAR_VERSION__';
const SHELL = 'lontar-shell-' + VERSION;
// What a learner needs with no signal. Trainers' screens are cached when
// first opened instead, so a learner's phone never downloads them.
const ASSETS = ['/app.css', '/app.js', '/i18n.js', '/api.js', '/ui.js', '/data.js', '/quiz.js', '/speech.js',
  '/offline.js', '/learners.js', '/practice.js', '/practice.css', '/words-practice.js', '/certificate.js',
  '/words-certificate.js', '/manifest.webmanifest', '/icon.svg'];

// proven reports whether res is the file url names.
function proven(url, res) {
  const v = new URL(url, location.origin).searchParams.get('v');
  return res.ok && (!v || res.headers.get('ETag') === `"${v}"`);
}

async function precache() {
  const cache = await caches.open(SHELL);
  await Promise.all(['/', ...ASSETS].map(async (url) => {
    // A stamped URL names one content, so the copy the page just loaded is
    // taken from the HTTP cache rather than downloaded again; '/' is not.
    const res = await fetch(url, { cache: url === '/' ? 'reload' : 'default' });
    if (!proven(url, res)) throw new Error('stale ' + url);
    await cache.put(url, res);
  }));
}

self.addEventListener('install', (e) => e.waitUntil(precache()));

// The page asks a waiting worker to take over while it is starting, then
// reloads, so the next open runs the new version throughout.
self.addEventListener('message', (e) => { if (e.data === 'skipWaiting') self.skipWaiting(); });

self.addEventListener('activate', (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(
    keys.filter((k) => k.startsWith('lontar-shell-') && k !== SHELL || k === 'lontar-data-v1').map((k) => caches.delete(k)))).then(() => self.clients.claim()));
});

self.addEventListener('fetch', (e) => {
  const url = new URL(e.request.url);
  if (e.request.method !== 'GET' || url.origin !== location.origin) return;
  // API reads keep their own copies on the phone (api.js keep); the
  // public verification page and the keys are the server's, never the app's.
  if (url.pathname.startsWith('/api/') || url.pathname === '/sw.js' || url.pathname.startsWith('/verify') ||
    url.pathname.startsWith('/.well-known/')) return;
  // App routes (/kursus/…, /join/…) all load the shell of this version.
  if (!url.pathname.includes('.')) {
    e.respondWith(caches.match('/', { cacheName: SHELL }).then((hit) => hit || fetch(e.request)));
    return;
  }
  // Exact match: the URL's hash names the file.
  e.respondWith(caches.match(e.request).then((hit) => hit || fetch(e.request).then((res) => {
    if (proven(e.request.url, res)) {
      const copy = res.clone();
      caches.open(SHELL).then((c) => c.put(e.request, copy));
    }
    return res;
  })));
});
