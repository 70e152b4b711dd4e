/* global self, clients */
/**
 * GridSense service worker for Web Push: shows a pushed case notice (one per case, replaced as
 * the digest grows) and opens the case, or accepts it (签收) from the notification itself.
 * The console registers it with `navigator.serviceWorker.register('/sw.js')` and subscribes with
 * the key from GET /api/notifications/push/key, then POSTs the subscription to
 * /api/notifications/push/subscriptions.
 */
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
