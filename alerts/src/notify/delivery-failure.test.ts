import { apiText, type ApiText } from '@gridsense/core';
import { NO_CONTACTS } from '@gridsense/state';
import { describe, expect, it } from 'vitest';
import type { ChannelMessage } from './channel-senders';
import { interpretChannelResponse } from './channel-senders';
import { DeliveryFailed, errcodeFailure, failureOf } from './delivery-failure';
import { PushTargetRefused, refuseBadPushUrl } from './push-endpoint';
import { createWorkMessaging } from './work-messaging';

const message: ChannelMessage = {
  kind: 'opened',
  severity: 'warning',
  title: '楼道堆物',
  lines: ['新事件：楼道堆物'],
  caseIds: ['C-1'],
  count: 1,
  at: 0,
};

/** What a thrown error becomes in the delivery log. */
const thrown = (work: () => unknown): ApiText => {
  try {
    work();
  } catch (error) {
    return failureOf(error);
  }
  throw new Error('nothing was thrown');
};

describe('why a delivery failed, as a key with parameters', () => {
  it('reads a robot answer: HTTP status, errcode with its message, no errcode, not JSON', () => {
    expect(interpretChannelResponse('dingtalk', 502, '')).toEqual({
      ok: false,
      failure: { key: 'delivery.httpStatus', params: { status: 502 } },
    });
    expect(
      interpretChannelResponse('wecom', 200, '{"errcode":93000,"errmsg":"invalid webhook url"}'),
    ).toEqual({
      ok: false,
      failure: { key: 'delivery.errcode', params: { code: 93000, message: 'invalid webhook url' } },
    });
    expect(interpretChannelResponse('dingtalk', 200, '{"errcode":310000}')).toEqual({
      ok: false,
      failure: { key: 'delivery.errcode', params: { code: 310000, message: '' } },
    });
    expect(interpretChannelResponse('dingtalk', 200, '{}').failure).toEqual({ key: 'delivery.noErrcode' });
    expect(interpretChannelResponse('dingtalk', 200, 'null').failure).toEqual({ key: 'delivery.notJson' });
    expect(interpretChannelResponse('wecom', 200, '<html>').failure).toEqual({ key: 'delivery.notJson' });
    expect(interpretChannelResponse('dingtalk', 200, '{"errcode":0}')).toEqual({ ok: true, failure: null });
    // A webhook is answered by its status alone.
    expect(interpretChannelResponse('webhook', 204, 'whatever')).toEqual({ ok: true, failure: null });
  });

  it('keeps the English of a key as the error message, for logs', () => {
    const error = new DeliveryFailed(apiText('delivery.timeout', { ms: 10_000 }));
    expect(error.message).toBe('no answer within 10000 ms');
    expect(failureOf(error)).toEqual({ key: 'delivery.timeout', params: { ms: 10_000 } });
    expect(errcodeFailure({ errcode: 40001, errmsg: 'invalid credential' })).toEqual({
      key: 'delivery.errcode',
      params: { code: 40001, message: 'invalid credential' },
    });
  });

  it("passes a system's own error on as its message", () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(failureOf(refused)).toEqual({
      key: 'delivery.error',
      params: { message: 'connect ECONNREFUSED 127.0.0.1:9' },
    });
    expect(failureOf('gone')).toEqual({ key: 'delivery.error', params: { message: 'gone' } });
  });

  it('refuses a stored push endpoint with the first reason: scheme, credentials, then address', () => {
    expect(thrown(() => refuseBadPushUrl('http://10.0.0.8/push'))).toEqual({ key: 'delivery.notHttps' });
    expect(thrown(() => refuseBadPushUrl('https://me:pw@push.example.com/x'))).toEqual({
      key: 'delivery.urlCredentials',
    });
    expect(thrown(() => refuseBadPushUrl('https://10.0.0.8/push'))).toEqual({
      key: 'delivery.notPublicAddress',
      params: { host: '10.0.0.8' },
    });
    expect(() => refuseBadPushUrl('https://10.0.0.8/push')).toThrow(PushTargetRefused);
    expect(() => refuseBadPushUrl('https://push.example.com/x')).not.toThrow();
  });

  it('says which work channel is not configured, whom a person cannot be reached by, and why there is no token', async () => {
    const unused = () => Promise.reject(new Error('no request expected'));
    const none = createWorkMessaging({}, { post: unused, get: unused, now: () => 0 });
    expect((await none.send('wecom', NO_CONTACTS, message)).failure).toEqual({
      key: 'delivery.notConfigured',
      params: { kind: 'wecom' },
    });
    const sms = createWorkMessaging(
      { sms: { url: 'http://sms.invalid', secret: null } },
      {
        post: unused,
        get: unused,
        now: () => 0,
      },
    );
    expect(await sms.send('sms', NO_CONTACTS, message)).toEqual({
      ok: false,
      statusCode: null,
      failure: { key: 'delivery.noRecipient', params: { kind: 'sms' } },
      retry: false,
    });

    const answers = [
      { status: 200, text: '{"errcode":40013,"errmsg":"invalid corpid"}' },
      { status: 503, text: 'busy' },
    ];
    const wecom = createWorkMessaging(
      { wecom: { corpId: 'c', corpSecret: 's', agentId: 1, apiUrl: 'http://wecom.invalid' } },
      { post: unused, get: () => Promise.resolve(answers.shift()!), now: () => 0 },
    );
    const contacts = { ...NO_CONTACTS, wecomUserId: 'w1' };
    await expect(wecom.send('wecom', contacts, message).catch(failureOf)).resolves.toEqual({
      key: 'delivery.noAccessTokenErrcode',
      params: { status: 200, code: 40013, message: 'invalid corpid' },
    });
    await expect(wecom.send('wecom', contacts, message).catch(failureOf)).resolves.toEqual({
      key: 'delivery.noAccessToken',
      params: { status: 503 },
    });
  });
});
