import { createECDH, randomBytes } from 'node:crypto';
import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { listDeliveryLog, savePushSubscription } from '@gridsense/state';
import { createCaseAdmin } from '../admin-service';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { startHeldReceiver, startReceiver } from '../testing/http-receiver';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  /** Push and webhook sends in their own lanes, against real receivers on loopback, one of them slow. */

  let env: CaseEnv;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await env?.stop();
    for (const close of closers.splice(0)) await close();
  });

  async function subscribe(endpoint: string): Promise<void> {
    const ecdh = createECDH('prime256v1');
    await savePushSubscription(
      env.db,
      {
        endpoint,
        userId: 'u-worker01',
        p256dh: ecdh.generateKeys().toString('base64url'),
        auth: randomBytes(16).toString('base64url'),
      },
      env.clock.now(),
    );
  }

  async function addWebhook(id: string, url: string): Promise<void> {
    const admin = createCaseAdmin({ db: env.db, now: env.clock.now, regions: env.cases.regions });
    await admin.setChannel(await env.user('admin'), {
      id,
      kind: 'webhook',
      url,
      name: id,
      secret: null,
      regionId: 'D1',
      minSeverity: 'info',
      kinds: [],
      enabled: true,
    });
  }

  /** Two incidents in worker01's grid: two messages for each of their targets. */
  async function twoIncidents(): Promise<void> {
    await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
    await env.risk('camera-G01-4', 'G01', 'camera-garbage', 'city_appearance', 'info', {
      eventType: 'garbage_overflow',
    });
  }

  async function statuses(targetKind: 'push' | 'channel', targetId: string) {
    const log = await listDeliveryLog(env.db, { targetKind, targetId, limit: 10 });
    return log.map((entry) => `${entry.message.status}/${entry.attempts.length}`).sort();
  }

  describe('delivery lanes', () => {
    it('a push service that does not answer holds back only its own messages, one at a time', async () => {
      env = await startCaseEnv({ dialect, delivery: { timeoutMs: 60_000 } });
      const slow = await startHeldReceiver();
      const fast = await startReceiver([{ status: 201 }]);
      const hook = await startReceiver([{ status: 204 }]);
      closers.push(slow.close, fast.close, hook.close);
      await subscribe(`${slow.url}/push/slow`);
      await subscribe(`${fast.url}/push/fast`);
      await addWebhook('ops', hook.url);
      await twoIncidents();

      await env.alerts.delivery.pass();
      await expect.poll(() => slow.received.length).toBe(1);
      await expect.poll(() => fast.received.length).toBe(1);
      await expect.poll(() => hook.received.length).toBe(1);
      await expect.poll(() => env.notified.filter((n) => n.userId === 'u-worker01').length).toBe(2);
      // The next pass sends the fast targets' second messages; the slow one still has its first.
      await expect.poll(() => statuses('push', `${fast.url}/push/fast`)).toEqual(['pending/0', 'sent/1']);
      await env.alerts.delivery.pass();
      await expect.poll(() => fast.received.length).toBe(2);
      await expect.poll(() => hook.received.length).toBe(2);
      expect(slow.received).toHaveLength(1);
      expect(await statuses('push', `${slow.url}/push/slow`)).toEqual(['pending/0', 'pending/0']);

      slow.release();
      await env.deliver();
      expect(slow.received).toHaveLength(2);
      expect(await statuses('push', `${slow.url}/push/slow`)).toEqual(['sent/1', 'sent/1']);
      expect(await statuses('channel', 'ops')).toEqual(['sent/1', 'sent/1']);
    });

    it('gives up on an attempt after the timeout and retries it later; the others are sent meanwhile', async () => {
      env = await startCaseEnv({ dialect, delivery: { timeoutMs: 300, retryBaseMs: 60_000 } });
      const silent = await startHeldReceiver();
      const fast = await startReceiver([{ status: 201 }]);
      closers.push(silent.close, fast.close);
      await subscribe(`${silent.url}/push/silent`);
      await subscribe(`${fast.url}/push/fast`);
      await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');

      await env.deliver();
      expect(fast.received).toHaveLength(1);
      expect(silent.received).toHaveLength(1);
      const [entry] = await listDeliveryLog(env.db, {
        targetKind: 'push',
        targetId: `${silent.url}/push/silent`,
        limit: 1,
      });
      expect(entry!.message.status).toBe('pending');
      expect(entry!.attempts.map((a) => [a.ok, a.error, a.errorText])).toEqual([
        [false, 'no answer within 300 ms', { key: 'delivery.timeout', params: { ms: 300 } }],
      ]);
    });
  });

  describe('push endpoints checked again at delivery', () => {
    it('refuses, without retrying, an endpoint whose name now resolves to loopback or a private address', async () => {
      // No test allowance: delivery as in production.
      env = await startCaseEnv({ dialect, pushTargets: {} });
      const receiver = await startReceiver([{ status: 201 }]);
      closers.push(receiver.close);
      const port = new URL(receiver.url).port;
      // Stored as if the name had resolved to a public address when the browser subscribed.
      await subscribe(`https://localhost:${port}/push/rebound`);
      await subscribe('https://10.0.0.8/push/lan');
      await subscribe(`${receiver.url}/push/plain-http`);
      await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
      await env.deliver();

      expect(receiver.received).toEqual([]);
      const log = await listDeliveryLog(env.db, { targetKind: 'push', limit: 10 });
      const outcome = Object.fromEntries(
        log.map((l) => [
          new URL(l.message.targetId).pathname,
          [l.message.status, l.attempts[0]?.error, l.attempts[0]?.errorText],
        ]),
      );
      const rebound = outcome['/push/rebound'];
      const address = (rebound?.[2] as { params?: { address?: string } } | undefined)?.params?.address;
      expect(['127.0.0.1', '::1']).toContain(address);
      expect(outcome).toEqual({
        '/push/rebound': [
          'failed',
          `localhost resolves to ${address}, not a public address`,
          { key: 'delivery.resolvesPrivate', params: { host: 'localhost', address } },
        ],
        '/push/lan': [
          'failed',
          '10.0.0.8 is not a public address',
          { key: 'delivery.notPublicAddress', params: { host: '10.0.0.8' } },
        ],
        // Plain http to loopback: the scheme is the reason given first.
        '/push/plain-http': ['failed', 'endpoint must be an https URL', { key: 'delivery.notHttps' }],
      });
    });
  });
});
