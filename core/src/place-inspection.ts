import { apiText } from './api-texts';
import type { Problem } from './errors';
import { addWorkingMs, isWorkingDay, workingDayMs, type WorkCalendar } from './case-calendar';
import { pointInPolygon } from './geo';
import type { PolygonGeometry } from './model';
import type { PlaceKind } from './place-risk';

/**
 * Inspections (巡检) of 重点场所: when the next one is due, whether a check-in's position lies in
 * the place's grid, and whether its checklist is complete. Pure, shared by the API and the phone.
 */

const DAY_MS = 86_400_000;

/**
 * When the next inspection is due: the end of the working day that lies `everyWorkingDays`
 * working days after the day of the last inspection (or of the place's registration). A daily
 * place inspected on Monday is due by Tuesday's close; one inspected on Friday by Monday's.
 */
export function nextInspectionDue(lastAt: number, everyWorkingDays: number, calendar: WorkCalendar): number {
  const offset = calendar.utcOffsetMinutes * 60_000;
  const closing = calendar.hours.at(-1)?.end ?? '24:00';
  const [h, m] = closing.split(':').map(Number) as [number, number];
  let day = Math.floor((lastAt + offset) / DAY_MS) * DAY_MS - offset;
  let counted = 0;
  // A calendar with no working day for three years is refused by its validation; bound anyway.
  for (let i = 0; i < 3 * 366; i++) {
    day += DAY_MS;
    if (isWorkingDay(day, calendar) && ++counted >= Math.max(1, everyWorkingDays))
      return day + (h * 60 + m) * 60_000;
  }
  throw new Error('the working calendar has no working day in three years');
}

/**
 * How far a missed inspection has gone, like a broken deadline: at its due time the grid's
 * workers are told it is overdue; left undone, it goes to the community, then to the street.
 */
export const INSPECTION_ESCALATIONS = ['grid', 'community', 'street'] as const;
export type InspectionEscalation = (typeof INSPECTION_ESCALATIONS)[number];

/** Working time an overdue inspection stays at each step before it goes one level up. */
export const INSPECTION_STEP_WORKING_MS: Record<'community' | 'street', (calendar: WorkCalendar) => number> =
  {
    // The grid has half a working day to catch up before its community hears of it.
    community: (calendar) => workingDayMs(calendar) / 2,
    street: (calendar) => workingDayMs(calendar),
  };

/**
 * The escalation step an open inspection is due for at `now`, or undefined: the grid at its due
 * time, the community half a working day after the grid was told, the street a working day after
 * the community was. Pure, so the ticker applies it from stored state and a restart loses nothing.
 */
export function dueInspectionEscalation(
  inspection: { dueAt: number; escalationLevel: InspectionEscalation | null; escalatedAt: number | null },
  now: number,
  calendar: WorkCalendar,
): InspectionEscalation | undefined {
  if (now < inspection.dueAt) return undefined;
  const current = inspection.escalationLevel;
  if (current === null) return 'grid';
  if (current === 'street') return undefined;
  const next = current === 'grid' ? 'community' : 'street';
  const since = inspection.escalatedAt ?? inspection.dueAt;
  return now >= addWorkingMs(since, INSPECTION_STEP_WORKING_MS[next](calendar), calendar) ? next : undefined;
}

export interface CheckInPosition {
  lng: number;
  lat: number;
  /** The phone's reported accuracy radius in metres. */
  accuracyM?: number | null;
}

/** GPS on a phone is off by some metres; a check-in this close outside the boundary still counts. */
export const MAX_POSITION_TOLERANCE_M = 50;

export type PositionCheck =
  { ok: true } | { ok: false; reason: 'invalid' | 'outside_grid'; distanceM?: number };

const METRES_PER_DEGREE = 111_320;

/** Metres from a point to the nearest edge of a ring (local flat projection: a grid is small). */
function distanceToRingM(lng: number, lat: number, ring: [number, number][]): number {
  const kx = METRES_PER_DEGREE * Math.cos((lat * Math.PI) / 180);
  const ky = METRES_PER_DEGREE;
  let best = Infinity;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [ax, ay] = [(ring[i]![0] - lng) * kx, (ring[i]![1] - lat) * ky];
    const [bx, by] = [(ring[i + 1]![0] - lng) * kx, (ring[i + 1]![1] - lat) * ky];
    const [dx, dy] = [bx - ax, by - ay];
    const length2 = dx * dx + dy * dy;
    const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / length2));
    best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
  }
  return best;
}

/**
 * Whether a check-in was made inside the grid: inside its boundary, or outside by no more than
 * the phone's own accuracy (capped at `MAX_POSITION_TOLERANCE_M`, so a vague fix cannot stretch it).
 */
export function checkInPositionCheck(position: unknown, boundary: PolygonGeometry): PositionCheck {
  const p = (typeof position === 'object' && position !== null ? position : {}) as Record<string, unknown>;
  const { lng, lat, accuracyM } = p;
  if (
    typeof lng !== 'number' ||
    typeof lat !== 'number' ||
    !Number.isFinite(lng) ||
    !Number.isFinite(lat) ||
    Math.abs(lng) > 180 ||
    Math.abs(lat) > 90 ||
    (accuracyM !== undefined && accuracyM !== null && (typeof accuracyM !== 'number' || !(accuracyM >= 0)))
  )
    return { ok: false, reason: 'invalid' };
  if (pointInPolygon(lng, lat, boundary)) return { ok: true };
  const outer = boundary.coordinates[0] ?? [];
  const distanceM = Math.round(distanceToRingM(lng, lat, outer));
  const tolerance = Math.min(typeof accuracyM === 'number' ? accuracyM : 0, MAX_POSITION_TOLERANCE_M);
  return distanceM <= tolerance ? { ok: true } : { ok: false, reason: 'outside_grid', distanceM };
}

/** The checklist each kind of place is inspected by (keys; the console names them per language). */
export const INSPECTION_CHECKLISTS: Record<PlaceKind, readonly string[]> = {
  building: ['fire_exits_clear', 'extinguishers_ready', 'wiring_safe', 'no_stacked_goods'],
  shop: ['fire_exits_clear', 'extinguishers_ready', 'wiring_safe', 'gas_safe'],
  old_residential: ['fire_exits_clear', 'no_ebike_charging_indoors', 'wiring_safe', 'no_stacked_goods'],
  construction_site: ['fences_closed', 'hot_work_permit', 'dust_covered', 'extinguishers_ready'],
  other: ['fire_exits_clear', 'extinguishers_ready'],
};

export interface ChecklistAnswer {
  key: string;
  ok: boolean;
  note: string | null;
}

/**
 * Checks a check-in's answers: every item of the place's checklist answered once, nothing else,
 * and a failed item says what was wrong (that note is what the follow-up acts on).
 */
export function validateChecklist(
  kind: PlaceKind,
  input: unknown,
): { ok: true; answers: ChecklistAnswer[]; passed: boolean } | { ok: false; errors: Problem[] } {
  const expected = INSPECTION_CHECKLISTS[kind];
  if (!Array.isArray(input)) return { ok: false, errors: [apiText('checklist.list')] };
  const errors: Problem[] = [];
  const answers: ChecklistAnswer[] = [];
  const seen = new Set<string>();
  input.forEach((item: unknown, index) => {
    const a = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const note = typeof a.note === 'string' && a.note.trim() ? a.note.trim().slice(0, 500) : null;
    const key = a.key;
    if (typeof key !== 'string' || !expected.includes(key)) {
      errors.push(apiText('checklist.notAnItem', { index: index + 1 }));
      return;
    }
    if (seen.has(key)) errors.push(apiText('checklist.twice', { key }));
    seen.add(key);
    if (typeof a.ok !== 'boolean') errors.push(apiText('checklist.needsOk', { key }));
    else if (!a.ok && !note) errors.push(apiText('checklist.failedNeedsNote', { key }));
    answers.push({ key, ok: a.ok === true, note });
  });
  const missing = expected.filter((key) => !seen.has(key));
  if (missing.length > 0) errors.push(apiText('checklist.notAnswered', { keys: missing.join(', ') }));
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, answers, passed: answers.every((a) => a.ok) };
}
