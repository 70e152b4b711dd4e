/** Custom chart and report ranges: whole local days picked in a form, at most a year apart. */

const DAY_MS = 86_400_000;
/** The server's bound (analytics and series): a year and a day, so a leap year fits. */
export const MAX_RANGE_MS = 366 * DAY_MS;

export type CustomRangeResult =
  { ok: true; from: number; to: number } | { ok: false; error: 'range.invalid' | 'range.tooLong' };

/** `yyyy-mm-dd` of the browser's local day an instant falls in (what `<input type="date">` holds). */
export function dateInputValue(at: number): string {
  const d = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function localMidnight(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const at = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime();
  return Number.isFinite(at) ? at : null;
}

/**
 * From the start of the first day to the end of the last (capped at `now`: no empty future), or
 * which message to show. The same bound as the server's, so the form never sends a refused range.
 */
export function customRange(fromValue: string, toValue: string, now: number): CustomRangeResult {
  const from = localMidnight(fromValue);
  const last = localMidnight(toValue);
  if (from === null || last === null) return { ok: false, error: 'range.invalid' };
  const to = Math.min(last + DAY_MS, now);
  if (!(from < to)) return { ok: false, error: 'range.invalid' };
  if (to - from > MAX_RANGE_MS) return { ok: false, error: 'range.tooLong' };
  return { ok: true, from, to };
}
