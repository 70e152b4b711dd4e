import { describe, expect, it } from 'vitest';
import { planSegments } from './influx-ranges';

const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const HOUR = 3_600_000;
const rel = (segments: ReturnType<typeof planSegments>) =>
  segments.map(
    (s) =>
      `${s.source === 'raw' ? 'raw' : s.source === MIN ? '1m' : '1h'} ${(s.from - T0) / MIN}…${(s.until - T0) / MIN}`,
  );

describe('planSegments', () => {
  const rolledUp = { through: T0 + 3 * HOUR, stale: new Set<number>() };

  it('reads whole hours from hour rollups, whole minutes at the edges, raw rows inside edge minutes', () => {
    expect(rel(planSegments(T0 + 30 * MIN + 30_000, T0 + 2 * HOUR + 90_000, HOUR, rolledUp))).toEqual([
      'raw 30.5…31',
      '1m 31…60',
      '1h 60…120',
      '1m 120…121',
      'raw 121…121.5',
    ]);
  });

  it('uses minute rollups only when windows are whole minutes, and none for other windows', () => {
    expect(rel(planSegments(T0, T0 + 2 * HOUR, 5 * MIN, rolledUp))).toEqual(['1m 0…120']);
    expect(rel(planSegments(T0, T0 + 2 * HOUR, 30_000, rolledUp))).toEqual(['raw 0…120']);
  });

  it('reads raw rows where minutes are not rolled up yet or went stale', () => {
    const coverage = { through: T0 + HOUR + 10 * MIN, stale: new Set([T0 + 5 * MIN]) };
    expect(rel(planSegments(T0, T0 + 2 * HOUR, HOUR, coverage))).toEqual([
      '1m 0…5',
      'raw 5…6',
      '1m 6…70',
      'raw 70…120',
    ]);
    expect(rel(planSegments(T0, T0 + HOUR, HOUR, { through: -Infinity, stale: new Set() }))).toEqual([
      'raw 0…60',
    ]);
  });
});
