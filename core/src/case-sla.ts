import { apiText } from './api-texts';
import type { Problem } from './errors';
import { addWorkingMs, workingDayMs, type WorkCalendar } from './case-calendar';
import type { Severity } from './model';

/**
 * The clocks of a case: register within (立案, a human report waiting for the desk), dispatch
 * within (派遣, a registered or returned case), accept within (签收), arrive within (到场),
 * resolve within (办结).
 */
export type SlaClock = 'register' | 'dispatch' | 'accept' | 'arrive' | 'resolve';
export const SLA_CLOCKS: readonly SlaClock[] = ['register', 'dispatch', 'accept', 'arrive', 'resolve'];

/**
 * What a broken deadline does, per clock: tell the person responsible (or the desk) that it is
 * overdue (remind), go one level up and keep climbing (escalate), put the case under 督办
 * (supervise). Each is done once per breach; escalation repeats on its interval.
 */
export type BreachAction = 'remind' | 'escalate' | 'supervise';
export const BREACH_ACTIONS: readonly BreachAction[] = ['remind', 'escalate', 'supervise'];
/** What a breach did before it was configurable: escalate. */
export const DEFAULT_BREACH_ACTIONS: readonly BreachAction[] = ['escalate'];

/**
 * A deadline span as written in the SLA table: `15m`, `2h`, `1d` run on the wall clock;
 * `4wh` (working hours) and `3wd` (working days) run on the working-day calendar.
 */
export type SlaSpan = string;

/**
 * Deadlines for one taxonomy node × severity, and how often the ticker nags and escalates. Rows
 * stored before the register and dispatch clocks existed lack them: `pickSla` fills them in from
 * the severity's default, so a picked SLA always has every clock.
 */
export interface CaseSla {
  register?: SlaSpan;
  dispatch?: SlaSpan;
  accept: SlaSpan;
  arrive: SlaSpan;
  resolve: SlaSpan;
  /** Per clock, what its breach does; a clock not named does `DEFAULT_BREACH_ACTIONS`. */
  breach?: Partial<Record<SlaClock, BreachAction[]>>;
  /** Notify the assignee again this often until the case is accepted. */
  repeatEveryMinutes: number;
  /** Once a deadline has passed, go one level up (grid → community → street → district) this often. */
  escalateEveryMinutes: number;
}

/**
 * One row of the SLA table. `category` is a taxonomy key of any level (`fire_safety`,
 * `fire_safety.alarm`, `fire_safety.alarm.smoke`); `*` is the fallback for its severity.
 */
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

/** The register and dispatch limits of rows that do not set them ("受理派遣 2 小时" for routine cases). */
const DEFAULT_INTAKE_SPANS: Record<Severity, { register: SlaSpan; dispatch: SlaSpan }> = {
  critical: { register: '10m', dispatch: '15m' },
  warning: { register: '1h', dispatch: '1h' },
  info: { register: '2wh', dispatch: '2wh' },
};

/** Used when no row matches (and as the seed's `*` rows). */
export const DEFAULT_SLAS: Record<Severity, CaseSla> = {
  critical: {
    ...DEFAULT_INTAKE_SPANS.critical,
    accept: '10m',
    arrive: '30m',
    resolve: '2h',
    repeatEveryMinutes: 5,
    escalateEveryMinutes: 15,
  },
  warning: {
    ...DEFAULT_INTAKE_SPANS.warning,
    accept: '30m',
    arrive: '2h',
    resolve: '8h',
    repeatEveryMinutes: 15,
    escalateEveryMinutes: 60,
  },
  info: {
    ...DEFAULT_INTAKE_SPANS.info,
    accept: '2h',
    arrive: '1wd',
    resolve: '3wd',
    repeatEveryMinutes: 60,
    escalateEveryMinutes: 240,
  },
};

/** Where a case sits in the taxonomy; the SLA of its most specific node wins. */
export interface SlaTarget {
  category: string;
  subcategory?: string | null;
  caseType?: string | null;
}

/**
 * The SLA for a case: the row of its type, else of its subcategory, else of its category, else
 * the `*` row of its severity, else the default. Clocks a row leaves out come from the default.
 */
export function pickSla(
  entries: readonly SlaEntry[],
  target: SlaTarget | string,
  severity: Severity,
): CaseSla {
  const where: SlaTarget = typeof target === 'string' ? { category: target } : target;
  const { category, subcategory, caseType } = where;
  const keys = [caseType, subcategory, category, '*'].filter((k): k is string => !!k);
  const row = keys
    .map((key) => entries.find((e) => e.category === key && e.severity === severity))
    .find((e) => e !== undefined);
  return { ...DEFAULT_INTAKE_SPANS[severity], ...(row?.sla ?? DEFAULT_SLAS[severity]) };
}

/** The span of one clock (rows without register or dispatch fall back to the severity's default). */
export function clockSpan(sla: CaseSla, clock: SlaClock, severity: Severity): SlaSpan {
  return sla[clock] ?? DEFAULT_INTAKE_SPANS[severity][clock as 'register' | 'dispatch'];
}

/** What a breach of this clock does under this SLA. */
export function breachActionsFor(sla: Pick<CaseSla, 'breach'>, clock: SlaClock): readonly BreachAction[] {
  return sla.breach?.[clock] ?? DEFAULT_BREACH_ACTIONS;
}

/** Validates an SLA from JSON (admin API), listing every problem. */
export function validateSla(input: unknown): { ok: true; sla: CaseSla } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'sla' })] };
  const s = input as Record<string, unknown>;
  const errors: Problem[] = [];
  for (const clock of SLA_CLOCKS) {
    // register and dispatch may be left out (the severity's default applies).
    const optional = clock === 'register' || clock === 'dispatch';
    if (optional && (s[clock] === undefined || s[clock] === null)) continue;
    if (!isValidSpan(s[clock])) errors.push(apiText('sla.span', { field: clock }));
  }
  errors.push(...breachErrors(s.breach));
  for (const key of ['repeatEveryMinutes', 'escalateEveryMinutes'] as const) {
    const value = s[key];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 1)
      errors.push(apiText('sla.minutes', { field: key }));
  }
  if (errors.length > 0) return { ok: false, errors };
  // Only the known keys are stored; a missing optional clock is not stored as null.
  const sla: CaseSla = {
    accept: s.accept as SlaSpan,
    arrive: s.arrive as SlaSpan,
    resolve: s.resolve as SlaSpan,
    repeatEveryMinutes: s.repeatEveryMinutes as number,
    escalateEveryMinutes: s.escalateEveryMinutes as number,
  };
  if (isValidSpan(s.register)) sla.register = s.register;
  if (isValidSpan(s.dispatch)) sla.dispatch = s.dispatch;
  if (s.breach !== undefined && s.breach !== null) sla.breach = s.breach as CaseSla['breach'];
  return { ok: true, sla };
}

function breachErrors(breach: unknown): Problem[] {
  if (breach === undefined || breach === null) return [];
  if (typeof breach !== 'object' || Array.isArray(breach))
    return [apiText('field.mustBeObject', { field: 'breach' })];
  const errors: Problem[] = [];
  for (const [clock, actions] of Object.entries(breach)) {
    if (!SLA_CLOCKS.includes(clock as SlaClock))
      errors.push(apiText('field.unknown', { field: `breach.${clock}` }));
    // Each action at most once: a list that repeats one is refused rather than quietly cut.
    else if (
      !Array.isArray(actions) ||
      actions.some((a) => !BREACH_ACTIONS.includes(a as BreachAction)) ||
      new Set(actions).size !== actions.length
    )
      errors.push(
        apiText('sla.breachActions', { field: `breach.${clock}`, values: BREACH_ACTIONS.join(', ') }),
      );
  }
  return errors;
}
