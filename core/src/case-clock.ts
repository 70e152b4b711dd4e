import {
  DEFAULT_BREACH_ACTIONS,
  SLA_CLOCKS,
  type BreachAction,
  type CaseSla,
  type SlaClock,
} from './case-sla';
import { nextEscalationLevel, type CaseRecord } from './case-types';
import type { RegionLevel } from './model';

/**
 * What the deadline ticker owes a case at a given time, decided from the stored case alone so a
 * restart loses no timer and repeats nothing: reminders before a deadline, repeated notices until
 * accepted, a breached clock's once-only actions (overdue notice, 督办), and one level of
 * escalation per interval while a deadline whose breach escalates stays broken.
 */
export type ClockAction =
  | { type: 'remind'; clock: SlaClock; dueAt: number }
  | { type: 'repeat' }
  | { type: 'breach'; clock: SlaClock; dueAt: number; actions: OnceBreachAction[] }
  | { type: 'escalate'; clock: SlaClock; dueAt: number; to: RegionLevel };

/** The breach actions taken once per breach (escalation has its own interval). */
export type OnceBreachAction = Exclude<BreachAction, 'escalate'>;

export interface ClockTiming {
  repeatEveryMs: number;
  escalateEveryMs: number;
  /** Per clock, what its breach does; a clock not named escalates (as every breach did before). */
  breach?: Partial<Record<SlaClock, readonly BreachAction[]>>;
}

/** A case under 督办 is nagged and escalated this much more often than its SLA says. */
export const SUPERVISED_TIMING_FACTOR = 0.5;

export function clockTiming(
  sla: Pick<CaseSla, 'repeatEveryMinutes' | 'escalateEveryMinutes' | 'breach'>,
  supervised = false,
): ClockTiming {
  const factor = supervised ? SUPERVISED_TIMING_FACTOR : 1;
  return {
    repeatEveryMs: Math.round(sla.repeatEveryMinutes * 60_000 * factor),
    escalateEveryMs: Math.round(sla.escalateEveryMinutes * 60_000 * factor),
    ...(sla.breach ? { breach: sla.breach } : {}),
  };
}

const breachOf = (timing: ClockTiming, clock: SlaClock): readonly BreachAction[] =>
  timing.breach?.[clock] ?? DEFAULT_BREACH_ACTIONS;

type Clocked = Pick<
  CaseRecord,
  | 'state'
  | 'openedAt'
  | 'awaitingDispatchSince'
  | 'registerDueAt'
  | 'dispatchDueAt'
  | 'breachActed'
  | 'dispatchedAt'
  | 'acceptedAt'
  | 'acceptDueAt'
  | 'arriveDueAt'
  | 'resolveDueAt'
  | 'remindedClocks'
  | 'lastNotifiedAt'
  | 'escalationLevel'
  | 'escalatedAt'
  | 'pausedAt'
  | 'parentId'
>;

export const CLOCK_DUE = {
  register: 'registerDueAt',
  dispatch: 'dispatchDueAt',
  accept: 'acceptDueAt',
  arrive: 'arriveDueAt',
  resolve: 'resolveDueAt',
} as const satisfies Record<SlaClock, keyof CaseRecord>;

/**
 * When a clock's window began: opening for register and resolve, the start of the wait for
 * dispatch, dispatch for accept, acceptance for arrive.
 */
function windowStart(record: Clocked, clock: SlaClock): number {
  if (clock === 'dispatch') return record.awaitingDispatchSince ?? record.openedAt;
  if (clock === 'accept') return record.dispatchedAt ?? record.openedAt;
  if (clock === 'arrive') return record.acceptedAt ?? record.openedAt;
  return record.openedAt;
}

/**
 * Remind a fifth of the window ahead: at least a minute, at most a day (催办 "提前一天"). In whole
 * milliseconds: the time is stored as the case's next check, a bigint on PostgreSQL.
 */
export function reminderAt(record: Clocked, clock: SlaClock, dueAt: number): number {
  const fifth = Math.ceil(0.2 * (dueAt - windowStart(record, clock)));
  const lead = Math.min(86_400_000, Math.max(60_000, fifth));
  return dueAt - lead;
}

function dues(record: Clocked): { clock: SlaClock; dueAt: number }[] {
  return SLA_CLOCKS.flatMap((clock) => {
    const dueAt = record[CLOCK_DUE[clock]];
    return dueAt === null ? [] : [{ clock, dueAt }];
  });
}

/** Paused cases and children under an open parent make no noise. */
function silent(record: Clocked): boolean {
  return record.pausedAt !== null || record.parentId !== null;
}

/**
 * The next escalation time: the earliest deadline whose breach escalates, or an interval after
 * the last escalation.
 */
function escalationAt(
  record: Clocked,
  timing: ClockTiming,
): { clock: SlaClock; dueAt: number; at: number } | undefined {
  if (!nextEscalationLevel(record.escalationLevel)) return undefined;
  const first = dues(record)
    .filter(({ clock }) => breachOf(timing, clock).includes('escalate'))
    .sort((a, b) => a.dueAt - b.dueAt)[0];
  if (!first) return undefined;
  const at =
    record.escalatedAt !== null && record.escalatedAt >= first.dueAt
      ? record.escalatedAt + timing.escalateEveryMs
      : first.dueAt;
  return { ...first, at };
}

/**
 * A breached clock's once-only actions not yet taken: the overdue notice and 督办. Once taken the
 * clock is marked, so a 督办 that a person lifts is not set again for the same breach (and a case
 * already under 督办 just stays so).
 */
function onceActions(record: Clocked, timing: ClockTiming, clock: SlaClock): OnceBreachAction[] {
  if (record.breachActed.includes(clock)) return [];
  return breachOf(timing, clock).filter((a): a is OnceBreachAction => a !== 'escalate');
}

export function dueClockActions(record: Clocked, timing: ClockTiming, now: number): ClockAction[] {
  if (silent(record)) return [];
  const actions: ClockAction[] = [];
  for (const { clock, dueAt } of dues(record)) {
    if (!record.remindedClocks.includes(clock) && now < dueAt && now >= reminderAt(record, clock, dueAt))
      actions.push({ type: 'remind', clock, dueAt });
  }
  if (
    record.state === 'dispatched' &&
    record.lastNotifiedAt !== null &&
    now >= record.lastNotifiedAt + timing.repeatEveryMs
  )
    actions.push({ type: 'repeat' });
  for (const { clock, dueAt } of dues(record)) {
    const once = now >= dueAt ? onceActions(record, timing, clock) : [];
    if (once.length > 0) actions.push({ type: 'breach', clock, dueAt, actions: once });
  }
  const escalation = escalationAt(record, timing);
  if (escalation && now >= escalation.at)
    actions.push({
      type: 'escalate',
      clock: escalation.clock,
      dueAt: escalation.dueAt,
      to: nextEscalationLevel(record.escalationLevel)!,
    });
  return actions;
}

/** When the ticker should look at this case next (stored and indexed), or null for never. */
export function nextClockCheckAt(record: Clocked, timing: ClockTiming, now: number): number | null {
  if (silent(record)) return null;
  const times: number[] = [];
  for (const { clock, dueAt } of dues(record)) {
    if (!record.remindedClocks.includes(clock) && now < dueAt) times.push(reminderAt(record, clock, dueAt));
    if (onceActions(record, timing, clock).length > 0) times.push(dueAt);
  }
  if (record.state === 'dispatched' && record.lastNotifiedAt !== null)
    times.push(record.lastNotifiedAt + timing.repeatEveryMs);
  const escalation = escalationAt(record, timing);
  if (escalation) times.push(escalation.at);
  return times.length > 0 ? Math.min(...times) : null;
}
