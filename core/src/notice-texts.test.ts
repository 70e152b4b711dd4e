import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCALE, isLocale, LOCALES, renderNoticeText, type NoticeText } from './notice-texts';

/** 2026-03-10 10:05 in Beijing. */
const AT = Date.UTC(2026, 2, 10, 2, 5);

/** One sample per key: adding a key without a sample fails the type check of this list. */
const SAMPLES: { [K in NoticeText['key']]: Extract<NoticeText, { key: K }> } = {
  'case.handedOver': {
    key: 'case.handedOver',
    params: { title: '井盖缺失', from: '张三', reason: 'shift_ended' },
  },
  'case.repeat': { key: 'case.repeat', params: {} },
  'case.assigned': { key: 'case.assigned', params: { title: '烟感告警', acceptDueAt: AT } },
  'case.coAssigned': { key: 'case.coAssigned', params: { title: '烟感告警' } },
  'case.returned': { key: 'case.returned', params: { reason: 'not_my_grid', by: '张三' } },
  'case.reopened': { key: 'case.reopened', params: { why: '烟感告警' } },
  'case.rejected': { key: 'case.rejected', params: { title: '烟感告警' } },
  'report.published': {
    key: 'report.published',
    params: { region: '望江街道', kind: 'day', periodKey: '2026-03-09' },
  },
  'report.totals': { key: 'report.totals', params: { opened: 2, resolved: 1, overdue: 1, supervised: 0 } },
};

describe('notice texts from keys, in the recipient’s language', () => {
  it.each<[NoticeText, string, string]>([
    [
      SAMPLES['case.handedOver'],
      '交接：井盖缺失（原承办人 张三，班次结束）',
      'Handed over: 井盖缺失 (from 张三, shift ended)',
    ],
    [
      { key: 'case.handedOver', params: { title: 't', from: 'f', reason: 'disabled' } },
      '交接：t（原承办人 f，账号停用）',
      'Handed over: t (from f, account disabled)',
    ],
    [SAMPLES['case.repeat'], '仍未签收，请尽快签收', 'Still not accepted: please accept it'],
    [
      SAMPLES['case.assigned'],
      '已派遣：烟感告警，请于 03-10 10:05 前签收',
      'Dispatched to you: 烟感告警; accept by 03-10 10:05',
    ],
    [
      { key: 'case.assigned', params: { title: 't', acceptDueAt: null } },
      '已派遣：t',
      'Dispatched to you: t',
    ],
    [SAMPLES['case.coAssigned'], '协办：烟感告警', 'Co-handling: 烟感告警'],
    [
      SAMPLES['case.returned'],
      '被 张三 退单（非本网格），请重新派遣',
      'Returned by 张三 (not my grid): please dispatch again',
    ],
    [SAMPLES['case.reopened'], '已重新打开：烟感告警', 'Reopened: 烟感告警'],
    [
      SAMPLES['case.rejected'],
      '核查不通过，退回重办：烟感告警',
      'Failed verification, to be done again: 烟感告警',
    ],
    [SAMPLES['report.published'], '望江街道日点评（2026-03-09）', 'Daily comment of 望江街道 (2026-03-09)'],
    [
      { key: 'report.published', params: { region: '上城区', kind: 'month', periodKey: '2026-02' } },
      '上城区月通报（2026-02）',
      'Monthly report of 上城区 (2026-02)',
    ],
    [
      SAMPLES['report.totals'],
      '立案 2 件，办结 1 件，超时 1 件，督办 0 件',
      '2 opened, 1 resolved, 1 overdue, 0 supervised',
    ],
  ])('%j', (text, zh, en) => {
    expect(renderNoticeText(text, 'zh-CN')).toBe(zh);
    expect(renderNoticeText(text, 'en')).toBe(en);
  });

  it('reads the default (zh-CN) for no or an unknown preference', () => {
    expect(DEFAULT_LOCALE).toBe('zh-CN');
    for (const locale of [null, undefined, 'fr', ''])
      expect(renderNoticeText(SAMPLES['case.repeat'], locale)).toBe('仍未签收，请尽快签收');
  });

  it('renders every key in every language, with nothing left unfilled', () => {
    for (const locale of LOCALES)
      for (const text of Object.values(SAMPLES)) {
        const line = renderNoticeText(text, locale);
        expect(line).not.toMatch(/undefined|\{|\}/);
        expect(line.length).toBeGreaterThan(0);
      }
    expect(isLocale('en')).toBe(true);
    expect(isLocale('EN')).toBe(false);
  });
});
