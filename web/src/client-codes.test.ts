import {
  API_TEXTS_EN,
  apiText,
  CASE_MOVES,
  englishOf,
  RULE_KINDS,
  SEVERITIES,
  type ApiText,
} from '@gridsense/core';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiTextIn } from '../client/src/i18n/api-text';
import { en } from '../client/src/i18n/en';
import { zhCN, type MessageKey } from '../client/src/i18n/zh-CN';
import {
  deliveryStatusLabel,
  deliveryTargetLabel,
  spanText,
  timelineActionLabel,
  type Translate,
} from '../client/src/lib/code-labels';

/** Codes reach the Chinese console only as words: timeline actions, statuses, spans, enum lists. */

const ROOT = path.resolve(import.meta.dirname, '../..');
/** A keyed text as the console shows it to a zh-CN reader (the English beside it, as the API sends both). */
const inChinese = (text: ApiText) => apiTextIn('zh-CN', englishOf(text), text);

/** The console's `t` over one dictionary. */
const translator =
  (messages: Record<string, string>): Translate =>
  (key: MessageKey, params?: Record<string, string | number>) =>
    messages[key]!.replace(/\{(\w+)\}/g, (match, name: string) =>
      params && name in params ? String(params[name]) : match,
    );
const zh = translator(zhCN);

/** Every action literal the platform writes into a case timeline (`timelineEntry(actor, 'x', …)`). */
async function writtenTimelineActions(): Promise<string[]> {
  const dir = path.join(ROOT, 'alerts/src');
  const found = new Set<string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts') || entry.name.endsWith('.test.ts')) continue;
    const source = await readFile(path.join(entry.parentPath, entry.name), 'utf8');
    for (const match of source.matchAll(/timelineEntry\(\s*[\w.?! ]+,\s*'(\w+)'/g)) found.add(match[1]!);
  }
  return [...found].sort();
}

describe('codes in the console', () => {
  it('names every timeline action the platform writes, in both languages', async () => {
    // Moves are written under their own name (alerts/src/cases/apply-move.ts); other entries by literal.
    const actions = [...Object.keys(CASE_MOVES), ...(await writtenTimelineActions())];
    // The scan itself finds the platform's own entries.
    expect(actions).toEqual(expect.arrayContaining(['notify_repeat', 'linked', 'remind', 'risk_cleared']));
    const missing = actions.flatMap((action) =>
      [zhCN, en].some((messages) => !(`action.${action}` in messages)) ? [action] : [],
    );
    expect(missing).toEqual([]);
    expect(timelineActionLabel('notify_repeat', zh)).toBe('再次通知承办人');
    expect(timelineActionLabel('linked', zh)).toBe('并入新报告');
  });

  it('shows an action it does not know yet as "other", not its code', () => {
    expect(timelineActionLabel('merged_by_hand', zh)).toBe('其他操作');
  });

  it.each([
    ['3wd', '3 个工作日'],
    ['4wh', '4 个工作小时'],
    ['30m', '30 分钟'],
    ['2h', '2 小时'],
    ['1.5d', '1.5 天'],
    ['soon', 'soon'],
  ])('says the SLA span %s as "%s"', (span, words) => {
    expect(spanText(span, zh)).toBe(words);
  });

  it('names delivery statuses and whom a message went to', () => {
    expect(deliveryStatusLabel('sent', zh)).toBe('已发送');
    expect(deliveryStatusLabel('failed', zh)).toBe('发送失败');
    expect(deliveryTargetLabel('inapp', '王芳', zh)).toBe('站内消息：王芳');
    expect(deliveryTargetLabel('channel', null, zh)).toBe('通知渠道：未知人员');
  });

  it.each([
    [
      apiText('field.severity', { field: 'severity' }),
      ['提示', '预警', '紧急'],
      ['info', 'warning', 'critical'],
    ],
    [
      apiText('field.oneOf', { field: 'severity', values: SEVERITIES.join(', ') }),
      ['提示', '预警', '紧急'],
      ['info', 'warning', 'critical'],
    ],
    [
      apiText('field.oneOf', { field: 'kind', values: RULE_KINDS.join(', ') }),
      ['阈值', '无数据', '组合'],
      ['threshold', 'no_data'],
    ],
    [
      apiText('field.listOf', { field: 'kinds', values: 'opened, assigned, linked' }),
      ['新事件', '派遣主办', '关联事件'],
      ['opened'],
    ],
    [apiText('people.dutyOneOf'), ['A 角', 'B 角'], ['primary', 'backup']],
  ])('lists the allowed values of %j by their labels', (text, labels, codes) => {
    const rendered = inChinese(text);
    for (const label of labels) expect(rendered).toContain(label);
    for (const code of codes) expect(rendered).not.toMatch(new RegExp(`\\b${code}\\b`));
  });
});

describe('rule band order in Chinese', () => {
  it('says which band is out of order, with the severities by name', () => {
    const text = apiText('rule.bandAbove', {
      field: 'bands[1].above',
      level: 15,
      milder: 'warning',
      graver: 'critical',
    });
    expect(inChinese(text)).toBe(
      'bands[1].above 必须高于 15：较轻的预警档从 15 起报，紧急更严重，阈值须更高',
    );
  });

  it('says the same of a rule that fires below, and of its clear level', () => {
    const text = apiText('rule.bandBelow', {
      field: 'bands[1].below',
      level: 0.05,
      milder: 'warning',
      graver: 'critical',
    });
    expect(inChinese(text)).toBe(
      'bands[1].below 必须低于 0.05：较轻的预警档从 0.05 起报，紧急更严重，阈值须更低',
    );
    expect(inChinese(apiText('rule.clearBelowHighest', { field: 'clearAtOrAbove' }))).toBe(
      'clearAtOrAbove 不能低于最高一档的阈值',
    );
    expect(inChinese(apiText('rule.thresholdDirection'))).not.toMatch(/must be/);
  });
});

describe("delivery failures in the reader's language", () => {
  const inEnglish = (text: ApiText) => apiTextIn('en', englishOf(text), text);

  it.each<[ApiText, string, string]>([
    [
      apiText('delivery.httpStatus', { status: 503 }),
      '对方返回 HTTP 503',
      'The other side answered HTTP 503',
    ],
    [apiText('delivery.timeout', { ms: 10_000 }), '10 秒内无应答', 'No answer within 10 s'],
    [apiText('delivery.timeout', { ms: 300 }), '0.3 秒内无应答', 'No answer within 0.3 s'],
    [
      apiText('delivery.errcode', { code: 310000, message: 'keywords not in content' }),
      '对方错误码 310000：keywords not in content',
      'Error code 310000 from the other side: keywords not in content',
    ],
    [apiText('delivery.notJson'), '对方应答不是 JSON', 'The answer was not JSON'],
    [apiText('delivery.channelGone'), '通知渠道已删除或停用', 'The channel is deleted or disabled'],
    [
      apiText('delivery.notConfigured', { kind: 'wecom' }),
      '企业微信应用消息未配置',
      'WeCom messaging is not configured',
    ],
    [apiText('delivery.noRecipient', { kind: 'sms' }), '此人未登记手机号', 'The person has no phone number'],
    [
      apiText('delivery.error', { message: 'connect ECONNREFUSED 127.0.0.1:9' }),
      '发送出错：connect ECONNREFUSED 127.0.0.1:9',
      'Sending failed: connect ECONNREFUSED 127.0.0.1:9',
    ],
  ])('%j reads as "%s" and "%s"', (text, chinese, english) => {
    expect(inChinese(text)).toBe(chinese);
    expect(inEnglish(text)).toBe(english);
  });

  it('shows a failure stored without a key (or with one this console does not know) as it was stored', () => {
    expect(apiTextIn('zh-CN', 'HTTP 503')).toBe('HTTP 503');
    expect(apiTextIn('zh-CN', 'HTTP 503', null)).toBe('HTTP 503');
    const newer = { key: 'delivery.fromTheFuture', params: {} } as unknown as ApiText;
    expect(apiTextIn('zh-CN', 'something new', newer)).toBe('something new');
  });

  it('finds every failure the delivery code writes keyed, none as English prose', async () => {
    const sources = await Promise.all(
      [
        'delivery.ts',
        'delivery-failure.ts',
        'http-post.ts',
        'channel-senders.ts',
        'work-messaging.ts',
        'push-endpoint.ts',
      ].map((file) => readFile(path.join(ROOT, 'alerts/src/notify', file), 'utf8')),
    );
    const prose = sources.flatMap((source) => [
      ...source.matchAll(/(?:error|failure): ['`"]|new (?:Error|DeliveryFailed|PushTargetRefused)\(['`"]/g),
    ]);
    expect(prose.map((match) => match[0])).toEqual([]);
    const keys = new Set(
      sources.flatMap((source) => [...source.matchAll(/'(delivery\.\w+)'/g)].map((m) => m[1]!)),
    );
    // Each key of the catalogue is written somewhere, and nothing else.
    expect([...keys].sort()).toEqual(
      Object.keys(API_TEXTS_EN)
        .filter((key) => key.startsWith('delivery.'))
        .sort(),
    );
    for (const key of keys) {
      const text = {
        key,
        params: { status: 500, ms: 1000, code: 1, message: 'x', kind: 'sms', host: 'h', address: 'a' },
      } as ApiText;
      expect({ key, zh: inChinese(text) }).toEqual({ key, zh: expect.stringMatching(/[\u3400-\u9fff]/) });
    }
  });
});
