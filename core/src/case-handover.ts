import { isShiftActive, type RosterShift } from './case-rosters';
import type { CaseRecord, CaseState } from './case-types';

/**
 * Handover (交接): when a person stops answering for a place — disabled, taken off a grid, or
 * their roster shift ends — each open case they hold goes to whoever is on duty there now, or
 * back to the dispatcher's queue when nobody is. Pure: the caller says who is on duty.
 */
export type HandoverReason = 'disabled' | 'left_grid' | 'shift_ended';
export const HANDOVER_REASONS: readonly HandoverReason[] = ['disabled', 'left_grid', 'shift_ended'];

/**
 * States in which the lead still has to act. A resolved or verified case waits on someone else,
 * and a reported, registered, returned or reopened one on a dispatcher, so those keep their lead.
 */
export const HELD_CASE_STATES: readonly CaseState[] = ['dispatched', 'accepted', 'in_progress'];

export interface Handover {
  next: CaseRecord;
  /** What the leaving person held: the lead (主办) or a co-handler's place (协办). */
  role: 'lead' | 'co';
  fromUserId: string;
  /** Who holds that place now; null: the case went back to the dispatcher's queue (lead only). */
  toUserId: string | null;
}

/**
 * Who takes over `fromUserId`'s place on one case, given who is on duty for it now (primary
 * first). Undefined when the person holds nothing on this case.
 *
 * The lead's successor keeps the case where it stands: a dispatched case waits for their 签收 and
 * an accepted one continues, with the case's deadlines unchanged (they belong to the case, not to
 * the person). Without a successor the case goes back to the dispatcher as if returned, but it is
 * no 退单: it does not count against the return limit. A co-handler's place passes the same way,
 * or lapses without a successor.
 */
export function planHandover(
  record: CaseRecord,
  fromUserId: string,
  onDuty: readonly string[],
  now: number,
): Handover | undefined {
  if (record.state === 'closed') return undefined;
  const leads = record.assigneeId === fromUserId && HELD_CASE_STATES.includes(record.state);
  const coHandles = record.coHandlerIds.includes(fromUserId);
  if (!leads && !coHandles) return undefined;
  const successor = onDuty.find((id) => id !== fromUserId);
  const othersOnCase = record.coHandlerIds.filter((id) => id !== fromUserId);

  if (leads) {
    const base = { ...record, updatedAt: now, extensionRequest: null };
    // A waiting 延期 request was the leaver's, for their own work: it lapses with them.
    if (successor)
      return {
        role: 'lead',
        fromUserId,
        toUserId: successor,
        next: {
          ...base,
          assigneeId: successor,
          coHandlerIds: othersOnCase.filter((id) => id !== successor),
          // The repeat-until-accepted clock counts from the new holder's first notice.
          lastNotifiedAt: now,
        },
      };
    return {
      role: 'lead',
      fromUserId,
      toUserId: null,
      next: {
        ...base,
        state: 'returned',
        assigneeId: null,
        coHandlerIds: [],
        departmentId: null,
        acceptDueAt: null,
        arriveDueAt: null,
        pausedAt: null,
        pauseReason: null,
      },
    };
  }

  const takesPlace =
    successor !== undefined && successor !== record.assigneeId && !othersOnCase.includes(successor);
  return {
    role: 'co',
    fromUserId,
    toUserId: takesPlace ? successor : null,
    next: {
      ...record,
      updatedAt: now,
      coHandlerIds: takesPlace ? [...othersOnCase, successor] : othersOnCase,
    },
  };
}

const DAY_MS = 86_400_000;
/** A watermark older than this (a long outage) is only looked back over this far. */
export const SHIFT_LOOKBACK_MS = 8 * DAY_MS;

/** When a shift that starts on the local day beginning at `dayStart` ends. */
function shiftEndOn(shift: RosterShift, dayStart: number): number {
  const overnight = shift.endMinute <= shift.startMinute;
  return dayStart + shift.endMinute * 60_000 + (overnight ? DAY_MS : 0);
}

/** Whether one of the shift's occurrences ended in (from, to]; the ticker calls it once per pass. */
export function shiftEndedBetween(
  shift: RosterShift,
  from: number,
  to: number,
  utcOffsetMinutes: number,
): boolean {
  const since = Math.max(from, to - SHIFT_LOOKBACK_MS);
  if (since >= to) return false;
  const offset = utcOffsetMinutes * 60_000;
  const localDay = (t: number) => Math.floor((t + offset) / DAY_MS);
  // An overnight shift that ends in the window began the local day before.
  for (let day = localDay(since) - 1; day <= localDay(to); day++) {
    const dayStart = day * DAY_MS - offset;
    const weekday = new Date(day * DAY_MS).getUTCDay() || 7;
    if (!shift.weekdays.includes(weekday)) continue;
    const end = shiftEndOn(shift, dayStart);
    if (end > since && end <= to) return true;
  }
  return false;
}

/**
 * The shifts whose end a pass over (from, to] must act on: ended in the window, and the person is
 * not back on duty in the same scope by another shift running at `to`.
 */
export function endedShifts<S extends RosterShift>(
  shifts: readonly S[],
  from: number,
  to: number,
  utcOffsetMinutes: number,
): S[] {
  const stillOn = (s: RosterShift) =>
    shifts.some(
      (other) =>
        other.userId === s.userId &&
        other.scopeKind === s.scopeKind &&
        other.scopeId === s.scopeId &&
        isShiftActive(other, to, utcOffsetMinutes),
    );
  return shifts.filter((s) => shiftEndedBetween(s, from, to, utcOffsetMinutes) && !stillOn(s));
}
