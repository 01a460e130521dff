// The service worker: keeps the app shell (index.html and every file it loads) so that the app
// opens with no network and says it is offline instead of failing. The server puts
// SHELL_VERSION and SHELL_FILES above this file (src/web/mod.rs), so the list never drifts
// from the app's files and a new build replaces the old cache. Only the shell is cached: API
// answers, media and audio always go to the network.

const CACHE = `ampli-shell-${SHELL_VERSION}`;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(['/', ...SHELL_FILES])).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith('ampli-shell-') && name !== CACHE).map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

// The network first, so a running server always serves the newest files; the cache when the
// network fails. A page of the app is always index.html (the app routes in the browser).
self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && !/^\/(api|media|rest)\//.test(url.pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match('/', { cacheName: CACHE })));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(fetch(request).catch(() => caches.match(request, { cacheName: CACHE, ignoreSearch: true })
      .then((cached) => cached || Response.error())));
  }
});
