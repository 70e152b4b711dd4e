import { addWorkingMs, workingDayMs, type WorkCalendar } from './case-calendar';
import type { Severity } from './model';

/** The three clocks of a case: accept within (签收), arrive within (到场), resolve within (办结). */
export type SlaClock = 'accept' | 'arrive' | 'resolve';
export const SLA_CLOCKS: readonly SlaClock[] = ['accept', 'arrive', 'resolve'];

/**
 * A deadline span as written in the SLA table: `15m`, `2h`, `1d` run on the wall clock;
 * `4wh` (working hours) and `3wd` (working days) run on the working-day calendar.
 */
export type SlaSpan = string;

/** Deadlines for one category × severity, and how often the ticker nags and escalates. */
export interface CaseSla {
  accept: SlaSpan;
  arrive: SlaSpan;
  resolve: SlaSpan;
  /** Notify the assignee again this often until the case is accepted. */
  repeatEveryMinutes: number;
  /** Once a deadline has passed, go one level up (grid → community → street → district) this often. */
  escalateEveryMinutes: number;
}

/** One row of the SLA table; category `*` is the fallback for its severity. */
export interface SlaEntry {
  category: string;
  severity: Severity;
  sla: CaseSla;
}

const SPAN = /^(\d+(?:\.\d+)?)(m|h|d|wh|wd)$/;

export function isWorkingSpan(span: SlaSpan): boolean {
  return /w[hd]$/.test(span);
}

/** Whether a span is well formed (a positive amount and a known unit). */
export function isValidSpan(span: unknown): span is SlaSpan {
  const match = typeof span === 'string' ? SPAN.exec(span) : null;
  return match !== null && Number(match[1]) > 0;
}

/** The instant a span after `start` ends. */
export function addSpan(start: number, span: SlaSpan, calendar: WorkCalendar): number {
  const match = SPAN.exec(span);
  if (!match) throw new Error(`invalid SLA span ${span}`);
  const amount = Number(match[1]);
  const unit = match[2];
  if (unit === 'wh') return addWorkingMs(start, amount * 3_600_000, calendar);
  if (unit === 'wd') return addWorkingMs(start, amount * workingDayMs(calendar), calendar);
  return start + amount * (unit === 'm' ? 60_000 : unit === 'h' ? 3_600_000 : 86_400_000);
}

/** Used when no row matches (and as the seed's `*` rows). */
export const DEFAULT_SLAS: Record<Severity, CaseSla> = {
  critical: { accept: '10m', arrive: '30m', resolve: '2h', repeatEveryMinutes: 5, escalateEveryMinutes: 15 },
  warning: { accept: '30m', arrive: '2h', resolve: '8h', repeatEveryMinutes: 15, escalateEveryMinutes: 60 },
  info: { accept: '2h', arrive: '1wd', resolve: '3wd', repeatEveryMinutes: 60, escalateEveryMinutes: 240 },
};

/** The SLA for a case: its category's row, else the `*` row of its severity, else the default. */
export function pickSla(entries: readonly SlaEntry[], category: string, severity: Severity): CaseSla {
  const exact = entries.find((e) => e.category === category && e.severity === severity);
  const fallback = entries.find((e) => e.category === '*' && e.severity === severity);
  return (exact ?? fallback)?.sla ?? DEFAULT_SLAS[severity];
}

/** Validates an SLA from JSON (admin API), listing every problem. */
export function validateSla(input: unknown): { ok: true; sla: CaseSla } | { ok: false; errors: string[] } {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['sla must be an object'] };
  const s = input as Record<string, unknown>;
  const errors: string[] = [];
  for (const clock of ['accept', 'arrive', 'resolve'] as const) {
    if (!isValidSpan(s[clock])) errors.push(`${clock} must be a span like 15m, 2h, 1d, 4wh or 3wd`);
  }
  for (const key of ['repeatEveryMinutes', 'escalateEveryMinutes'] as const) {
    const value = s[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 1)
      errors.push(`${key} must be a number of minutes ≥ 1`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, sla: input as CaseSla };
}
