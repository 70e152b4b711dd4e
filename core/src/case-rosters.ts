import { apiText } from './api-texts';
import type { Problem } from './errors';
import type { DutyKind } from './model';

/**
 * Rosters (排班): who is on duty for a grid or a department at a given time. Standing duties
 * (a grid's primary and backup) apply whenever no shift of that scope is running.
 */
export interface RosterShift {
  scopeKind: 'grid' | 'department';
  scopeId: string;
  userId: string;
  duty: DutyKind;
  /** ISO weekdays the shift starts on (1 = Monday … 7 = Sunday). */
  weekdays: number[];
  /** Local minutes after midnight; an end at or before the start runs past midnight. */
  startMinute: number;
  endMinute: number;
}

export interface OnDuty {
  userId: string;
  duty: DutyKind;
}

function localMinuteAndWeekday(now: number, utcOffsetMinutes: number): { minute: number; weekday: number } {
  const local = new Date(now + utcOffsetMinutes * 60_000);
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  return { minute: local.getUTCHours() * 60 + local.getUTCMinutes(), weekday };
}

export function isShiftActive(shift: RosterShift, now: number, utcOffsetMinutes: number): boolean {
  const { minute, weekday } = localMinuteAndWeekday(now, utcOffsetMinutes);
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  if (shift.startMinute < shift.endMinute)
    return shift.weekdays.includes(weekday) && minute >= shift.startMinute && minute < shift.endMinute;
  // Overnight: the evening part today, or the morning part of a shift that began yesterday.
  return (
    (shift.weekdays.includes(weekday) && minute >= shift.startMinute) ||
    (shift.weekdays.includes(yesterday) && minute < shift.endMinute)
  );
}

/** Who is on duty now: running shifts if the scope has any, else the standing duties; primary first. */
export function onDutyNow(
  standing: readonly OnDuty[],
  shifts: readonly RosterShift[],
  now: number,
  utcOffsetMinutes: number,
): OnDuty[] {
  const running = shifts.filter((s) => isShiftActive(s, now, utcOffsetMinutes));
  const people = running.length > 0 ? running.map(({ userId, duty }) => ({ userId, duty })) : [...standing];
  const seen = new Set<string>();
  return people
    .sort((a, b) => (a.duty === b.duty ? 0 : a.duty === 'primary' ? -1 : 1))
    .filter((p) => !seen.has(p.userId) && seen.add(p.userId));
}

/** Validates a shift from JSON (admin API). */
export function validateRosterShift(
  input: unknown,
): { ok: true; shift: RosterShift } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'shift' })] };
  const s = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const minute = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1440;
  if (s.scopeKind !== 'grid' && s.scopeKind !== 'department') errors.push(apiText('roster.scopeKind'));
  if (typeof s.scopeId !== 'string' || !s.scopeId)
    errors.push(apiText('field.required', { field: 'scopeId' }));
  if (typeof s.userId !== 'string' || !s.userId) errors.push(apiText('field.required', { field: 'userId' }));
  if (s.duty !== 'primary' && s.duty !== 'backup') errors.push(apiText('people.dutyOneOf'));
  if (
    !Array.isArray(s.weekdays) ||
    s.weekdays.length === 0 ||
    s.weekdays.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7)
  )
    errors.push(apiText('roster.weekdays'));
  if (!minute(s.startMinute) || !minute(s.endMinute)) errors.push(apiText('roster.minutes'));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, shift: input as RosterShift };
}
