import { AppError } from '@gridsense/core';
import { loadVapidKeys } from '@gridsense/alerts';
import { deletePushSubscription, savePushSubscription } from '@gridsense/state';
import { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** A person's notices, and their Web Push subscriptions (the service worker is /sw.js). */
export function notificationRoutes(deps: WebDeps): Router {
  const router = Router();

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
    const body = (request.body ?? {}) as { endpoint?: unknown; keys?: { p256dh?: unknown; auth?: unknown } };
    const errors: string[] = [];
    if (
      typeof body.endpoint !== 'string' ||
      !/^https?:\/\//.test(body.endpoint) ||
      body.endpoint.length > 2048
    )
      errors.push('endpoint must be the push service URL');
    const { p256dh, auth } = body.keys ?? {};
    if (typeof p256dh !== 'string' || !BASE64URL.test(p256dh)) errors.push('keys.p256dh must be base64url');
    if (typeof auth !== 'string' || !BASE64URL.test(auth)) errors.push('keys.auth must be base64url');
    if (errors.length > 0) throw new AppError('validation_failed', 'invalid push subscription', errors);
    await savePushSubscription(
      deps.db,
      { endpoint: body.endpoint as string, userId: user.id, p256dh: p256dh as string, auth: auth as string },
      deps.now(),
    );
    response.status(201).json({ ok: true });
  });

  router.delete('/api/notifications/push/subscriptions', async (request, response) => {
    const user = currentUser(request);
    const endpoint = (request.body as { endpoint?: unknown } | undefined)?.endpoint;
    if (typeof endpoint !== 'string') throw new AppError('validation_failed', 'endpoint is required');
    if (!(await deletePushSubscription(deps.db, endpoint, user.id)))
      throw new AppError('not_found', 'no such subscription');
    response.status(204).end();
  });

  return router;
}
