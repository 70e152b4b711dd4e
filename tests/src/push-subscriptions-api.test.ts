import { createECDH, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/** Web Push subscriptions through the API, checked as in production (no loopback allowance). */

const PATH = '/api/notifications/push/subscriptions';
const ADDRESS_REFUSED = 'endpoint must not point to a private, loopback, link-local or unique-local address';

function subscription(endpoint: string) {
  return {
    endpoint,
    keys: {
      p256dh: createECDH('prime256v1').generateKeys().toString('base64url'),
      auth: randomBytes(16).toString('base64url'),
    },
  };
}

describe.each(stateDialects())('push subscriptions (%s)', (dialect) => {
  let env: TestPlatform;
  let worker: ApiClient;
  let clock = Date.now();

  beforeAll(async () => {
    env = await startTestPlatform({ pushTargets: {}, now: () => clock, dialect });
    worker = await env.login('worker01');
  });

  afterAll(async () => {
    await env?.stop();
  });

  it.each([
    ['http://203.0.113.7/push/1', 'endpoint must be an https URL'],
    ['https://127.0.0.1/push', ADDRESS_REFUSED],
    ['https://localhost:8443/push', ADDRESS_REFUSED],
    ['https://10.20.30.40/push', ADDRESS_REFUSED],
    ['https://192.168.1.1/push', ADDRESS_REFUSED],
    ['https://169.254.169.254/latest/meta-data', ADDRESS_REFUSED],
    ['https://[fe80::1]/push', ADDRESS_REFUSED],
    ['https://[fd00:ab::1]/push', ADDRESS_REFUSED],
    ['https://push.gridsense.invalid/push', 'endpoint host does not resolve'],
  ])('refuses %s', async (endpoint, detail) => {
    const answer = await worker.call<{ error: { code: string; details: string[] } }>(
      'POST',
      PATH,
      subscription(endpoint),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: 'validation_failed', details: [detail] });
  });

  it('keeps five per person: a sixth replaces the one saved longest ago', async () => {
    const endpoints = [1, 2, 3, 4, 5, 6].map((n) => `https://203.0.113.${n}/push/worker01-${n}`);
    const replaced: number[] = [];
    for (const endpoint of endpoints) {
      const answer = await worker.call<{ replaced: number }>('POST', PATH, subscription(endpoint));
      expect(answer.status).toBe(201);
      replaced.push(answer.body.replaced);
      clock += 1000;
    }
    expect(replaced).toEqual([0, 0, 0, 0, 0, 1]);
    // The first is gone; the other five are still there (deleting each one works once).
    expect((await worker.call('DELETE', PATH, { endpoint: endpoints[0] })).status).toBe(404);
    for (const endpoint of endpoints.slice(1))
      expect((await worker.call('DELETE', PATH, { endpoint })).status, endpoint).toBe(204);
  });
});
