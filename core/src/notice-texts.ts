import type { HandoverReason } from './case-handover';
import type { SlaClock } from './case-sla';
import type { ReturnReason } from './case-types';
import type { RegionLevel, Severity } from './model';
import type { ReportKind } from './case-report';

/**
 * Texts the platform sends people (in-app notices, Web Push, DingTalk/WeCom), as keys with
 * parameters rendered in each recipient's language. The server keeps no English or Chinese prose
 * of its own for these: one catalogue, two languages, the same keys. Parameters carry codes
 * (`reason: 'disabled'`), never words, so each language names them itself.
 */
export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
/** People who never chose read Chinese (the console's default too). */
export const DEFAULT_LOCALE: Locale = 'zh-CN';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** Each key and the parameters it takes. */
export interface NoticeTextParams {
  'case.handedOver': { title: string; from: string; reason: HandoverReason };
  'case.opened': { title: string };
  /** A report waiting for 立案; `registerDueAt` as `acceptDueAt` below. */
  'case.awaitingRegistration': { title: string; registerDueAt: number | null };
  'case.reminder': { clock: SlaClock; dueAt: number };
  'case.overdue': { clock: SlaClock; dueAt: number };
  /** `reason`: the words of whoever blew the whistle. */
  'case.escalated': { level: RegionLevel; reason: string };
  'case.escalatedOverdue': { level: RegionLevel; clock: SlaClock };
  'case.escalatedReturns': { level: RegionLevel; returns: number };
  /** A signal or case joined this one; `source`: the device, or the absorbed case's id. */
  'case.linked': { title: string; source: string | null };
  /** The risk behind a case fired again, worse. */
  'case.occurredAgain': { rule: string; severity: Severity };
  'case.severityRaised': { from: Severity; to: Severity; title: string; source: string | null };
  'case.resolved': { by: string };
  /** 协办: `task` and a cancel's `reason` are the words of the person who wrote them. */
  'subtask.added': { title: string; task: string; dueAt: number };
  'subtask.reported': { by: string; title: string };
  'subtask.cancelled': { title: string; reason: string };
  'subtask.reminder': { task: string; dueAt: number };
  'subtask.overdue': { name: string; task: string };
  'case.repeat': Record<string, never>;
  /** `acceptDueAt`: epoch ms, shown as local (UTC+8) time; null without an accept deadline. */
  'case.assigned': { title: string; acceptDueAt: number | null };
  'case.coAssigned': { title: string };
  'case.returned': { reason: ReturnReason; by: string };
  'case.reopened': { why: string };
  'case.rejected': { title: string };
  /** A 日点评 / 周提示 / 月通报 was published; `region` is the region's own name. */
  'report.published': { region: string; kind: ReportKind; periodKey: string };
  'report.totals': { opened: number; resolved: number; overdue: number; supervised: number };
  /** 巡检 of a 重点场所 past its due time (`dueAt` epoch ms), to the grid's workers. */
  'place.inspectionOverdue': { place: string; dueAt: number };
  /** Still not done: gone up to the community or the street. */
  'place.inspectionEscalated': { place: string; level: 'community' | 'street'; dueAt: number };
}
export type NoticeTextKey = keyof NoticeTextParams;

/** A text to render later, per recipient. */
export type NoticeText = {
  [K in NoticeTextKey]: { key: K; params: NoticeTextParams[K] };
}[NoticeTextKey];

type Catalogue = { [K in NoticeTextKey]: (params: NoticeTextParams[K]) => string };

const HANDOVER_REASONS: Record<Locale, Record<HandoverReason, string>> = {
  'zh-CN': { disabled: '账号停用', left_grid: '调离网格', shift_ended: '班次结束' },
  en: { disabled: 'account disabled', left_grid: 'left the grid', shift_ended: 'shift ended' },
};

const RETURN_REASONS: Record<Locale, Record<ReturnReason, string>> = {
  'zh-CN': {
    not_my_grid: '非本网格',
    wrong_category: '分类错误',
    duplicate: '重复工单',
    needs_department: '需部门处置',
    not_my_duty: '非本单位职责',
    cannot_locate: '无法定位',
    other: '其他',
  },
  en: {
    not_my_grid: 'not my grid',
    wrong_category: 'wrong category',
    duplicate: 'duplicate',
    needs_department: 'needs a department',
    not_my_duty: "not our unit's duty",
    cannot_locate: 'cannot locate',
    other: 'other',
  },
};

const REPORT_KIND_NAMES: Record<Locale, Record<ReportKind, string>> = {
  'zh-CN': { day: '日点评', week: '周提示', month: '月通报' },
  en: { day: 'Daily comment', week: 'Weekly hint', month: 'Monthly report' },
};

const INSPECTION_LEVELS: Record<Locale, Record<'community' | 'street', string>> = {
  'zh-CN': { community: '社区', street: '街道' },
  en: { community: 'community', street: 'street' },
};

const CLOCK_NAMES: Record<Locale, Record<SlaClock, string>> = {
  'zh-CN': { register: '立案', dispatch: '派遣', accept: '签收', arrive: '到场', resolve: '办结' },
  en: {
    register: 'Registration',
    dispatch: 'Dispatch',
    accept: 'Acceptance',
    arrive: 'Arrival',
    resolve: 'Resolution',
  },
};

const LEVEL_NAMES: Record<Locale, Record<RegionLevel, string>> = {
  'zh-CN': { grid: '网格', community: '社区', street: '街道', district: '区指挥中心' },
  en: {
    grid: 'the grid',
    community: 'the community',
    street: 'the street',
    district: 'the district command centre',
  },
};

const SEVERITY_NAMES: Record<Locale, Record<Severity, string>> = {
  'zh-CN': { info: '提示', warning: '预警', critical: '紧急' },
  en: { info: 'info', warning: 'warning', critical: 'critical' },
};

/** Local (UTC+8) `MM-DD HH:mm`, the district's time whatever the language. */
export function districtTime(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');
}

const CATALOGUES: Record<Locale, Catalogue> = {
  'zh-CN': {
    'case.handedOver': (p) =>
      `交接：${p.title}（原承办人 ${p.from}，${HANDOVER_REASONS['zh-CN'][p.reason]}）`,
    'case.opened': (p) => `新事件：${p.title}`,
    'case.awaitingRegistration': (p) =>
      `待立案：${p.title}${p.registerDueAt === null ? '' : `，请于 ${districtTime(p.registerDueAt)} 前立案`}`,
    'case.reminder': (p) => `${CLOCK_NAMES['zh-CN'][p.clock]}时限将至（${districtTime(p.dueAt)}）`,
    'case.overdue': (p) => `${CLOCK_NAMES['zh-CN'][p.clock]}已超时（时限 ${districtTime(p.dueAt)}）`,
    'case.escalated': (p) => `已升级至${LEVEL_NAMES['zh-CN'][p.level]}：${p.reason}`,
    'case.escalatedOverdue': (p) =>
      `已升级至${LEVEL_NAMES['zh-CN'][p.level]}：${CLOCK_NAMES['zh-CN'][p.clock]}超时`,
    'case.escalatedReturns': (p) => `已升级至${LEVEL_NAMES['zh-CN'][p.level]}：已退单 ${p.returns} 次`,
    'case.linked': (p) => `新关联：${p.title}${p.source === null ? '' : `（${p.source}）`}`,
    'case.occurredAgain': (p) => `新关联：${p.rule}（升级为${SEVERITY_NAMES['zh-CN'][p.severity]}）`,
    'case.severityRaised': (p) =>
      `等级由${SEVERITY_NAMES['zh-CN'][p.from]}升为${SEVERITY_NAMES['zh-CN'][p.to]}：${p.title}${p.source === null ? '' : `（${p.source}）`}`,
    'case.resolved': (p) => `${p.by} 已办结，待核查`,
    'subtask.added': (p) => `协办：${p.title}（${p.task}），请于 ${districtTime(p.dueAt)} 前反馈`,
    'subtask.reported': (p) => `${p.by} 已反馈协办：${p.title}`,
    'subtask.cancelled': (p) => `协办已撤销：${p.title}（${p.reason}）`,
    'subtask.reminder': (p) => `协办反馈时限将至（${districtTime(p.dueAt)}）：${p.task}`,
    'subtask.overdue': (p) => `协办反馈超时：${p.name}（${p.task}）`,
    'case.repeat': () => '仍未签收，请尽快签收',
    'case.assigned': (p) =>
      `已派遣：${p.title}${p.acceptDueAt === null ? '' : `，请于 ${districtTime(p.acceptDueAt)} 前签收`}`,
    'case.coAssigned': (p) => `协办：${p.title}`,
    'case.returned': (p) => `被 ${p.by} 退单（${RETURN_REASONS['zh-CN'][p.reason]}），请重新派遣`,
    'case.reopened': (p) => `已重新打开：${p.why}`,
    'case.rejected': (p) => `核查不通过，退回重办：${p.title}`,
    'report.published': (p) => `${p.region}${REPORT_KIND_NAMES['zh-CN'][p.kind]}（${p.periodKey}）`,
    'report.totals': (p) =>
      `立案 ${p.opened} 件，办结 ${p.resolved} 件，超时 ${p.overdue} 件，督办 ${p.supervised} 件`,
    'place.inspectionOverdue': (p) => `巡检超期：${p.place}（时限 ${districtTime(p.dueAt)}），请尽快到场巡检`,
    'place.inspectionEscalated': (p) =>
      `巡检超期未做，已上报${INSPECTION_LEVELS['zh-CN'][p.level]}：${p.place}（时限 ${districtTime(p.dueAt)}）`,
  },
  en: {
    'case.handedOver': (p) => `Handed over: ${p.title} (from ${p.from}, ${HANDOVER_REASONS.en[p.reason]})`,
    'case.opened': (p) => `New case: ${p.title}`,
    'case.awaitingRegistration': (p) =>
      `To register: ${p.title}${p.registerDueAt === null ? '' : `; register by ${districtTime(p.registerDueAt)}`}`,
    'case.reminder': (p) => `${CLOCK_NAMES.en[p.clock]} deadline soon (${districtTime(p.dueAt)})`,
    'case.overdue': (p) => `${CLOCK_NAMES.en[p.clock]} overdue (deadline ${districtTime(p.dueAt)})`,
    'case.escalated': (p) => `Escalated to ${LEVEL_NAMES.en[p.level]}: ${p.reason}`,
    'case.escalatedOverdue': (p) =>
      `Escalated to ${LEVEL_NAMES.en[p.level]}: ${CLOCK_NAMES.en[p.clock].toLowerCase()} overdue`,
    'case.escalatedReturns': (p) => `Escalated to ${LEVEL_NAMES.en[p.level]}: returned ${p.returns} times`,
    'case.linked': (p) => `Linked: ${p.title}${p.source === null ? '' : ` (${p.source})`}`,
    'case.occurredAgain': (p) => `Linked: ${p.rule} (now ${SEVERITY_NAMES.en[p.severity]})`,
    'case.severityRaised': (p) =>
      `Severity raised from ${SEVERITY_NAMES.en[p.from]} to ${SEVERITY_NAMES.en[p.to]}: ${p.title}${p.source === null ? '' : ` (${p.source})`}`,
    'case.resolved': (p) => `Resolved by ${p.by}, to be verified`,
    'subtask.added': (p) => `Co-handling: ${p.title} (${p.task}); report back by ${districtTime(p.dueAt)}`,
    'subtask.reported': (p) => `${p.by} reported back on co-handling: ${p.title}`,
    'subtask.cancelled': (p) => `Co-handling called off: ${p.title} (${p.reason})`,
    'subtask.reminder': (p) => `Co-handling report due soon (${districtTime(p.dueAt)}): ${p.task}`,
    'subtask.overdue': (p) => `Co-handling report overdue: ${p.name} (${p.task})`,
    'case.repeat': () => 'Still not accepted: please accept it',
    'case.assigned': (p) =>
      `Dispatched to you: ${p.title}${p.acceptDueAt === null ? '' : `; accept by ${districtTime(p.acceptDueAt)}`}`,
    'case.coAssigned': (p) => `Co-handling: ${p.title}`,
    'case.returned': (p) => `Returned by ${p.by} (${RETURN_REASONS.en[p.reason]}): please dispatch again`,
    'case.reopened': (p) => `Reopened: ${p.why}`,
    'case.rejected': (p) => `Failed verification, to be done again: ${p.title}`,
    'report.published': (p) => `${REPORT_KIND_NAMES.en[p.kind]} of ${p.region} (${p.periodKey})`,
    'report.totals': (p) =>
      `${p.opened} opened, ${p.resolved} resolved, ${p.overdue} overdue, ${p.supervised} supervised`,
    'place.inspectionOverdue': (p) =>
      `Inspection overdue: ${p.place} (due ${districtTime(p.dueAt)}); please inspect it soon`,
    'place.inspectionEscalated': (p) =>
      `Inspection still not done, escalated to the ${INSPECTION_LEVELS.en[p.level]}: ${p.place} (due ${districtTime(p.dueAt)})`,
  },
};

/** The text in one language; an unknown locale reads the default. */
export function renderNoticeText(text: NoticeText, locale: string | null | undefined): string {
  const catalogue = CATALOGUES[isLocale(locale) ? locale : DEFAULT_LOCALE];
  // The union is checked where a NoticeText is built; here key and params are known to match.
  const render = catalogue[text.key] as (params: NoticeText['params']) => string;
  return render(text.params);
}

/**
 * The words around a sent message's lines, in one language: the title (the case and its grid),
 * the heading with the severity, the cases it names and how many notices it groups (a digest).
 */
export interface MessageFrame {
  title(caseTitle: string, grid: string): string;
  heading(severity: Severity, title: string): string;
  cases(caseIds: readonly string[]): string;
  grouped(count: number): string;
}

const FRAMES: Record<Locale, MessageFrame> = {
  'zh-CN': {
    title: (caseTitle, grid) => `${caseTitle}（${grid}）`,
    heading: (severity, title) =>
      `【${{ critical: '紧急', warning: '警告', info: '提示' }[severity]}】${title}`,
    cases: (ids) => `事件：${ids.join('、')}`,
    grouped: (count) => `（已合并 ${count} 条通知）`,
  },
  en: {
    title: (caseTitle, grid) => `${caseTitle} (${grid})`,
    heading: (severity, title) =>
      `[${{ critical: 'Critical', warning: 'Warning', info: 'Info' }[severity]}] ${title}`,
    cases: (ids) => `Cases: ${ids.join(', ')}`,
    grouped: (count) => `(${count} notices grouped)`,
  },
};

/** The frame in one language; an unknown locale reads the default. */
export function messageFrame(locale: string | null | undefined): MessageFrame {
  return FRAMES[isLocale(locale) ? locale : DEFAULT_LOCALE];
}
