/** Local calendar dates (`YYYY-MM-DD`) as the working calendar's holiday lists hold them. */

/** The ISO weekday of a date (1 = Monday … 7 = Sunday), the calendar's own numbering. */
export function weekdayOf(date: string): number {
  const day = new Date(`${date}T00:00:00Z`).getUTCDay();
  return day === 0 ? 7 : day;
}

/** The list with `date` in it once, in date order (ISO dates sort as text). */
export function withDate(dates: readonly string[], date: string): string[] {
  return [...new Set([...dates, date])].sort();
}

/** Working periods in one line: `09:00–12:00, 13:30–17:30`. */
export function hoursText(hours: readonly { start: string; end: string }[]): string {
  return hours.map((period) => `${period.start}–${period.end}`).join(', ');
}
