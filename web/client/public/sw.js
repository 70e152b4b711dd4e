/* global self, clients, caches */
/**
 * GridSense service worker. Two jobs:
 *
 * 1. The offline shell: the console's index.html and its hashed scripts, styles, manifest and
 *    icons are kept in a cache, so a phone opens the console with no network (its cases and
 *    outbox then come from IndexedDB). Pages are fetched from the network first and the copy is
 *    used only when that fails, so a new build is picked up at once; hashed `/assets/*` never
 *    change, so the cache answers them first. The API, socket.io, MQTT and Node-RED are never
 *    cached or touched here: what the server says about cases is always asked of the server.
 *
 * 2. Web Push: shows a pushed case notice (one per case, replaced as the digest grows) and opens
 *    the case, or accepts it (签收) from the notification itself. The console subscribes with
 *    the key from GET /api/notifications/push/key, then POSTs the subscription to
 *    /api/notifications/push/subscriptions.
 *
 * The console registers it at start (`lib/offline-shell.ts`).
 */

const SHELL_CACHE = 'gridsense-shell-v1';
const SHELL_FILES = [
  '/',
  '/manifest.webmanifest',
  '/icons/icon.svg',
  '/icons/icon-192.png',
  '/icons/icon-512.png',
];
const NEVER_CACHED = /^\/(api|socket\.io|mqtt|flows|metrics|healthz)(\/|$)/;

/** The hashed files index.html names (its script and stylesheet), read from the page itself. */
function assetsOf(html) {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
}

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(SHELL_CACHE);
      // One file missing (a development server has no /assets) must not stop Web Push installing.
      const keep = (files) => Promise.all(files.map((file) => cache.add(file).catch(() => undefined)));
      await keep(SHELL_FILES);
      const page = await cache.match('/');
      if (page) await keep(assetsOf(await page.text()));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const name of await caches.keys())
        if (name.startsWith('gridsense-shell-') && name !== SHELL_CACHE) await caches.delete(name);
      await self.clients.claim();
    })(),
  );
});

/** The page from the network (kept as the shell for later), or the kept shell when offline. */
async function pageFirstFromNetwork(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    // Only the console's page is the shell (a navigation may land on anything the server sends).
    if (response.ok && (response.headers.get('content-type') || '').startsWith('text/html')) {
      await cache.put('/', response.clone());
      // A new build names new hashed files: keep them now, while there is a network.
      cache.addAll(assetsOf(await response.clone().text())).catch(() => undefined);
    }
    return response;
  } catch (error) {
    const kept = await cache.match('/');
    if (kept) return kept;
    throw error;
  }
}

async function fromCacheFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

async function fromNetworkFirst(request) {
  const cache = await caches.open(SHELL_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (error) {
    const kept = await cache.match(request);
    if (kept) return kept;
    throw error;
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || NEVER_CACHED.test(url.pathname) || url.pathname === '/sw.js')
    return;
  if (request.mode === 'navigate') event.respondWith(pageFirstFromNetwork(request));
  else if (url.pathname.startsWith('/assets/')) event.respondWith(fromCacheFirst(request));
  else if (SHELL_FILES.includes(url.pathname)) event.respondWith(fromNetworkFirst(request));
});
self.addEventListener('push', (event) => {
  let data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch {
    data = { title: 'GridSense', body: event.data ? event.data.text() : '' };
  }
  const caseId = Array.isArray(data.caseIds) && data.caseIds.length > 0 ? data.caseIds[0] : null;
  const body = data.count > 1 ? `${data.body || ''}（共 ${data.count} 条）` : data.body || '';
  const options = { body, data: { caseId }, renotify: true, tag: caseId ? `case-${caseId}` : 'gridsense' };
  if (caseId && (data.kind === 'assigned' || data.kind === 'repeat'))
    options.actions = [{ action: 'accept', title: '签收' }];
  event.waitUntil(self.registration.showNotification(data.title || 'GridSense', options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const caseId = event.notification.data && event.notification.data.caseId;
  const url = caseId ? `/#/cases/${encodeURIComponent(caseId)}` : '/';
  const accept =
    event.action === 'accept' && caseId
      ? fetch(`/api/cases/${encodeURIComponent(caseId)}/actions`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ action: 'accept' }),
        }).catch(() => undefined)
      : Promise.resolve();
  event.waitUntil(
    accept
      .then(() => clients.matchAll({ type: 'window', includeUncontrolled: true }))
      .then((windows) => {
        const open = windows.find((w) => new URL(w.url).origin === self.location.origin);
        if (open) return open.navigate(url).then((w) => w && w.focus());
        return clients.openWindow(url);
      }),
  );
});
