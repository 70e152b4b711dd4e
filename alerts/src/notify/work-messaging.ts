import {
  apiText,
  messageFrame,
  type ApiText,
  type WorkChannelKind,
  type WorkMessagingConfig,
} from '@gridsense/core';
import type { PersonContacts } from '@gridsense/state';
import { createHmac } from 'node:crypto';
import type { ChannelMessage } from './channel-senders';
import { DeliveryFailed, errcodeFailure, httpStatusFailure } from './delivery-failure';

/**
 * One message to one person through DingTalk 工作通知, WeCom 应用消息 or the SMS gateway. The
 * access tokens (DingTalk: AppKey/AppSecret, WeCom: corp id/secret; both last two hours) are
 * fetched once and reused until they expire or the platform says they are no longer valid.
 */

export interface WorkSendOutcome {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed (`delivery.*`); null when it went out. */
  failure: ApiText | null;
  retry: boolean;
}

type Post = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<{ status: number; text: string }>;
type Get = (url: string) => Promise<{ status: number; text: string }>;

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };
/** DingTalk and WeCom: the token is invalid or expired (fetch a new one and try again). */
const TOKEN_ERRCODES = new Set([40001, 40014, 42001, 88]);
/** A token is renewed this long before the platform says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

interface PlatformAnswer {
  errcode?: number;
  errmsg?: string;
  access_token?: string;
  expires_in?: number;
}

function parseAnswer(text: string): PlatformAnswer | undefined {
  try {
    return JSON.parse(text) as PlatformAnswer;
  } catch {
    return undefined;
  }
}

/** Heading, cases and digest count in the person's language (`message.locale`). */
const heading = (message: ChannelMessage) =>
  messageFrame(message.locale).heading(message.severity, message.title);
/** The cases line, on a line of its own; none for a notice that names no case (a place's). */
const cases = (message: ChannelMessage) =>
  message.caseIds.length > 0 ? `\n${messageFrame(message.locale).cases(message.caseIds)}` : '';

/** The message as plain text: heading, lines, cases (and how many notices it groups). */
export function workMessageText(message: ChannelMessage): string {
  const grouped = message.count > 1 ? `\n${messageFrame(message.locale).grouped(message.count)}` : '';
  return `${heading(message)}\n${message.lines.join('\n')}${cases(message)}${grouped}`;
}

/** The id this channel reaches the person by, if they have one. */
export function recipientOf(kind: WorkChannelKind, contacts: PersonContacts): string | null {
  switch (kind) {
    case 'dingtalk':
      return contacts.dingtalkUserId;
    case 'wecom':
      return contacts.wecomUserId;
    case 'sms':
      return contacts.phone;
  }
}

export function createWorkMessaging(
  config: WorkMessagingConfig,
  http: { post: Post; get: Get; now: () => number },
) {
  const tokens = new Map<'dingtalk' | 'wecom', { token: string; until: number }>();

  async function token(kind: 'dingtalk' | 'wecom'): Promise<string> {
    const cached = tokens.get(kind);
    if (cached && cached.until > http.now()) return cached.token;
    const url =
      kind === 'dingtalk'
        ? `${config.dingtalk!.apiUrl}/gettoken?${new URLSearchParams({ appkey: config.dingtalk!.appKey, appsecret: config.dingtalk!.appSecret }).toString()}`
        : `${config.wecom!.apiUrl}/cgi-bin/gettoken?${new URLSearchParams({ corpid: config.wecom!.corpId, corpsecret: config.wecom!.corpSecret }).toString()}`;
    const { status, text } = await http.get(url);
    const answer = parseAnswer(text);
    if (status !== 200 || answer?.errcode !== 0 || !answer.access_token)
      throw new DeliveryFailed(
        typeof answer?.errcode === 'number'
          ? apiText('delivery.noAccessTokenErrcode', {
              status,
              code: answer.errcode,
              message: answer.errmsg ?? '',
            })
          : apiText('delivery.noAccessToken', { status }),
      );
    const lifetimeMs = (answer.expires_in ?? 7200) * 1000;
    tokens.set(kind, {
      token: answer.access_token,
      until: http.now() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS),
    });
    return answer.access_token;
  }

  /** A platform's verdict: errcode 0 is delivered; a stale token is dropped and retried. */
  function verdict(kind: 'dingtalk' | 'wecom', status: number, text: string): WorkSendOutcome {
    if (status < 200 || status >= 300)
      return {
        ok: false,
        statusCode: status,
        failure: httpStatusFailure(status),
        retry: status === 429 || status >= 500,
      };
    const answer = parseAnswer(text);
    if (answer?.errcode === 0) return { ok: true, statusCode: status, failure: null, retry: false };
    if (answer?.errcode !== undefined && TOKEN_ERRCODES.has(answer.errcode)) tokens.delete(kind);
    return {
      ok: false,
      statusCode: status,
      failure: answer ? errcodeFailure(answer) : apiText('delivery.notJson'),
      retry: true,
    };
  }

  async function sendDingTalk(userId: string, message: ChannelMessage): Promise<WorkSendOutcome> {
    const settings = config.dingtalk!;
    const url = `${settings.apiUrl}/topapi/message/corpconversation/asyncsend_v2?access_token=${encodeURIComponent(await token('dingtalk'))}`;
    const body = {
      agent_id: settings.agentId,
      userid_list: userId,
      msg: {
        msgtype: 'markdown',
        markdown: {
          title: heading(message),
          text: `### ${heading(message)}\n${message.lines.map((line) => `- ${line}`).join('\n')}\n\n${cases(message)}`,
        },
      },
    };
    const { status, text } = await http.post(url, JSON_HEADERS, JSON.stringify(body));
    return verdict('dingtalk', status, text);
  }

  async function sendWeCom(userId: string, message: ChannelMessage): Promise<WorkSendOutcome> {
    const settings = config.wecom!;
    const url = `${settings.apiUrl}/cgi-bin/message/send?access_token=${encodeURIComponent(await token('wecom'))}`;
    // Plain text: 应用消息 in markdown show in the WeCom app only, text in WeChat too.
    const body = {
      touser: userId,
      msgtype: 'text',
      agentid: settings.agentId,
      text: { content: workMessageText(message) },
    };
    const { status, text } = await http.post(url, JSON_HEADERS, JSON.stringify(body));
    return verdict('wecom', status, text);
  }

  async function sendSms(phone: string, message: ChannelMessage): Promise<WorkSendOutcome> {
    const settings = config.sms!;
    const body = JSON.stringify({
      type: 'gridsense.sms',
      phone,
      text: `${heading(message)} ${message.lines.at(-1) ?? ''}`.trim(),
      severity: message.severity,
      caseIds: message.caseIds,
    });
    const at = String(http.now());
    const signature: Record<string, string> = settings.secret
      ? {
          'x-gridsense-timestamp': at,
          'x-gridsense-signature': `sha256=${createHmac('sha256', settings.secret).update(`${at}.${body}`).digest('hex')}`,
        }
      : {};
    const { status } = await http.post(settings.url, { ...JSON_HEADERS, ...signature }, body);
    const ok = status >= 200 && status < 300;
    return {
      ok,
      statusCode: status,
      failure: ok ? null : httpStatusFailure(status),
      retry: !ok && (status === 429 || status >= 500),
    };
  }

  return {
    /** Sends to one person; a channel that is not configured, or a person it cannot reach, fails for good. */
    send(kind: WorkChannelKind, contacts: PersonContacts, message: ChannelMessage): Promise<WorkSendOutcome> {
      const recipient = recipientOf(kind, contacts);
      if (!config[kind])
        return Promise.resolve({
          ok: false,
          statusCode: null,
          failure: apiText('delivery.notConfigured', { kind }),
          retry: false,
        });
      if (!recipient)
        return Promise.resolve({
          ok: false,
          statusCode: null,
          failure: apiText('delivery.noRecipient', { kind }),
          retry: false,
        });
      switch (kind) {
        case 'dingtalk':
          return sendDingTalk(recipient, message);
        case 'wecom':
          return sendWeCom(recipient, message);
        case 'sms':
          return sendSms(recipient, message);
      }
    },
  };
}

/** Outbox target ids of person messages: `dingtalk:u-worker01`. */
export const personTarget = (kind: WorkChannelKind, userId: string): string => `${kind}:${userId}`;

export function parsePersonTarget(targetId: string): { kind: WorkChannelKind; userId: string } | undefined {
  const colon = targetId.indexOf(':');
  const kind = targetId.slice(0, colon);
  if (colon < 0 || !['dingtalk', 'wecom', 'sms'].includes(kind)) return undefined;
  return { kind: kind as WorkChannelKind, userId: targetId.slice(colon + 1) };
}
