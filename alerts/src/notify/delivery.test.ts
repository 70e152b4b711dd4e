import { createHmac } from 'node:crypto';
import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { listDeliveryLog, type NotificationChannel } from '@gridsense/state';
import { createCaseAdmin } from '../admin-service';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { startReceiver } from '../testing/http-receiver';
import { backoffMs } from './delivery';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
    await env?.stop();
  });

  async function receiver(script?: { status: number; body?: string }[]) {
    const r = await startReceiver(script);
    closers.push(r.close);
    return r;
  }

  async function addChannel(
    channel: Partial<NotificationChannel> & Pick<NotificationChannel, 'id' | 'kind' | 'url'>,
  ) {
    const admin = createCaseAdmin({ db: env.db, now: env.clock.now, regions: env.cases.regions });
    await admin.setChannel(await env.user('admin'), {
      name: channel.id,
      secret: null,
      regionId: 'D1',
      minSeverity: 'info',
      kinds: [],
      enabled: true,
      ...channel,
    });
  }

  const smoke = () => env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');

  describe('webhooks to real receivers on loopback', () => {
    it('a generic webhook gets one grouped, signed JSON message per incident', async () => {
      env = await startCaseEnv({ dialect, delivery: { retryBaseMs: 1000 } });
      const hook = await receiver([{ status: 204 }]);
      await addChannel({
        id: 'ops-hook',
        kind: 'webhook',
        url: `${hook.url}/hooks/gridsense`,
        secret: 's3cret',
      });
      const id = (await smoke())!.caseId;
      await env.deliver();

      expect(hook.received).toHaveLength(1);
      const [request] = hook.received;
      const body = request!.body.toString('utf8');
      const ts = String(request!.headers['x-gridsense-timestamp']);
      expect(request!.headers['x-gridsense-signature']).toBe(
        `sha256=${createHmac('sha256', 's3cret').update(`${ts}.${body}`).digest('hex')}`,
      );
      expect(JSON.parse(body)).toMatchObject({
        type: 'gridsense.notification',
        kind: 'opened',
        severity: 'critical',
        caseIds: [id],
        count: 3,
        lines: [
          '新事件：smoke-high 告警',
          expect.stringMatching(/^已派遣：smoke-high 告警/),
          '协办：smoke-high 告警',
        ],
      });
    });

    it('a DingTalk robot gets a signed URL and markdown; a WeCom robot gets markdown', async () => {
      env = await startCaseEnv({ dialect });
      const ding = await receiver([{ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }]);
      const wecom = await receiver([{ status: 200, body: '{"errcode":0,"errmsg":"ok"}' }]);
      await addChannel({
        id: 'ding',
        kind: 'dingtalk',
        url: `${ding.url}/robot/send?access_token=abc`,
        secret: 'SECabc',
        kinds: ['opened'],
      });
      await addChannel({
        id: 'wecom',
        kind: 'wecom',
        url: `${wecom.url}/cgi-bin/webhook/send?key=k1`,
        minSeverity: 'critical',
      });
      await smoke();
      await env.risk('camera-G02-4', 'G02', 'camera-garbage', 'city_appearance', 'info', {
        eventType: 'garbage_overflow',
      });
      await env.deliver();

      const url = new URL(ding.received[0]!.url, ding.url);
      const timestamp = url.searchParams.get('timestamp')!;
      expect(url.searchParams.get('access_token')).toBe('abc');
      expect(url.searchParams.get('sign')).toBe(
        createHmac('sha256', 'SECabc').update(`${timestamp}\nSECabc`).digest('base64'),
      );
      expect(ding.json(0)).toMatchObject({
        msgtype: 'markdown',
        markdown: { title: '【紧急】smoke-high 告警（江城社区第1网格）' },
      });
      // Only "opened" goes to this robot, so the smoke case and the garbage case are one message each.
      expect(ding.received).toHaveLength(2);
      expect((ding.json(0).markdown as { text: string }).text).toContain('- 新事件：smoke-high 告警');
      // The WeCom robot wants critical only: the info garbage case never reaches it.
      expect(wecom.received).toHaveLength(1);
      expect(wecom.json(0)).toMatchObject({
        msgtype: 'markdown',
        markdown: { content: expect.stringContaining('**【紧急】smoke-high 告警') },
      });
    });

    it('retries failures with exponential backoff and logs every attempt', async () => {
      env = await startCaseEnv({ dialect, delivery: { retryBaseMs: 1000, maxAttempts: 5 } });
      const flaky = await receiver([
        { status: 500 },
        { status: 200, body: '{"errcode":130101,"errmsg":"send too fast"}' },
        { status: 200, body: '{"errcode":0}' },
      ]);
      await addChannel({ id: 'ding', kind: 'dingtalk', url: `${flaky.url}/robot/send?access_token=t` });
      await smoke();
      const t0 = env.clock.now();
      await env.deliver();
      await env.deliver();
      expect(flaky.received).toHaveLength(1); // the retry waits a second
      env.clock.set(t0 + 1000);
      await env.deliver();
      env.clock.set(t0 + 2999);
      await env.deliver();
      expect(flaky.received).toHaveLength(2); // the next waits two seconds
      env.clock.set(t0 + 3000);
      await env.deliver();
      expect(flaky.received).toHaveLength(3);

      const [log] = await listDeliveryLog(env.db, { targetKind: 'channel', targetId: 'ding', limit: 10 });
      expect(log!.message).toMatchObject({ status: 'sent', attempts: 3 });
      expect(log!.attempts.map((a) => [a.ok, a.statusCode, a.error])).toEqual([
        [false, 500, 'HTTP 500'],
        [false, 200, 'errcode 130101: send too fast'],
        [true, 200, null],
      ]);
      // Each failure is kept as a key with parameters too, which the console renders.
      expect(log!.attempts.map((a) => a.errorText)).toEqual([
        { key: 'delivery.httpStatus', params: { status: 500 } },
        { key: 'delivery.errcode', params: { code: 130101, message: 'send too fast' } },
        null,
      ]);
      expect(log!.message.lastErrorText).toBeNull();
      expect([1, 2, 3, 10].map((n) => backoffMs(n, { retryBaseMs: 1000, retryMaxMs: 5000 }))).toEqual([
        1000, 2000, 4000, 5000,
      ]);
    });

    it('gives up at once on a client error and after the last attempt on server errors', async () => {
      env = await startCaseEnv({ dialect, delivery: { retryBaseMs: 10, maxAttempts: 2 } });
      const refusing = await receiver([{ status: 400 }]);
      const down = await receiver([{ status: 503 }]);
      await addChannel({ id: 'bad-request', kind: 'webhook', url: refusing.url });
      await addChannel({ id: 'down', kind: 'webhook', url: down.url });
      await smoke();
      await env.deliver();
      env.clock.advance(10);
      await env.deliver();
      env.clock.advance(1000);
      await env.deliver();
      const logs = await listDeliveryLog(env.db, { targetKind: 'channel', limit: 10 });
      const byChannel = Object.fromEntries(
        logs.map((l) => [l.message.targetId, [l.message.status, l.attempts.length]]),
      );
      expect(byChannel).toEqual({ 'bad-request': ['failed', 1], down: ['failed', 2] });
      const why = Object.fromEntries(logs.map((l) => [l.message.targetId, l.message.lastErrorText]));
      expect(why).toEqual({
        'bad-request': { key: 'delivery.httpStatus', params: { status: 400 } },
        down: { key: 'delivery.httpStatus', params: { status: 503 } },
      });
    });

    it("keeps why a send failed as a key with parameters: a robot's odd answer, nobody listening", async () => {
      env = await startCaseEnv({ dialect, delivery: { maxAttempts: 1 } });
      const html = await receiver([{ status: 200, body: '<html>proxy login</html>' }]);
      const bare = await receiver([{ status: 200, body: '{"errmsg":"ok"}' }]);
      await addChannel({ id: 'ding-html', kind: 'dingtalk', url: `${html.url}/robot/send` });
      await addChannel({ id: 'wecom-bare', kind: 'wecom', url: `${bare.url}/cgi-bin/webhook/send` });
      // Nothing listens on the discard port: the connection is refused.
      await addChannel({ id: 'nobody', kind: 'webhook', url: 'http://127.0.0.1:9/hook' });
      await smoke();
      await env.deliver();

      const logs = await listDeliveryLog(env.db, { targetKind: 'channel', limit: 10 });
      const why = Object.fromEntries(
        logs.map((l) => [
          l.message.targetId,
          [l.message.status, l.message.lastError, l.message.lastErrorText],
        ]),
      );
      expect(why['ding-html']).toEqual(['failed', 'the answer was not JSON', { key: 'delivery.notJson' }]);
      expect(why['wecom-bare']).toEqual([
        'failed',
        'the answer carried no errcode',
        { key: 'delivery.noErrcode' },
      ]);
      const [status, english, text] = why.nobody!;
      expect(status).toBe('failed');
      expect(english).toMatch(/ECONNREFUSED/);
      // The system's own words, as it said them: the console shows them as a parameter.
      expect(text).toEqual({ key: 'delivery.error', params: { message: english } });
    });

    it('an incident is one message and then at most one digest per interval, not one per event', async () => {
      env = await startCaseEnv({ dialect, groupIntervalMs: 60_000 });
      const hook = await receiver([{ status: 200 }]);
      await addChannel({ id: 'ops', kind: 'webhook', url: hook.url });
      const id = (await smoke())!.caseId;
      await env.deliver();
      for (let i = 0; i < 5; i++) {
        env.clock.advance(2000);
        // Another rule of the same detector: the same matter, fused as a linked source.
        await env.risk('smoke-G01-1', 'G01', `smoke-rule-${i}`, 'fire_safety', 'critical');
        await env.deliver();
      }
      expect(hook.received).toHaveLength(1);
      env.clock.advance(50_000);
      await env.deliver();
      expect(hook.received).toHaveLength(2);
      expect(hook.json(1)).toMatchObject({ kind: 'linked', count: 5, caseIds: [id] });
      // The worker's phone got the same shape: the first notice, then one digest of five.
      expect(env.notified.filter((n) => n.userId === 'u-worker01').map((n) => n.notice.count)).toEqual([
        1, 5,
      ]);
    });
  });
});
