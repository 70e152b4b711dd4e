import { loadVapidKeys, subscribeToPush, unsubscribeFromPush } from '@gridsense/alerts';
import { apiText, AppError } from '@gridsense/core';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/** A person's notices, and their Web Push subscriptions (the service worker is /sw.js). */
export function notificationRoutes(deps: WebDeps): Router {
  const router = declaredRouter();

  router.get('/api/notifications', async (request, response) => {
    response.json(await deps.cases.notifications(currentUser(request)));
  });

  router.get('/api/notifications/unread', async (request, response) => {
    response.json({ unread: await deps.cases.unreadNotifications(currentUser(request)) });
  });

  /** Body: `{ ids: [notice ids] }` or `{ upTo: notice id }` (all up to it); answers `{ unread }`. */
  router.post('/api/notifications/read', async (request, response) => {
    const user = currentUser(request);
    const which = parseReadRequest(request.body);
    response.json({ unread: await deps.cases.markNotificationsRead(user, which) });
  });

  /** The VAPID public key the browser needs for `pushManager.subscribe`. */
  router.get('/api/notifications/push/key', async (request, response) => {
    currentUser(request);
    response.json({ publicKey: (await loadVapidKeys(deps.db)).publicKey });
  });

  /** Body: a browser PushSubscription as JSON ({ endpoint, keys: { p256dh, auth } }). */
  router.post('/api/notifications/push/subscriptions', async (request, response) => {
    const user = currentUser(request);
    const { replaced } = await subscribeToPush(deps.db, user.id, request.body, deps.now(), deps.pushTargets);
    response.status(201).json({ ok: true, replaced });
  });

  router.delete('/api/notifications/push/subscriptions', async (request, response) => {
    await unsubscribeFromPush(deps.db, currentUser(request).id, request.body);
    response.status(204).end();
  });

  return router;
}

const MAX_IDS = 500;
const isNoticeId = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

function parseReadRequest(body: unknown): { ids: number[] } | { upTo: number } {
  const { ids, upTo } = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (ids !== undefined && upTo === undefined) {
    if (Array.isArray(ids) && ids.length <= MAX_IDS && ids.every(isNoticeId)) return { ids };
  } else if (upTo !== undefined && ids === undefined && isNoticeId(upTo)) return { upTo };
  throw new AppError('validation_failed', apiText('notices.readWhich'));
}
