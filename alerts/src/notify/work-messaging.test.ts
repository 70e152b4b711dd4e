import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import type { WorkMessagingConfig } from '@gridsense/core';
import { listDeliveryLog, setPersonContacts } from '@gridsense/state';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  /**
   * DingTalk 工作通知, WeCom 应用消息 and the SMS gateway, each played by a real HTTP server on
   * loopback that answers as the platform does and keeps what it was sent.
   */

  interface Seen {
    method: string;
    path: string;
    query: URLSearchParams;
    headers: IncomingHttpHeaders;
    body: string;
  }

  type Answer = { status: number; body: unknown };

  /** A platform stand-in: routes by method and path; `answers` may be swapped by the test. */
  async function startPlatform(routes: Record<string, (seen: Seen) => Answer>) {
    const seen: Seen[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const url = new URL(request.url ?? '/', 'http://receiver');
        const entry: Seen = {
          method: request.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: request.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        };
        seen.push(entry);
        const route = routes[`${entry.method} ${entry.path}`];
        const answer = route ? route(entry) : { status: 404, body: { errcode: 404 } };
        response
          .writeHead(answer.status, { 'content-type': 'application/json' })
          .end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      seen,
      calls: (method: string, path: string) => seen.filter((s) => s.method === method && s.path === path),
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  type Platform = Awaited<ReturnType<typeof startPlatform>>;

  let env: CaseEnv | undefined;
  let platform: Platform | undefined;
  afterEach(async () => {
    await env?.stop();
    await platform?.close();
    env = undefined;
    platform = undefined;
  });

  /** The platforms' own answers; a token the test revokes is refused with 42001, as WeCom does. */
  function platformRoutes(state: { dingTokens: number; wecomTokens: number; revoked: Set<string> }) {
    const tokenAnswer = (prefix: string, n: number): Answer => ({
      status: 200,
      body: { errcode: 0, errmsg: 'ok', access_token: `${prefix}-${n}`, expires_in: 7200 },
    });
    const sendAnswer = (seen: Seen): Answer =>
      state.revoked.has(seen.query.get('access_token') ?? '')
        ? { status: 200, body: { errcode: 42001, errmsg: 'access_token expired' } }
        : { status: 200, body: { errcode: 0, errmsg: 'ok', task_id: 1 } };
    return {
      'GET /gettoken': (seen: Seen): Answer =>
        seen.query.get('appkey') === 'ding-key' && seen.query.get('appsecret') === 'ding-secret'
          ? tokenAnswer('ding-token', ++state.dingTokens)
          : { status: 200, body: { errcode: 40089, errmsg: 'invalid appkey or appsecret' } },
      'POST /topapi/message/corpconversation/asyncsend_v2': sendAnswer,
      'GET /cgi-bin/gettoken': (seen: Seen): Answer =>
        seen.query.get('corpid') === 'ww-corp' && seen.query.get('corpsecret') === 'wecom-secret'
          ? tokenAnswer('wecom-token', ++state.wecomTokens)
          : { status: 200, body: { errcode: 40001, errmsg: 'invalid credential' } },
      'POST /cgi-bin/message/send': sendAnswer,
      'POST /sms/send': (): Answer => ({ status: 202, body: { accepted: true } }),
    };
  }

  function workMessaging(url: string, parts: ('dingtalk' | 'wecom' | 'sms')[]): WorkMessagingConfig {
    return {
      ...(parts.includes('dingtalk')
        ? { dingtalk: { appKey: 'ding-key', appSecret: 'ding-secret', agentId: 3001, apiUrl: url } }
        : {}),
      ...(parts.includes('wecom')
        ? { wecom: { corpId: 'ww-corp', corpSecret: 'wecom-secret', agentId: 1000002, apiUrl: url } }
        : {}),
      ...(parts.includes('sms') ? { sms: { url: `${url}/sms/send`, secret: 'sms-key' } } : {}),
    };
  }

  const smoke = () => env!.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical');
  /** The operator sends the case to the same worker again: they are told once more. */
  const redispatch = async (caseId: string, assigneeId: string) =>
    env!.cases.act(await env!.user('op1'), caseId, { action: 'dispatch', assigneeId, note: '再次派遣' });

  describe('messages to a person through DingTalk, WeCom and an SMS gateway', () => {
    it('sends each configured channel the request shape it documents, to the person by their id there', async () => {
      const state = { dingTokens: 0, wecomTokens: 0, revoked: new Set<string>() };
      platform = await startPlatform(platformRoutes(state));
      env = await startCaseEnv({
        dialect,
        workMessaging: workMessaging(platform.url, ['dingtalk', 'wecom', 'sms']),
      });
      const admin = await env.user('admin');
      // Who the smoke case goes to is the rule list's business: give them contacts once it is known.
      const opened = await smoke();
      const record = await env.record(opened!.caseId);
      const workerId = record.assigneeId!;
      expect(workerId).toMatch(/^u-/);
      await env.deliver();
      expect(platform.seen).toHaveLength(0); // nobody has contacts yet

      await setPersonContacts(
        env.db,
        workerId,
        { phone: '13800001111', dingtalkUserId: 'ding-worker', wecomUserId: 'wecom-worker' },
        { id: admin.id, name: admin.displayName },
        env.clock.now(),
      );
      env.clock.advance(60_000);
      await redispatch(record.id, workerId);
      await env.deliver();

      // DingTalk: a token from AppKey/AppSecret, then 工作通知 to the person's userid by the app.
      expect(platform.calls('GET', '/gettoken')).toHaveLength(1);
      const [ding] = platform.calls('POST', '/topapi/message/corpconversation/asyncsend_v2');
      expect(ding!.query.get('access_token')).toBe('ding-token-1');
      expect(ding!.headers['content-type']).toMatch(/^application\/json/);
      const dingBody = JSON.parse(ding!.body) as Record<string, unknown>;
      expect(dingBody).toMatchObject({
        agent_id: 3001,
        userid_list: 'ding-worker',
        msg: { msgtype: 'markdown', markdown: { title: expect.stringContaining('smoke-high 告警') } },
      });
      expect((dingBody.msg as { markdown: { text: string } }).markdown.text).toContain(record.id);

      // WeCom: a token from the corp id and secret, then 应用消息 (text) to the person's userid.
      expect(platform.calls('GET', '/cgi-bin/gettoken')).toHaveLength(1);
      const [wecom] = platform.calls('POST', '/cgi-bin/message/send');
      expect(wecom!.query.get('access_token')).toBe('wecom-token-1');
      const wecomBody = JSON.parse(wecom!.body) as Record<string, unknown>;
      expect(wecomBody).toMatchObject({ touser: 'wecom-worker', msgtype: 'text', agentid: 1000002 });
      expect((wecomBody.text as { content: string }).content).toContain('smoke-high 告警');

      // SMS: the gateway gets the phone and a short text, signed like the webhooks.
      const [sms] = platform.calls('POST', '/sms/send');
      const timestamp = String(sms!.headers['x-gridsense-timestamp']);
      expect(sms!.headers['x-gridsense-signature']).toBe(
        `sha256=${createHmac('sha256', 'sms-key').update(`${timestamp}.${sms!.body}`).digest('hex')}`,
      );
      expect(JSON.parse(sms!.body)).toMatchObject({
        type: 'gridsense.sms',
        phone: '13800001111',
        caseIds: [record.id],
        text: expect.stringContaining('smoke-high 告警'),
      });

      const log = await listDeliveryLog(env.db, { targetKind: 'person', limit: 10 });
      expect(log.map((entry) => [entry.message.targetId, entry.message.status]).sort()).toEqual([
        [`dingtalk:${workerId}`, 'sent'],
        [`sms:${workerId}`, 'sent'],
        [`wecom:${workerId}`, 'sent'],
      ]);
    });

    it('reuses the access token, fetches a new one when the platform says it expired, and uses only configured channels', async () => {
      const state = { dingTokens: 0, wecomTokens: 0, revoked: new Set<string>() };
      platform = await startPlatform(platformRoutes(state));
      // Only WeCom is configured: the person's DingTalk id and phone are not used.
      env = await startCaseEnv({
        dialect,
        workMessaging: workMessaging(platform.url, ['wecom']),
        delivery: { retryBaseMs: 1000 },
      });
      const admin = await env.user('admin');
      const record = await env.record((await smoke())!.caseId);
      const workerId = record.assigneeId!;
      await setPersonContacts(
        env.db,
        workerId,
        { phone: '13800001111', dingtalkUserId: 'ding-worker', wecomUserId: 'wecom-worker' },
        { id: admin.id, name: admin.displayName },
        env.clock.now(),
      );
      await redispatch(record.id, workerId);
      await env.deliver();
      env.clock.advance(60_000);
      await redispatch(record.id, workerId);
      await env.deliver();
      expect(platform.calls('POST', '/cgi-bin/message/send')).toHaveLength(2);
      expect(platform.calls('GET', '/cgi-bin/gettoken')).toHaveLength(1);

      // The token is revoked: the send fails, is retried, and the retry fetches a new token first.
      state.revoked.add('wecom-token-1');
      env.clock.advance(60_000);
      await redispatch(record.id, workerId);
      await env.deliver();
      env.clock.advance(1000);
      await env.deliver();
      const sends = platform.calls('POST', '/cgi-bin/message/send');
      expect(sends.map((s) => s.query.get('access_token'))).toEqual([
        'wecom-token-1',
        'wecom-token-1',
        'wecom-token-1',
        'wecom-token-2',
      ]);
      expect(platform.calls('GET', '/cgi-bin/gettoken')).toHaveLength(2);
      expect(platform.seen.filter((s) => s.path === '/gettoken' || s.path.startsWith('/sms'))).toEqual([]);
      const log = await listDeliveryLog(env.db, { targetId: `wecom:${workerId}`, limit: 10 });
      expect(log[0]!.attempts.map((a) => [a.ok, a.error, a.errorText])).toEqual([
        [
          false,
          'errcode 42001: access_token expired',
          { key: 'delivery.errcode', params: { code: 42001, message: 'access_token expired' } },
        ],
        [true, null, null],
      ]);
    });
  });
});
