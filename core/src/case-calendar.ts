import { apiText } from './api-texts';
import type { Problem } from './errors';

/**
 * A working-day calendar for day-scale deadlines (办结时限 "3 个工作日"): working hours per day,
 * weekdays, public holidays and the weekend days worked in exchange (调休上班). Pure arithmetic
 * in a fixed UTC offset (China has no daylight saving), so it runs the same in the browser.
 */
export interface WorkCalendar {
  /** Minutes east of UTC for local dates and hours (480 = UTC+8). */
  utcOffsetMinutes: number;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  workdays: number[];
  /** Working periods of a day, local `HH:MM`, in order, not overlapping. */
  hours: { start: string; end: string }[];
  /** Local dates (`YYYY-MM-DD`) off work even if their weekday is a workday. */
  holidays: string[];
  /** Local dates worked even though their weekday is not a workday. */
  makeupWorkdays: string[];
}

export const DEFAULT_WORK_CALENDAR: WorkCalendar = {
  utcOffsetMinutes: 480,
  workdays: [1, 2, 3, 4, 5],
  hours: [
    { start: '09:00', end: '12:00' },
    { start: '13:30', end: '17:30' },
  ],
  holidays: [],
  makeupWorkdays: [],
};

const DAY_MS = 86_400_000;
const MAX_DAYS = 3 * 366;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$|^24:00$/;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/** Local midnight (as epoch ms) of the day containing `at`. */
function localDayStart(at: number, calendar: WorkCalendar): number {
  const offset = calendar.utcOffsetMinutes * 60_000;
  return Math.floor((at + offset) / DAY_MS) * DAY_MS - offset;
}

function localDate(dayStart: number, calendar: WorkCalendar): { iso: string; weekday: number } {
  const local = new Date(dayStart + calendar.utcOffsetMinutes * 60_000);
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  return { iso: local.toISOString().slice(0, 10), weekday };
}

export function isWorkingDay(dayStart: number, calendar: WorkCalendar): boolean {
  const { iso, weekday } = localDate(dayStart, calendar);
  if (calendar.makeupWorkdays.includes(iso)) return true;
  if (calendar.holidays.includes(iso)) return false;
  return calendar.workdays.includes(weekday);
}

/** The working periods of the day starting at `dayStart`, as epoch-ms intervals. */
function workingPeriods(dayStart: number, calendar: WorkCalendar): [number, number][] {
  if (!isWorkingDay(dayStart, calendar)) return [];
  return calendar.hours.map(({ start, end }) => [
    dayStart + minutesOf(start) * 60_000,
    dayStart + minutesOf(end) * 60_000,
  ]);
}

/** Working milliseconds in one full working day (e.g. 7 h for 09:00–12:00 + 13:30–17:30). */
export function workingDayMs(calendar: WorkCalendar): number {
  return calendar.hours.reduce((sum, h) => sum + (minutesOf(h.end) - minutesOf(h.start)) * 60_000, 0);
}

/** The instant `ms` of working time after `start` (a start outside hours begins at the next period). */
export function addWorkingMs(start: number, ms: number, calendar: WorkCalendar): number {
  let remaining = Math.max(0, ms);
  let day = localDayStart(start, calendar);
  for (let i = 0; i < MAX_DAYS; i++, day += DAY_MS) {
    for (const [from, to] of workingPeriods(day, calendar)) {
      const begin = Math.max(from, start);
      if (begin >= to) continue;
      if (remaining <= to - begin) return begin + remaining;
      remaining -= to - begin;
    }
  }
  throw new Error('the working calendar has no working time in three years');
}

/** Working milliseconds between two instants (0 when `to` is not after `from`). */
export function workingMsBetween(from: number, to: number, calendar: WorkCalendar): number {
  let total = 0;
  for (let day = localDayStart(from, calendar); day < to; day += DAY_MS) {
    for (const [a, b] of workingPeriods(day, calendar)) {
      const overlap = Math.min(b, to) - Math.max(a, from);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** Validates a calendar from JSON (admin API), listing every problem. */
export function validateWorkCalendar(
  input: unknown,
): { ok: true; calendar: WorkCalendar } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'calendar' })] };
  const c = input as Record<string, unknown>;
  const errors: Problem[] = [];
  if (typeof c.utcOffsetMinutes !== 'number' || Math.abs(c.utcOffsetMinutes) > 14 * 60)
    errors.push(apiText('calendar.utcOffset'));
  if (
    !Array.isArray(c.workdays) ||
    c.workdays.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1 || d > 7)
  )
    errors.push(apiText('calendar.workdays'));
  const hours = c.hours;
  if (!Array.isArray(hours) || hours.length === 0) errors.push(apiText('calendar.hoursList'));
  else {
    let previousEnd = -1;
    hours.forEach((h: unknown, i) => {
      const period = (typeof h === 'object' && h !== null ? h : {}) as Record<string, unknown>;
      const { start, end } = period;
      if (typeof start !== 'string' || typeof end !== 'string' || !HHMM.test(start) || !HHMM.test(end)) {
        errors.push(apiText('calendar.periodShape', { field: `hours[${i}]` }));
      } else if (minutesOf(start) >= minutesOf(end) || minutesOf(start) < previousEnd) {
        errors.push(apiText('calendar.periodOrder', { field: `hours[${i}]` }));
      } else previousEnd = minutesOf(end);
    });
  }
  for (const key of ['holidays', 'makeupWorkdays'] as const) {
    const list = c[key];
    if (!Array.isArray(list) || list.some((d) => typeof d !== 'string' || !DATE.test(d)))
      errors.push(apiText('calendar.dates', { field: key }));
  }
  // Make-up days win in isWorkingDay, so a date in both lists would silently be worked.
  if (Array.isArray(c.holidays) && Array.isArray(c.makeupWorkdays)) {
    const holidays = new Set(c.holidays);
    for (const date of new Set(c.makeupWorkdays))
      if (holidays.has(date)) errors.push(apiText('calendar.makeupIsHoliday', { date: String(date) }));
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, calendar: input as WorkCalendar };
}
