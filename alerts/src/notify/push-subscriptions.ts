import { apiText, AppError, type Problem } from '@gridsense/core';
import { deletePushSubscription, savePushSubscription, type StateDb } from '@gridsense/state';
import { checkPushEndpoint, type PushTargetPolicy } from './push-endpoint';

/**
 * Browsers (phones, a desk PC, a tablet) one person may receive Web Push on. A sixth replaces
 * the one saved longest ago: the device in the person's hand is the one that matters, and a
 * browser that lost its subscription cannot tell the server which one to drop.
 */
export const MAX_PUSH_SUBSCRIPTIONS_PER_PERSON = 5;

const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const MAX_ENDPOINT_LENGTH = 2048;

/**
 * Saves a browser's PushSubscription ({ endpoint, keys: { p256dh, auth } }) for a person, once
 * its endpoint is a public https address. Answers how many older subscriptions it replaced.
 */
export async function subscribeToPush(
  db: StateDb,
  userId: string,
  input: unknown,
  now: number,
  policy: PushTargetPolicy = {},
): Promise<{ replaced: number }> {
  const body = (typeof input === 'object' && input !== null ? input : {}) as {
    endpoint?: unknown;
    keys?: { p256dh?: unknown; auth?: unknown };
  };
  const errors: Problem[] = [];
  const { endpoint } = body;
  if (typeof endpoint !== 'string' || endpoint.length > MAX_ENDPOINT_LENGTH)
    errors.push(apiText('field.pushServiceUrl', { field: 'endpoint' }));
  else errors.push(...(await checkPushEndpoint(endpoint, policy)));
  const { p256dh, auth } = body.keys ?? {};
  if (typeof p256dh !== 'string' || !BASE64URL.test(p256dh))
    errors.push(apiText('field.base64url', { field: 'keys.p256dh' }));
  if (typeof auth !== 'string' || !BASE64URL.test(auth))
    errors.push(apiText('field.base64url', { field: 'keys.auth' }));
  if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.pushSubscription'), errors);
  const replaced = await savePushSubscription(
    db,
    { endpoint: endpoint as string, userId, p256dh: p256dh as string, auth: auth as string },
    now,
    MAX_PUSH_SUBSCRIPTIONS_PER_PERSON,
  );
  return { replaced };
}

export async function unsubscribeFromPush(db: StateDb, userId: string, input: unknown): Promise<void> {
  const endpoint = (input as { endpoint?: unknown } | undefined)?.endpoint;
  if (typeof endpoint !== 'string') throw new AppError('validation_failed', apiText('push.endpointRequired'));
  if (!(await deletePushSubscription(db, endpoint, userId)))
    throw new AppError('not_found', apiText('push.subscriptionNotFound'));
}
