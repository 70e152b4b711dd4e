import { apiText, englishOf, RULE_KINDS, SEVERITIES, type ApiText } from '@gridsense/core';
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
    const actions = await writtenTimelineActions();
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

describe('delivery failures in Chinese', () => {
  it.each([
    ['HTTP 503', '对方返回 HTTP 503'],
    ['no answer within 10000 ms', '10 秒内无应答'],
    ['errcode 310000: keywords not in content', '对方错误码 310000：keywords not in content'],
    ['the robot answered with something other than JSON', '对方应答不是 JSON'],
    ['the channel is deleted or disabled', '通知渠道已删除或停用'],
  ])('"%s" reads as "%s"', (error, chinese) => {
    expect(apiTextIn('zh-CN', error)).toBe(chinese);
    expect(apiTextIn('en', error)).toBe(error);
  });

  it('knows every fixed reason the delivery code writes', async () => {
    const sources = await Promise.all(
      ['delivery.ts', 'http-post.ts', 'channel-senders.ts', 'work-messaging.ts'].map((file) =>
        readFile(path.join(ROOT, 'alerts/src/notify', file), 'utf8'),
      ),
    );
    const reasons = new Set<string>();
    for (const source of sources)
      for (const match of source.matchAll(/error: '([^']+)'|new Error\('([^']+)'\)/g))
        reasons.add((match[1] ?? match[2])!);
    expect(reasons.size).toBeGreaterThan(3);
    for (const reason of reasons)
      expect({ reason, zh: apiTextIn('zh-CN', reason) }).not.toEqual({ reason, zh: reason });
  });
});
