import { describe, expect, it } from 'vitest';
import { periodRange, PERIODS } from '../client/src/lib/analytics';
import { customRange, dateInputValue, MAX_RANGE_MS } from '../client/src/lib/custom-range';
import { pickWindowMs, RANGE_MS } from '../client/src/lib/series';
import { changeText, rateChange } from '../client/src/lib/situation-api';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
// The tests run in whatever zone the machine has; local midnights are built the same way here.
const local = (y: number, m: number, d: number) => new Date(y, m - 1, d).getTime();
const NOW = local(2026, 12, 4) + 10 * HOUR;

describe('custom ranges (charts and reports)', () => {
  it.each([
    ['one day', '2026-12-01', '2026-12-01', { ok: true, from: local(2026, 12, 1), to: local(2026, 12, 2) }],
    [
      'up to today ends now, not at midnight',
      '2026-11-01',
      '2026-12-04',
      { ok: true, from: local(2026, 11, 1), to: NOW },
    ],
    [
      'a whole leap-free year back',
      '2025-12-05',
      '2026-12-04',
      { ok: true, from: local(2025, 12, 5), to: NOW },
    ],
    ['the end before the start', '2026-12-03', '2026-12-01', { ok: false, error: 'range.invalid' }],
    ['a future day only', '2026-12-10', '2026-12-11', { ok: false, error: 'range.invalid' }],
    ['an empty field', '', '2026-12-01', { ok: false, error: 'range.invalid' }],
    ['not a date', '2026-13-01x', '2026-12-01', { ok: false, error: 'range.invalid' }],
    ['over a year', '2025-11-01', '2026-12-01', { ok: false, error: 'range.tooLong' }],
  ])('%s', (_label, from, to, expected) => {
    expect(customRange(from, to, NOW)).toEqual(expected);
  });

  it('never produces what the API refuses (at most 366 days)', () => {
    expect(MAX_RANGE_MS).toBe(366 * DAY);
    for (const period of PERIODS) {
      const { from, to } = periodRange(period, NOW);
      expect(to - from).toBeLessThanOrEqual(MAX_RANGE_MS);
    }
  });

  it('shows a date input the local day of an instant', () => {
    expect(dateInputValue(local(2026, 3, 9) + 23 * HOUR)).toBe('2026-03-09');
  });

  it('charts 90 days and a year in whole-hour windows, which the hour rollups answer', () => {
    for (const key of ['90d', '1y'] as const) expect(pickWindowMs(RANGE_MS[key]) % HOUR).toBe(0);
    expect(pickWindowMs(RANGE_MS['1y'])).toBe(DAY);
  });
});

describe('this month against last', () => {
  const rate = (value: number | null) => ({ numerator: 0, denominator: value === null ? 0 : 1, value });
  it.each([
    [rate(0.9), rate(0.85), 5, '▲ +5.0'],
    [rate(0.8), rate(0.835), -3.5, '▼ −3.5'],
    [rate(0.5), rate(0.5), 0, '= 0.0'],
    [rate(null), rate(0.5), null, '—'],
    [rate(0.5), rate(null), null, '—'],
  ])('%o vs %o → %s points', (now, before, change, text) => {
    expect(rateChange(now, before)).toBe(change);
    expect(changeText(rateChange(now, before))).toBe(text);
  });
});
