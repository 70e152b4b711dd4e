import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { listPushSubscriptions, savePushSubscription } from '@gridsense/state';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { startReceiver } from '../testing/http-receiver';
import { loadVapidKeys } from './web-push';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await env?.stop();
  });

  /** A browser's side of a push subscription: its P-256 key pair and auth secret. */
  function browserKeys() {
    const ecdh = createECDH('prime256v1');
    const publicKey = ecdh.generateKeys();
    const auth = randomBytes(16);
    return {
      ecdh,
      publicKey,
      auth,
      p256dh: publicKey.toString('base64url'),
      authB64: auth.toString('base64url'),
    };
  }

  /** What the browser does with a push message (RFC 8291 / RFC 8188 aes128gcm, one record). */
  function decryptPush(body: Buffer, keys: ReturnType<typeof browserKeys>): string {
    const salt = body.subarray(0, 16);
    const idLength = body[20]!;
    const serverKey = body.subarray(21, 21 + idLength);
    const ciphertext = body.subarray(21 + idLength);
    const shared = keys.ecdh.computeSecret(serverKey);
    const info = Buffer.concat([Buffer.from('WebPush: info\0'), keys.publicKey, serverKey]);
    const ikm = Buffer.from(hkdfSync('sha256', shared, keys.auth, info, 32));
    const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
    const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
    decipher.setAuthTag(ciphertext.subarray(-16));
    const plain = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
    let end = plain.length - 1;
    while (plain[end] === 0) end--;
    expect(plain[end]).toBe(2); // the last record's padding delimiter
    return plain.subarray(0, end).toString('utf8');
  }

  /** What a push service does with the VAPID header: check the ES256 JWT against the key it names. */
  function verifyVapid(header: string, audience: string): Record<string, unknown> {
    const match = /^vapid t=([^,]+), k=(.+)$/.exec(header);
    expect(match).not.toBeNull();
    const [head, payload, signature] = match![1]!.split('.') as [string, string, string];
    const raw = Buffer.from(match![2]!, 'base64url');
    const key = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: raw.subarray(1, 33).toString('base64url'),
        y: raw.subarray(33).toString('base64url'),
      },
      format: 'jwk',
    });
    const valid = verify(
      'sha256',
      Buffer.from(`${head}.${payload}`),
      { key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(signature, 'base64url'),
    );
    expect(valid).toBe(true);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims.aud).toBe(audience);
    return claims;
  }

  describe('Web Push (VAPID) to a push service on loopback', () => {
    it('generates VAPID keys once, then sends an encrypted, signed notice the browser can read', async () => {
      env = await startCaseEnv({ dialect });
      const keys = await loadVapidKeys(env.db);
      expect(await loadVapidKeys(env.db)).toEqual(keys);
      expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);

      const pushService = await startReceiver([{ status: 201 }]);
      closers.push(pushService.close);
      const browser = browserKeys();
      const endpoint = `${pushService.url}/push/v1/worker01-phone`;
      await savePushSubscription(
        env.db,
        { endpoint, userId: 'u-worker01', p256dh: browser.p256dh, auth: browser.authB64 },
        env.clock.now(),
      );

      const id = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      await env.deliver();

      expect(pushService.received).toHaveLength(1);
      const [request] = pushService.received;
      expect(request!.url).toBe('/push/v1/worker01-phone');
      expect(request!.headers['content-encoding']).toBe('aes128gcm');
      expect(request!.headers.ttl).toBe('3600');
      const claims = verifyVapid(String(request!.headers.authorization), pushService.url);
      expect(claims.sub).toBe(keys.subject);
      expect(JSON.parse(decryptPush(request!.body, browser))).toMatchObject({
        title: 'smoke-high 告警（江城社区第1网格）',
        caseIds: [id],
        kind: 'assigned',
      });
    });

    it('a subscription the push service says is gone is removed and not retried', async () => {
      env = await startCaseEnv({ dialect, delivery: { retryBaseMs: 1 } });
      const pushService = await startReceiver([{ status: 410 }]);
      closers.push(pushService.close);
      const browser = browserKeys();
      await savePushSubscription(
        env.db,
        {
          endpoint: `${pushService.url}/gone`,
          userId: 'u-worker01',
          p256dh: browser.p256dh,
          auth: browser.authB64,
        },
        0,
      );
      await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
      await env.deliver();
      env.clock.advance(1000);
      await env.deliver();
      expect(pushService.received).toHaveLength(1);
      expect(await listPushSubscriptions(env.db, 'u-worker01')).toEqual([]);
    });
  });
});
