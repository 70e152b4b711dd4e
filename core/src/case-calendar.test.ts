import { describe, expect, it } from 'vitest';
import { inEnglish, type Problem } from './errors';
import {
  DEFAULT_WORK_CALENDAR,
  addWorkingMs,
  validateWorkCalendar,
  workingDayMs,
  workingMsBetween,
  type WorkCalendar,
} from './case-calendar';
import { addSpan, isValidSpan, pickSla, validateSla, DEFAULT_SLAS, type SlaEntry } from './case-sla';
import { beijing } from './case-test-fixture';

/** A validation result with its problems as the API words them in English. */
const worded = (result: { ok: boolean; errors?: readonly Problem[] }) =>
  result.errors ? { ...result, errors: inEnglish(result.errors) } : result;

const H = 3_600_000;
// 2026: Mon 2026-03-09 … Fri 03-13; the Labour Day break 05-01 … 05-05, worked Saturday 05-09.
const CAL: WorkCalendar = {
  ...DEFAULT_WORK_CALENDAR,
  holidays: ['2026-05-01', '2026-05-04', '2026-05-05'],
  makeupWorkdays: ['2026-05-09'],
};

describe('working-day calendar', () => {
  it('a working day is 7 h with the default hours', () => expect(workingDayMs(CAL)).toBe(7 * H));

  it.each<[string, number, number, number]>([
    ['inside the morning', beijing(2026, 3, 9, 9), 2 * H, beijing(2026, 3, 9, 11)],
    ['across lunch', beijing(2026, 3, 9, 11), 2 * H, beijing(2026, 3, 9, 14, 30)],
    ['from before opening', beijing(2026, 3, 9, 6), 1 * H, beijing(2026, 3, 9, 10)],
    ['from lunch time', beijing(2026, 3, 9, 12, 30), 0.5 * H, beijing(2026, 3, 9, 14)],
    ['over the evening', beijing(2026, 3, 9, 17), 1 * H, beijing(2026, 3, 10, 9, 30)],
    ['over a weekend', beijing(2026, 3, 13, 17), 1 * H, beijing(2026, 3, 16, 9, 30)],
    ['three working days', beijing(2026, 3, 9, 9), 21 * H, beijing(2026, 3, 11, 17, 30)],
    ['over a holiday to the worked Saturday', beijing(2026, 4, 30, 17), 1 * H, beijing(2026, 5, 6, 9, 30)],
    ['onto a make-up Saturday', beijing(2026, 5, 8, 17), 1 * H, beijing(2026, 5, 9, 9, 30)],
    ['zero from inside hours', beijing(2026, 3, 9, 10), 0, beijing(2026, 3, 9, 10)],
  ])('add %s', (_name, start, ms, expected) => {
    expect(new Date(addWorkingMs(start, ms, CAL)).toISOString()).toBe(new Date(expected).toISOString());
  });

  it.each<[string, number, number, number]>([
    ['within a morning', beijing(2026, 3, 9, 9), beijing(2026, 3, 9, 10), 1 * H],
    ['a whole week', beijing(2026, 3, 9, 0), beijing(2026, 3, 16, 0), 35 * H],
    ['a night', beijing(2026, 3, 9, 18), beijing(2026, 3, 10, 9), 0],
    ['backwards', beijing(2026, 3, 10), beijing(2026, 3, 9), 0],
    [
      'the Labour Day week (3 holidays, 1 make-up Saturday)',
      beijing(2026, 5, 1),
      beijing(2026, 5, 11),
      4 * 7 * H,
    ],
  ])('between: %s', (_name, from, to, expected) => {
    expect(workingMsBetween(from, to, CAL)).toBe(expected);
  });

  it('adding then measuring gives the same working time back', () => {
    const start = beijing(2026, 3, 12, 15, 17);
    for (const ms of [1, 0.4 * H, 7 * H, 30 * H])
      expect(workingMsBetween(start, addWorkingMs(start, ms, CAL), CAL)).toBe(ms);
  });

  it('refuses a calendar without working time instead of looping', () => {
    expect(() => addWorkingMs(0, H, { ...CAL, workdays: [] })).toThrow(/no working time/);
  });

  it('validates a calendar, listing every problem', () => {
    expect(worded(validateWorkCalendar(CAL))).toEqual({ ok: true, calendar: CAL });
    expect(
      worded(
        validateWorkCalendar({
          utcOffsetMinutes: 'x',
          workdays: [0, 8],
          hours: [{ start: '13:00', end: '12:00' }, { start: '9:00' }],
          holidays: ['2026-13-01'],
        }),
      ),
    ).toEqual({
      ok: false,
      errors: [
        'utcOffsetMinutes must be a number between -840 and 840',
        'workdays must be a list of ISO weekdays 1–7',
        'hours[0] must end after it starts and after the previous period',
        'hours[1] needs start and end as HH:MM',
        'holidays must be a list of YYYY-MM-DD dates',
        'makeupWorkdays must be a list of YYYY-MM-DD dates',
      ],
    });
    expect(worded(validateWorkCalendar({ ...CAL, makeupWorkdays: ['2026-05-09', '2026-05-04'] }))).toEqual({
      ok: false,
      errors: ['makeupWorkdays 2026-05-04 is also a holiday'],
    });
  });
});

describe('SLA spans', () => {
  const start = beijing(2026, 3, 13, 16);
  it.each<[string, number]>([
    ['15m', start + 15 * 60_000],
    ['2h', start + 2 * H],
    ['1d', start + 24 * H],
    ['2wh', beijing(2026, 3, 16, 9, 30)],
    ['1wd', beijing(2026, 3, 16, 16)],
    ['1.5h', start + 1.5 * H],
  ])('%s after Friday 16:00', (span, expected) => expect(addSpan(start, span, CAL)).toBe(expected));

  it.each(['', '5', 'm', '0m', '-1h', '2w', '3 wd', 7])('%j is not a span', (span) => {
    expect(isValidSpan(span)).toBe(false);
  });

  it('picks the category row, then the * row, then the built-in default', () => {
    const entries: SlaEntry[] = [
      { category: 'fire_safety', severity: 'critical', sla: { ...DEFAULT_SLAS.critical, accept: '5m' } },
      { category: '*', severity: 'critical', sla: { ...DEFAULT_SLAS.critical, accept: '20m' } },
    ];
    expect(pickSla(entries, 'fire_safety', 'critical').accept).toBe('5m');
    expect(pickSla(entries, 'flood', 'critical').accept).toBe('20m');
    expect(pickSla(entries, 'flood', 'info')).toEqual(DEFAULT_SLAS.info);
  });

  it('validates an SLA, listing every problem', () => {
    expect(validateSla(DEFAULT_SLAS.warning)).toEqual({ ok: true, sla: DEFAULT_SLAS.warning });
    expect(worded(validateSla({ accept: '5x', arrive: '1h', repeatEveryMinutes: 0 }))).toEqual({
      ok: false,
      errors: [
        'accept must be a span like 15m, 2h, 1d, 4wh or 3wd',
        'resolve must be a span like 15m, 2h, 1d, 4wh or 3wd',
        'repeatEveryMinutes must be a number of minutes ≥ 1',
        'escalateEveryMinutes must be a number of minutes ≥ 1',
      ],
    });
  });
});
