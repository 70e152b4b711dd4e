import { apiText } from '../api-texts';
import { severityRank, type Severity } from '../model';
import { HHMM, MAX_SECONDS, type Fields, type RuleProblems } from './rule-checks';
import type { FlappingPolicy, RuleSchedule, RuleScope } from './rule-types';

/** Who a rule is asked about: a device, its type and its grid's lineage (grid first, up to the district). */
export interface RuleSubject {
  deviceId: string;
  deviceType: string;
  lineage: readonly string[];
}

export function inScope(scope: RuleScope | undefined, subject: RuleSubject): boolean {
  if (!scope) return true;
  if (scope.deviceIds && !scope.deviceIds.includes(subject.deviceId)) return false;
  if (scope.deviceTypes && !scope.deviceTypes.includes(subject.deviceType)) return false;
  if (scope.regionIds && !subject.lineage.some((id) => scope.regionIds!.includes(id))) return false;
  return true;
}

const DAY_MS = 86_400_000;
const DEFAULT_UTC_OFFSET_MINUTES = 480;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Whether `ts` falls in one of the schedule's windows (always, without a schedule). */
export function isScheduleActive(schedule: RuleSchedule | undefined, ts: number): boolean {
  if (!schedule) return true;
  const local = ts + (schedule.utcOffsetMinutes ?? DEFAULT_UTC_OFFSET_MINUTES) * 60_000;
  const dayNumber = Math.floor(local / DAY_MS);
  // 1970-01-01 was a Thursday (ISO weekday 4).
  const weekday = ((((dayNumber + 3) % 7) + 7) % 7) + 1;
  const yesterday = weekday === 1 ? 7 : weekday - 1;
  const minute = Math.floor((local - dayNumber * DAY_MS) / 60_000);
  return schedule.windows.some((w) => {
    const start = minutesOf(w.start);
    const end = minutesOf(w.end);
    const on = (day: number) => !w.days || w.days.includes(day);
    if (start < end) return on(weekday) && minute >= start && minute < end;
    // Past midnight: the evening part belongs to today, the early part to the window of yesterday.
    return (on(weekday) && minute >= start) || (on(yesterday) && minute < end);
  });
}

export const DEFAULT_FLAPPING: FlappingPolicy = { maxChanges: 4, windowSeconds: 600 };

/** The published severity of one (rule, subject) and what suppression needs to know. */
export interface SettledState {
  /** What went out last (what the case service believes). */
  severity: Severity | null;
  /** The evaluator's current verdict; differs from `severity` while a change is held. */
  condition: Severity | null;
  /** Times of the latest published changes, oldest first (at most `maxChanges`). */
  changes: number[];
}

export function newSettledState(): SettledState {
  return { severity: null, condition: null, changes: [] };
}

/**
 * Applies a verdict at `now` and returns the severity to publish, or `undefined` when nothing
 * changes or a change down is held as flapping. Mutates `state` (the hot path allocates nothing).
 */
export function settleSeverity(
  state: SettledState,
  condition: Severity | null,
  now: number,
  policy: FlappingPolicy = DEFAULT_FLAPPING,
): Severity | null | undefined {
  state.condition = condition;
  if (condition === state.severity) return undefined;
  const windowMs = policy.windowSeconds * 1000;
  const recent = state.changes.filter((t) => now - t < windowMs);
  const down = severityRank(condition) < severityRank(state.severity);
  if (down && recent.length >= policy.maxChanges) return undefined;
  recent.push(now);
  state.changes = recent.slice(-policy.maxChanges);
  state.severity = condition;
  return condition;
}

/** Whether a held change is waiting for its release (so the engine must keep ticking it). */
export function isHeld(state: SettledState): boolean {
  return state.condition !== state.severity;
}

const BASE_FIELDS = ['kind', 'id', 'name', 'category', 'scope', 'schedule', 'flapping'] as const;
export const baseFields = (...more: string[]): string[] => [...BASE_FIELDS, ...more];

export function checkBase(problems: RuleProblems, rule: Fields): void {
  problems.id(rule, 'id');
  problems.string(rule, 'name');
  problems.string(rule, 'category');
  if (rule.scope !== undefined) checkScope(problems, rule.scope);
  if (rule.schedule !== undefined) checkSchedule(problems, rule.schedule);
  if (rule.flapping !== undefined) {
    const flapping = problems.object(rule.flapping, 'flapping');
    if (flapping) {
      problems.onlyKnown(flapping, ['maxChanges', 'windowSeconds'], 'flapping.');
      problems.integer(flapping, 'maxChanges', 1, 100, 'flapping.maxChanges');
      problems.positive(flapping, 'windowSeconds', MAX_SECONDS, 'flapping.windowSeconds');
    }
  }
}

function checkScope(problems: RuleProblems, value: unknown): void {
  const scope = problems.object(value, 'scope');
  if (!scope) return;
  problems.onlyKnown(scope, ['regionIds', 'deviceIds', 'deviceTypes'], 'scope.');
  for (const key of ['regionIds', 'deviceIds', 'deviceTypes']) {
    if (scope[key] !== undefined) problems.idList(scope, key, `scope.${key}`);
  }
}

function checkSchedule(problems: RuleProblems, value: unknown): void {
  const schedule = problems.object(value, 'schedule');
  if (!schedule) return;
  problems.onlyKnown(schedule, ['utcOffsetMinutes', 'windows'], 'schedule.');
  if (schedule.utcOffsetMinutes !== undefined)
    problems.integer(schedule, 'utcOffsetMinutes', -720, 840, 'schedule.utcOffsetMinutes');
  const windows: unknown = schedule.windows;
  if (!Array.isArray(windows) || windows.length === 0) {
    problems.add(apiText('field.nonEmptyArray', { field: 'schedule.windows' }));
    return;
  }
  windows.forEach((item: unknown, i) => {
    const path = `schedule.windows[${i}]`;
    const w = problems.object(item, path);
    if (!w) return;
    problems.onlyKnown(w, ['days', 'start', 'end'], `${path}.`);
    for (const key of ['start', 'end']) {
      if (typeof w[key] !== 'string' || !HHMM.test(w[key]))
        problems.add(apiText('field.hhmm', { field: `${path}.${key}` }));
    }
    if (w.days !== undefined) {
      const days: unknown = w.days;
      const ok =
        Array.isArray(days) &&
        days.length > 0 &&
        days.every((d: unknown) => Number.isInteger(d) && (d as number) >= 1 && (d as number) <= 7);
      if (!ok) problems.add(apiText('rule.days', { field: `${path}.days` }));
    }
  });
}
