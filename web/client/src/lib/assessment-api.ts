import type {
  AccountableUnit,
  AssessmentScheme,
  AssessmentView,
  ReportKind,
  ReportSummary,
  ReportView,
} from '@gridsense/core';
import { zhCN, type MessageKey } from '../i18n/zh-CN';
import { request } from './api';

/** 考核 and the archived reports over the API. */
export const assessmentApi = {
  view: (from: number, to: number) => request<AssessmentView>('GET', `/api/assessment?from=${from}&to=${to}`),
  scheme: () => request<AssessmentScheme>('GET', '/api/assessment/scheme'),
  saveScheme: (scheme: AssessmentScheme) =>
    request<AssessmentScheme>('PUT', '/api/assessment/scheme', scheme),
  reports: (kind?: ReportKind) =>
    request<ReportSummary[]>('GET', kind ? `/api/reports?kind=${kind}` : '/api/reports'),
  report: (id: number) => request<ReportView>('GET', `/api/reports/${id}`),
};

/** Where a report's CSV downloads from (the session cookie goes along with a plain link). */
export const reportCsvHref = (id: number) => `/api/reports/${id}/csv`;

export const reportPdfHref = (id: number) => `/api/reports/${id}/pdf`;

export const reportHref = (id: number) => `#/reports/${id}`;

/** The levels in page order. */
export const ASSESSED_LEVELS: readonly AccountableUnit[] = [
  'street',
  'community',
  'grid',
  'department',
  'worker',
];

type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

/** Why cases were left out, in words (`误报 1、作废 2`); an unknown reason is named as other. */
export function excludedText(excluded: Readonly<Record<string, number>>, t: Translate): string | null {
  const entries = Object.entries(excluded).filter(([, n]) => n > 0);
  if (entries.length === 0) return null;
  return entries
    .map(([reason, n]) => {
      const key = `reason.${reason}`;
      return `${key in zhCN ? t(key as MessageKey) : t('assessment.reasonOther')} ${n}`;
    })
    .join('、');
}

/** Hours with one decimal (`22.0`), for delays. */
export const hoursText = (ms: number) => (ms / 3_600_000).toFixed(1);
