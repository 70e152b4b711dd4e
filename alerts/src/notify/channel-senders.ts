import {
  apiText,
  messageFrame,
  type ApiText,
  type Locale,
  type NoticeKind,
  type Severity,
} from '@gridsense/core';
import type { NotificationChannel } from '@gridsense/state';
import { createHmac } from 'node:crypto';
import { errcodeFailure, httpStatusFailure } from './delivery-failure';

/** One grouped message as it leaves for a channel. */
export interface ChannelMessage {
  kind: NoticeKind;
  severity: Severity;
  title: string;
  lines: string[];
  caseIds: string[];
  count: number;
  at: number;
  /** The reader's language for the words around the lines; region channels read zh-CN. */
  locale?: Locale;
}

export interface HttpRequestSpec {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function markdownLines(message: ChannelMessage): string {
  const frame = messageFrame(message.locale);
  const grouped = message.count > 1 ? `\n\n${frame.grouped(message.count)}` : '';
  // A notice about a place (a missed inspection) names no case: no empty 事件 line.
  const cases = message.caseIds.length > 0 ? `\n\n${frame.cases(message.caseIds)}` : '';
  return `${message.lines.map((l) => `- ${l}`).join('\n')}${cases}${grouped}`;
}

/**
 * DingTalk robot signing: HMAC-SHA256 over "timestamp\nsecret" keyed by the secret, base64, sent as
 * `timestamp` and `sign` query parameters (the robot refuses a timestamp over an hour off).
 */
export function signDingTalkUrl(url: string, secret: string, timestamp: number): string {
  const sign = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
  const signed = new URL(url);
  signed.searchParams.set('timestamp', String(timestamp));
  signed.searchParams.set('sign', sign);
  return signed.toString();
}

/** The HTTP request each channel kind expects. */
export function buildChannelRequest(
  channel: NotificationChannel,
  message: ChannelMessage,
  now: number,
): HttpRequestSpec {
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const heading = messageFrame(message.locale).heading(message.severity, message.title);
  switch (channel.kind) {
    case 'dingtalk':
      return {
        url: channel.secret ? signDingTalkUrl(channel.url, channel.secret, now) : channel.url,
        headers: json,
        body: JSON.stringify({
          msgtype: 'markdown',
          markdown: { title: heading, text: `### ${heading}\n${markdownLines(message)}` },
        }),
      };
    case 'wecom':
      return {
        url: channel.url,
        headers: json,
        body: JSON.stringify({
          msgtype: 'markdown',
          markdown: { content: `**${heading}**\n${markdownLines(message)}` },
        }),
      };
    case 'webhook': {
      const body = JSON.stringify({ type: 'gridsense.notification', ...message });
      const signature: Record<string, string> = channel.secret
        ? {
            'x-gridsense-timestamp': String(now),
            'x-gridsense-signature': `sha256=${createHmac('sha256', channel.secret).update(`${now}.${body}`).digest('hex')}`,
          }
        : {};
      return { url: channel.url, headers: { ...json, ...signature }, body };
    }
  }
}

/** Robots answer HTTP 200 with `errcode` in the body; anything but 0 is a failure. */
export function interpretChannelResponse(
  kind: NotificationChannel['kind'],
  status: number,
  text: string,
): { ok: boolean; failure: ApiText | null } {
  if (status < 200 || status >= 300) return { ok: false, failure: httpStatusFailure(status) };
  if (kind === 'webhook') return { ok: true, failure: null };
  let body: { errcode?: unknown; errmsg?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return { ok: false, failure: apiText('delivery.notJson') };
  }
  if (typeof body !== 'object' || body === null) return { ok: false, failure: apiText('delivery.notJson') };
  return body.errcode === 0 ? { ok: true, failure: null } : { ok: false, failure: errcodeFailure(body) };
}
