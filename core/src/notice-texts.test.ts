import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LOCALE,
  isLocale,
  LOCALES,
  messageFrame,
  renderNoticeText,
  type NoticeText,
} from './notice-texts';

/** 2026-03-10 10:05 in Beijing. */
const AT = Date.UTC(2026, 2, 10, 2, 5);

/** One sample per key: adding a key without a sample fails the type check of this list. */
const SAMPLES: { [K in NoticeText['key']]: Extract<NoticeText, { key: K }> } = {
  'case.handedOver': {
    key: 'case.handedOver',
    params: { title: '井盖缺失', from: '张三', reason: 'shift_ended' },
  },
  'case.opened': { key: 'case.opened', params: { title: '烟感告警' } },
  'case.awaitingRegistration': {
    key: 'case.awaitingRegistration',
    params: { title: '居民来电：楼下乱倒垃圾', registerDueAt: AT },
  },
  'case.reminder': { key: 'case.reminder', params: { clock: 'accept', dueAt: AT } },
  'case.overdue': { key: 'case.overdue', params: { clock: 'resolve', dueAt: AT } },
  'case.escalated': { key: 'case.escalated', params: { level: 'street', reason: '居民多次投诉' } },
  'case.escalatedOverdue': { key: 'case.escalatedOverdue', params: { level: 'community', clock: 'accept' } },
  'case.escalatedReturns': { key: 'case.escalatedReturns', params: { level: 'street', returns: 3 } },
  'case.linked': { key: 'case.linked', params: { title: '烟雾', source: '1 号楼烟感' } },
  'case.occurredAgain': { key: 'case.occurredAgain', params: { rule: '烟雾浓度', severity: 'critical' } },
  'case.severityRaised': {
    key: 'case.severityRaised',
    params: { from: 'warning', to: 'critical', title: '明火', source: '1 号楼摄像头' },
  },
  'case.resolved': { key: 'case.resolved', params: { by: '张三' } },
  'subtask.added': { key: 'subtask.added', params: { title: '烟感告警', task: '核查消防通道', dueAt: AT } },
  'subtask.reported': { key: 'subtask.reported', params: { by: '李四', title: '烟感告警' } },
  'subtask.cancelled': { key: 'subtask.cancelled', params: { title: '烟感告警', reason: '已无需' } },
  'subtask.reminder': { key: 'subtask.reminder', params: { task: '核查消防通道', dueAt: AT } },
  'subtask.overdue': { key: 'subtask.overdue', params: { name: '李四', task: '核查消防通道' } },
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
  'place.inspectionOverdue': { key: 'place.inspectionOverdue', params: { place: '望江农贸市场', dueAt: AT } },
  'place.inspectionEscalated': {
    key: 'place.inspectionEscalated',
    params: { place: '望江农贸市场', level: 'community', dueAt: AT },
  },
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
    [SAMPLES['case.opened'], '新事件：烟感告警', 'New case: 烟感告警'],
    [
      SAMPLES['case.awaitingRegistration'],
      '待立案：居民来电：楼下乱倒垃圾，请于 03-10 10:05 前立案',
      'To register: 居民来电：楼下乱倒垃圾; register by 03-10 10:05',
    ],
    [
      { key: 'case.awaitingRegistration', params: { title: 't', registerDueAt: null } },
      '待立案：t',
      'To register: t',
    ],
    [SAMPLES['case.reminder'], '签收时限将至（03-10 10:05）', 'Acceptance deadline soon (03-10 10:05)'],
    [
      { key: 'case.reminder', params: { clock: 'register', dueAt: AT } },
      '立案时限将至（03-10 10:05）',
      'Registration deadline soon (03-10 10:05)',
    ],
    [SAMPLES['case.overdue'], '办结已超时（时限 03-10 10:05）', 'Resolution overdue (deadline 03-10 10:05)'],
    [
      { key: 'case.overdue', params: { clock: 'dispatch', dueAt: AT } },
      '派遣已超时（时限 03-10 10:05）',
      'Dispatch overdue (deadline 03-10 10:05)',
    ],
    [SAMPLES['case.escalated'], '已升级至街道：居民多次投诉', 'Escalated to the street: 居民多次投诉'],
    [
      SAMPLES['case.escalatedOverdue'],
      '已升级至社区：签收超时',
      'Escalated to the community: acceptance overdue',
    ],
    [
      { key: 'case.escalatedOverdue', params: { level: 'district', clock: 'arrive' } },
      '已升级至区指挥中心：到场超时',
      'Escalated to the district command centre: arrival overdue',
    ],
    [
      SAMPLES['case.escalatedReturns'],
      '已升级至街道：已退单 3 次',
      'Escalated to the street: returned 3 times',
    ],
    [SAMPLES['case.linked'], '新关联：烟雾（1 号楼烟感）', 'Linked: 烟雾 (1 号楼烟感)'],
    [{ key: 'case.linked', params: { title: '烟雾', source: null } }, '新关联：烟雾', 'Linked: 烟雾'],
    [SAMPLES['case.occurredAgain'], '新关联：烟雾浓度（升级为紧急）', 'Linked: 烟雾浓度 (now critical)'],
    [
      SAMPLES['case.severityRaised'],
      '等级由预警升为紧急：明火（1 号楼摄像头）',
      'Severity raised from warning to critical: 明火 (1 号楼摄像头)',
    ],
    [
      { key: 'case.severityRaised', params: { from: 'info', to: 'warning', title: '明火', source: null } },
      '等级由提示升为预警：明火',
      'Severity raised from info to warning: 明火',
    ],
    [SAMPLES['case.resolved'], '张三 已办结，待核查', 'Resolved by 张三, to be verified'],
    [
      SAMPLES['subtask.added'],
      '协办：烟感告警（核查消防通道），请于 03-10 10:05 前反馈',
      'Co-handling: 烟感告警 (核查消防通道); report back by 03-10 10:05',
    ],
    [SAMPLES['subtask.reported'], '李四 已反馈协办：烟感告警', '李四 reported back on co-handling: 烟感告警'],
    [
      SAMPLES['subtask.cancelled'],
      '协办已撤销：烟感告警（已无需）',
      'Co-handling called off: 烟感告警 (已无需)',
    ],
    [
      SAMPLES['subtask.reminder'],
      '协办反馈时限将至（03-10 10:05）：核查消防通道',
      'Co-handling report due soon (03-10 10:05): 核查消防通道',
    ],
    [
      SAMPLES['subtask.overdue'],
      '协办反馈超时：李四（核查消防通道）',
      'Co-handling report overdue: 李四 (核查消防通道)',
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
    [
      SAMPLES['place.inspectionOverdue'],
      '巡检超期：望江农贸市场（时限 03-10 10:05），请尽快到场巡检',
      'Inspection overdue: 望江农贸市场 (due 03-10 10:05); please inspect it soon',
    ],
    [
      SAMPLES['place.inspectionEscalated'],
      '巡检超期未做，已上报社区：望江农贸市场（时限 03-10 10:05）',
      'Inspection still not done, escalated to the community: 望江农贸市场 (due 03-10 10:05)',
    ],
    [
      { key: 'place.inspectionEscalated', params: { place: 'p', level: 'street', dueAt: AT } },
      '巡检超期未做，已上报街道：p（时限 03-10 10:05）',
      'Inspection still not done, escalated to the street: p (due 03-10 10:05)',
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

  it('frames a sent message in the reader’s language: title, heading, cases, digest count', () => {
    const zh = messageFrame('zh-CN');
    expect(zh.title('烟感告警', '网格一')).toBe('烟感告警（网格一）');
    expect(zh.heading('critical', '烟感告警（网格一）')).toBe('【紧急】烟感告警（网格一）');
    expect(zh.heading('warning', 't')).toBe('【警告】t');
    expect(zh.cases(['C-1', 'C-2'])).toBe('事件：C-1、C-2');
    expect(zh.grouped(3)).toBe('（已合并 3 条通知）');
    const en = messageFrame('en');
    expect(en.title('烟感告警', '网格一')).toBe('烟感告警 (网格一)');
    expect(en.heading('critical', 't')).toBe('[Critical] t');
    expect(en.heading('info', 't')).toBe('[Info] t');
    expect(en.cases(['C-1', 'C-2'])).toBe('Cases: C-1, C-2');
    expect(en.grouped(3)).toBe('(3 notices grouped)');
    // No or an unknown preference reads zh-CN, as the texts do.
    expect(messageFrame(null)).toBe(zh);
    expect(messageFrame('fr')).toBe(zh);
  });
});
