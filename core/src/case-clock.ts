import { SLA_CLOCKS, type CaseSla, type SlaClock } from './case-sla';
import { nextEscalationLevel, type CaseRecord } from './case-types';
import type { RegionLevel } from './model';

/**
 * What the deadline ticker owes a case at a given time, decided from the stored case alone so a
 * restart loses no timer and repeats nothing: reminders before a deadline, repeated notices until
 * accepted, and one level of escalation per interval while a deadline stays broken.
 */
export type ClockAction =
  | { type: 'remind'; clock: SlaClock; dueAt: number }
  | { type: 'repeat' }
  | { type: 'escalate'; clock: SlaClock; dueAt: number; to: RegionLevel };

export interface ClockTiming {
  repeatEveryMs: number;
  escalateEveryMs: number;
}

/** A case under 督办 is nagged and escalated this much more often than its SLA says. */
export const SUPERVISED_TIMING_FACTOR = 0.5;

export function clockTiming(
  sla: Pick<CaseSla, 'repeatEveryMinutes' | 'escalateEveryMinutes'>,
  supervised = false,
): ClockTiming {
  const factor = supervised ? SUPERVISED_TIMING_FACTOR : 1;
  return {
    repeatEveryMs: Math.round(sla.repeatEveryMinutes * 60_000 * factor),
    escalateEveryMs: Math.round(sla.escalateEveryMinutes * 60_000 * factor),
  };
}

type Clocked = Pick<
  CaseRecord,
  | 'state'
  | 'openedAt'
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

const DUE: Record<SlaClock, 'acceptDueAt' | 'arriveDueAt' | 'resolveDueAt'> = {
  accept: 'acceptDueAt',
  arrive: 'arriveDueAt',
  resolve: 'resolveDueAt',
};

/** When a clock's window began (dispatch for accept, acceptance for arrive, opening for resolve). */
function windowStart(record: Clocked, clock: SlaClock): number {
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
    const dueAt = record[DUE[clock]];
    return dueAt === null ? [] : [{ clock, dueAt }];
  });
}

/** Paused cases and children under an open parent make no noise. */
function silent(record: Clocked): boolean {
  return record.pausedAt !== null || record.parentId !== null;
}

/** The next escalation time: the earliest deadline, or an interval after the last escalation. */
function escalationAt(
  record: Clocked,
  timing: ClockTiming,
): { clock: SlaClock; dueAt: number; at: number } | undefined {
  if (!nextEscalationLevel(record.escalationLevel)) return undefined;
  const first = dues(record).sort((a, b) => a.dueAt - b.dueAt)[0];
  if (!first) return undefined;
  const at =
    record.escalatedAt !== null && record.escalatedAt >= first.dueAt
      ? record.escalatedAt + timing.escalateEveryMs
      : first.dueAt;
  return { ...first, at };
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
  }
  if (record.state === 'dispatched' && record.lastNotifiedAt !== null)
    times.push(record.lastNotifiedAt + timing.repeatEveryMs);
  const escalation = escalationAt(record, timing);
  if (escalation) times.push(escalation.at);
  return times.length > 0 ? Math.min(...times) : null;
}
