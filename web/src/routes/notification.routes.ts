import { loadVapidKeys, subscribeToPush, unsubscribeFromPush } from '@gridsense/alerts';
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
