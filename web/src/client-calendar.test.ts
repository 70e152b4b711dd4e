import { describe, expect, it } from 'vitest';
import { hoursText, weekdayOf, withDate } from '../client/src/lib/calendar-dates';

describe('the working calendar form helpers', () => {
  it('numbers weekdays as the calendar does, Monday 1 … Sunday 7', () => {
    expect(weekdayOf('2026-10-01')).toBe(4);
    expect(weekdayOf('2026-10-10')).toBe(6);
    expect(weekdayOf('2026-10-11')).toBe(7);
  });

  it('adds a date once, keeping the list in date order', () => {
    expect(withDate(['2026-10-01', '2026-12-31'], '2026-11-11')).toEqual([
      '2026-10-01',
      '2026-11-11',
      '2026-12-31',
    ]);
    expect(withDate(['2026-10-01'], '2026-10-01')).toEqual(['2026-10-01']);
  });

  it('writes the working periods in one line', () => {
    expect(
      hoursText([
        { start: '09:00', end: '12:00' },
        { start: '13:30', end: '17:30' },
      ]),
    ).toBe('09:00–12:00, 13:30–17:30');
  });
});
