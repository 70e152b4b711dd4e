import { getSetting, setSetting, type PushSubscriptionRecord, type StateDb } from '@gridsense/state';
import webpush from 'web-push';
import type { HttpRequestSpec } from './channel-senders';

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
  subject: string;
}

/**
 * VAPID keys for Web Push, generated at first start and kept in the state database (never in
 * the repository). The subject is the contact push services see; admins may set it.
 */
export async function loadVapidKeys(db: StateDb): Promise<VapidKeys> {
  let publicKey = await getSetting(db, 'vapid_public_key');
  let privateKey = await getSetting(db, 'vapid_private_key');
  if (!publicKey || !privateKey) {
    const keys = webpush.generateVAPIDKeys();
    // Whoever commits first wins; a concurrent first start in another process reads the same pair.
    await db.transaction().execute(async (tx) => {
      if (await getSetting(tx, 'vapid_private_key')) return;
      await setSetting(tx, 'vapid_public_key', keys.publicKey);
      await setSetting(tx, 'vapid_private_key', keys.privateKey);
    });
    publicKey = (await getSetting(db, 'vapid_public_key'))!;
    privateKey = (await getSetting(db, 'vapid_private_key'))!;
  }
  const subject = (await getSetting(db, 'vapid_subject')) ?? 'mailto:ops@gridsense.invalid';
  return { publicKey, privateKey, subject };
}

/** The encrypted (aes128gcm) and VAPID-signed request for one subscription. */
export function buildPushRequest(
  sub: PushSubscriptionRecord,
  payload: string,
  vapid: VapidKeys,
  ttlSeconds: number,
): HttpRequestSpec & { bodyBytes: Buffer } {
  const details = webpush.generateRequestDetails(
    { endpoint: sub.endpoint, keys: { p256dh: sub.p256dh, auth: sub.auth } },
    payload,
    { vapidDetails: vapid, TTL: ttlSeconds, contentEncoding: 'aes128gcm' },
  );
  const headers = Object.fromEntries(
    Object.entries(details.headers).map(([k, v]) => [k.toLowerCase(), String(v)]),
  );
  const bodyBytes = details.body ?? Buffer.alloc(0);
  return { url: details.endpoint, headers, body: '', bodyBytes };
}
