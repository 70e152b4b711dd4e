import { describe, expect, it } from 'vitest';
import type { Breakdown, Rate } from '@gridsense/core';
import {
  breakdownCsv,
  breakdownHref,
  formatRate,
  heatOf,
  localDay,
  periodRange,
  rowOnTimeRate,
  trendColumns,
} from '../client/src/lib/analytics';
import { filtersFromHash } from '../client/src/lib/case-list-query';
import { navFor, parseHash } from '../client/src/lib/routes';

const DAY = 86_400_000;
const row = (key: string, opened: number, resolved: number, onTime: number, overdue: number): Breakdown => ({
  key,
  opened,
  resolved,
  resolvedOnTime: onTime,
  overdue,
  pastResolveDue: overdue,
});

describe('analytics helpers', () => {
  it.each<[Rate, string]>([
    [{ numerator: 7, denominator: 8, value: 0.875 }, '87.5%'],
    [{ numerator: 1, denominator: 3, value: 1 / 3 }, '33.3%'],
    [{ numerator: 2, denominator: 2, value: 1 }, '100.0%'],
    [{ numerator: 0, denominator: 0, value: null }, '—'],
  ])('formats %o as %s', (rate, text) => {
    expect(formatRate(rate)).toBe(text);
  });

  it('rates a row on time over resolved or overdue, and nothing to count as null', () => {
    expect(rowOnTimeRate(row('G1', 5, 3, 2, 1))).toEqual({ numerator: 2, denominator: 4, value: 0.5 });
    expect(rowOnTimeRate(row('G1', 2, 0, 0, 0)).value).toBeNull();
  });

  it('heats the busiest grid to 1, overdue weighing double, and all-quiet to 0', () => {
    const rows = [row('a', 4, 0, 0, 1), row('b', 2, 0, 0, 0), row('c', 0, 0, 0, 0)];
    expect(rows.map((r) => heatOf(r, rows))).toEqual([1, 2 / 6, 0]);
    expect(heatOf(rows[2]!, [rows[2]!])).toBe(0);
  });

  it('links a breakdown row to the case list filtered the same way, its overdue count to the overdue cases', () => {
    const period = { from: new Date(2026, 10, 1, 9).getTime(), to: new Date(2026, 10, 30, 18).getTime() };
    expect(filtersFromHash(breakdownHref('grid', 'G01', period)!)).toMatchObject({
      gridId: 'G01',
      state: 'all',
      overdueOnly: false,
      from: '2026-11-01',
      to: '2026-11-30',
    });
    expect(filtersFromHash(breakdownHref('worker', 'u-worker01', period, true)!)).toMatchObject({
      assignee: 'u-worker01',
      state: 'open',
      overdueOnly: true,
    });
    expect(filtersFromHash(breakdownHref('category', 'fire_safety', period)!).category).toBe('fire_safety');
    expect(breakdownHref('department', 'dept-fire', period)).toBeNull();
  });

  it('writes CSV with a BOM, CRLF, names for ids and quoted commas', () => {
    const csv = breakdownCsv(['名称', 'n'], [row('G1', 2, 1, 1, 0), row('G2', 1, 0, 0, 1)], {
      G1: '江城,第1网格',
    });
    expect(csv).toBe('\uFEFF名称,n\r\n"江城,第1网格",2,1,1,0,100.0%\r\nG2,1,0,0,1,0.0%\r\n');
  });

  it('spans the period by local (UTC+8) day, filling days without cases with zeros', () => {
    const from = Date.parse('2026-11-20T10:00:00+08:00');
    const to = from + 2 * DAY;
    expect(localDay(Date.parse('2026-11-20T23:30:00+08:00'))).toBe('2026-11-20');
    expect(localDay(Date.parse('2026-11-21T00:30:00+08:00'))).toBe('2026-11-21');
    const [xs, opened, resolved] = trendColumns(
      [{ day: '2026-11-21', opened: 3, resolved: 1, closed: 0 }],
      from,
      to,
    );
    expect(xs).toEqual(
      ['2026-11-20', '2026-11-21', '2026-11-22'].map((d) => Date.parse(`${d}T00:00:00+08:00`) / 1000),
    );
    expect(opened).toEqual([0, 3, 0]);
    expect(resolved).toEqual([0, 1, 0]);
  });

  it.each([
    ['day', 1],
    ['week', 7],
    ['month', 30],
  ] as const)('a %s report covers %i days up to now', (period, days) => {
    expect(periodRange(period, 10 * 30 * DAY)).toEqual({
      from: 10 * 30 * DAY - days * DAY,
      to: 10 * 30 * DAY,
    });
  });
});

describe('analytics and audit routes', () => {
  it('parses the new hashes', () => {
    expect(parseHash('#/analytics')).toEqual({ name: 'analytics' });
    expect(parseHash('#/audit/')).toEqual({ name: 'audit' });
    expect(parseHash('#/audit/x')).toMatchObject({ name: 'not_found' });
    expect(parseHash('#/rules')).toEqual({ name: 'rules' });
    expect(parseHash('#/report')).toEqual({ name: 'report' });
    expect(parseHash('#/admin')).toEqual({ name: 'admin' });
    expect(parseHash('#/hotline')).toEqual({ name: 'hotline' });
    expect(parseHash('#/warnings')).toEqual({ name: 'warnings' });
    expect(parseHash('#/devices')).toEqual({ name: 'devices' });
    expect(parseHash('#/devices/SMK-1')).toEqual({ name: 'device', id: 'SMK-1' });
    expect(parseHash('#/rules/smoke-high')).toEqual({ name: 'rule', id: 'smoke-high' });
  });

  it.each([
    [
      'admin',
      [
        'map',
        'situation',
        'cases',
        'register',
        'warnings',
        'places',
        'analytics',
        'assessment',
        'ratings',
        'reports',
        'audit',
        'rules',
        'devices',
        'regions',
        'people',
        'admin',
      ],
    ],
    [
      'operator',
      [
        'map',
        'situation',
        'cases',
        'register',
        'warnings',
        'places',
        'hotline',
        'analytics',
        'assessment',
        'ratings',
        'reports',
        'audit',
      ],
    ],
    [
      'supervisor',
      [
        'map',
        'situation',
        'cases',
        'register',
        'warnings',
        'places',
        'hotline',
        'analytics',
        'assessment',
        'ratings',
        'reports',
      ],
    ],
    ['engineer', ['map', 'cases', 'places', 'rules', 'devices']],
    ['grid_worker', ['my', 'report', 'cases', 'places']],
    ['handler', ['my', 'cases', 'ratings']],
  ] as const)('gives %s the nav %o', (role, items) => {
    expect(navFor(role)).toEqual(items);
  });
});
