import type { CaseRecord } from '@gridsense/core';

/** Unit labels for durations, so the same maths serves 中文 ("2小时5分") and English ("2h 5m"). */
export interface DurationUnits {
  d: string;
  h: string;
  m: string;
  s: string;
  /** Between the two parts: '' in Chinese, ' ' in English. */
  sep: string;
}

export const EN_UNITS: DurationUnits = { d: 'd', h: 'h', m: 'm', s: 's', sep: ' ' };

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Under this much time left a deadline is shown as urgent (amber). */
export const URGENT_MS = HOUR;

/** The two largest units, floored: "1d 3h", "2h 5m", "12m 30s", "45s". */
export function formatDuration(ms: number, units: DurationUnits = EN_UNITS): string {
  const total = Math.max(0, Math.floor(Math.abs(ms) / SECOND)) * SECOND;
  const parts: [number, string][] = [
    [Math.floor(total / DAY), units.d],
    [Math.floor((total % DAY) / HOUR), units.h],
    [Math.floor((total % HOUR) / MINUTE), units.m],
    [Math.floor((total % MINUTE) / SECOND), units.s],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  if (first === -1) return `0${units.s}`;
  const shown = parts.slice(first, first + 2).filter(([value], index) => index === 0 || value > 0);
  return shown.map(([value, unit]) => `${value}${unit}`).join(units.sep);
}

export type DeadlineKind = 'accept' | 'resolve';

export interface Deadline {
  kind: DeadlineKind;
  dueAt: number;
}

/** The clock that matters now: accepting first, then resolving; none once the case is done. */
export function activeDeadline(
  record: Pick<CaseRecord, 'state' | 'acceptDueAt' | 'resolveDueAt'>,
): Deadline | null {
  if (record.state === 'resolved' || record.state === 'verified' || record.state === 'closed') return null;
  if (record.acceptDueAt !== null) return { kind: 'accept', dueAt: record.acceptDueAt };
  if (record.resolveDueAt !== null) return { kind: 'resolve', dueAt: record.resolveDueAt };
  return null;
}

export type CountdownTone = 'ok' | 'urgent' | 'overdue';

export interface Countdown {
  tone: CountdownTone;
  /** Time left (or, when overdue, time past the deadline) as text without sign. */
  text: string;
  remainingMs: number;
}

export function countdown(dueAt: number, now: number, units: DurationUnits = EN_UNITS): Countdown {
  const remainingMs = dueAt - now;
  const tone: CountdownTone = remainingMs < 0 ? 'overdue' : remainingMs < URGENT_MS ? 'urgent' : 'ok';
  return { tone, text: formatDuration(remainingMs, units), remainingMs };
}
