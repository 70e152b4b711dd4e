import type { HandoverReason } from './case-handover';
import type { ReturnReason } from './case-types';
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

/** Local (UTC+8) `MM-DD HH:mm`, the district's time whatever the language. */
export function districtTime(at: number): string {
  return new Date(at + 8 * 3_600_000).toISOString().slice(5, 16).replace('T', ' ');
}

const CATALOGUES: Record<Locale, Catalogue> = {
  'zh-CN': {
    'case.handedOver': (p) =>
      `交接：${p.title}（原承办人 ${p.from}，${HANDOVER_REASONS['zh-CN'][p.reason]}）`,
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
  },
  en: {
    'case.handedOver': (p) => `Handed over: ${p.title} (from ${p.from}, ${HANDOVER_REASONS.en[p.reason]})`,
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
  },
};

/** The text in one language; an unknown locale reads the default. */
export function renderNoticeText(text: NoticeText, locale: string | null | undefined): string {
  const catalogue = CATALOGUES[isLocale(locale) ? locale : DEFAULT_LOCALE];
  // The union is checked where a NoticeText is built; here key and params are known to match.
  const render = catalogue[text.key] as (params: NoticeText['params']) => string;
  return render(text.params);
}
