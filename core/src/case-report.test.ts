import { describe, expect, it } from 'vitest';
import { assessPlace, assessUnits } from './assessment';
import { DEFAULT_ASSESSMENT_SCHEME } from './assessment-scheme';
import { DEFAULT_WORK_CALENDAR } from './case-calendar';
import {
  buildReport,
  isReportedPeriod,
  lastWholePeriod,
  reportCsv,
  type ReportCase,
  type ReportKind,
} from './case-report';
import type { AssigneeSegment } from './case-segments';
import { beijing } from './case-test-fixture';

const H = 3_600_000;

describe('lastWholePeriod (the period a report covers, in local time UTC+8)', () => {
  it.each([
    // Tuesday 2026-03-10 01:00: yesterday, last Monday–Sunday, last month
    {
      kind: 'day',
      at: beijing(2026, 3, 10, 1),
      key: '2026-03-09',
      from: beijing(2026, 3, 9),
      to: beijing(2026, 3, 10),
    },
    {
      kind: 'week',
      at: beijing(2026, 3, 10, 1),
      key: '2026-03-02',
      from: beijing(2026, 3, 2),
      to: beijing(2026, 3, 9),
    },
    // Monday just after midnight: the week that just ended
    {
      kind: 'week',
      at: beijing(2026, 3, 9, 0, 30),
      key: '2026-03-02',
      from: beijing(2026, 3, 2),
      to: beijing(2026, 3, 9),
    },
    // Sunday late evening: the week before, not the one still running
    {
      kind: 'week',
      at: beijing(2026, 3, 8, 23),
      key: '2026-02-23',
      from: beijing(2026, 2, 23),
      to: beijing(2026, 3, 2),
    },
    {
      kind: 'month',
      at: beijing(2026, 3, 1, 0, 10),
      key: '2026-02',
      from: beijing(2026, 2, 1),
      to: beijing(2026, 3, 1),
    },
    // across the year; 23:30 UTC on 2026-01-14 is already the 15th in Beijing
    {
      kind: 'month',
      at: Date.UTC(2026, 0, 14, 23, 30),
      key: '2025-12',
      from: beijing(2025, 12, 1),
      to: beijing(2026, 1, 1),
    },
    {
      kind: 'day',
      at: Date.UTC(2026, 0, 14, 23, 30),
      key: '2026-01-14',
      from: beijing(2026, 1, 14),
      to: beijing(2026, 1, 15),
    },
  ] as { kind: ReportKind; at: number; key: string; from: number; to: number }[])(
    '$kind at $at → $key',
    ({ kind, at, key, from, to }) => {
      expect(lastWholePeriod(kind, at, DEFAULT_WORK_CALENDAR)).toEqual({ kind, key, from, to });
    },
  );

  it.each([
    { name: 'a working Monday gets its 日点评', day: beijing(2026, 3, 9), reported: true },
    { name: 'a Sunday does not', day: beijing(2026, 3, 8), reported: false },
    { name: 'a holiday does not', day: beijing(2026, 4, 6), holidays: ['2026-04-06'], reported: false },
    {
      name: 'a weekend day worked in exchange does',
      day: beijing(2026, 3, 7),
      makeup: ['2026-03-07'],
      reported: true,
    },
  ])('$name', ({ day, holidays, makeup, reported }) => {
    const calendar = { ...DEFAULT_WORK_CALENDAR, holidays: holidays ?? [], makeupWorkdays: makeup ?? [] };
    expect(isReportedPeriod(lastWholePeriod('day', day + 25 * H, calendar), calendar)).toBe(reported);
  });

  it('weeks and months are always reported', () => {
    const sunday = beijing(2026, 3, 8, 12);
    expect(
      isReportedPeriod(lastWholePeriod('week', sunday, DEFAULT_WORK_CALENDAR), DEFAULT_WORK_CALENDAR),
    ).toBe(true);
    expect(
      isReportedPeriod(lastWholePeriod('month', sunday, DEFAULT_WORK_CALENDAR), DEFAULT_WORK_CALENDAR),
    ).toBe(true);
  });
});

describe('buildReport (日点评: totals, rates, slowest units, 督办 cases, warnings)', () => {
  const day = lastWholePeriod('day', beijing(2026, 3, 10, 1), DEFAULT_WORK_CALENDAR);
  const at = (hours: number) => day.from + hours * H;
  const segment = (personId: string, extra: Partial<AssigneeSegment>): AssigneeSegment => ({
    personId,
    departmentId: null,
    dispatchedAt: at(9),
    acceptDueAt: at(10),
    acceptedAt: at(9.5),
    respondedOnTime: true,
    redo: false,
    endedAt: null,
    end: null,
    resolveDueAt: at(12),
    delayMs: 0,
    ...extra,
  });
  const reportCase = (id: string, gridId: string, extra: Partial<ReportCase>): ReportCase => ({
    id,
    title: `case ${id}`,
    gridId,
    openedAt: at(9),
    resolvedAt: null,
    resolvedOnTime: null,
    resolveDueAt: at(12),
    pausedAt: null,
    satisfaction: null,
    reporterId: null,
    supervisedAt: null,
    supervisionReason: null,
    source: 'auto',
    closeReason: null,
    segments: [],
    solved: null,
    ...extra,
  });
  const cases = [
    reportCase('a', 'g1', {
      resolvedAt: at(11),
      resolvedOnTime: true,
      segments: [segment('w1', { end: 'resolved', endedAt: at(11) })],
    }),
    // resolved 3 h late, under 督办 since 13:00
    reportCase('b', 'g2', {
      resolvedAt: at(15),
      resolvedOnTime: false,
      supervisedAt: at(13),
      supervisionReason: '群众反映强烈',
      segments: [segment('w2', { end: 'resolved', endedAt: at(15), delayMs: 3 * H })],
    }),
    // still open at the report (hour 25): 13 h late
    reportCase('c', 'g2', { segments: [segment('w3', { delayMs: 13 * H })] }),
    reportCase('d', 'g1', { closeReason: 'duplicate' }),
  ];
  const placeOf = (c: { gridId: string }, level: 'grid' | 'community' | 'street') =>
    level === 'grid' ? c.gridId : level === 'community' ? 'cm1' : 's1';
  const report = buildReport({
    period: day,
    regionId: 's1',
    regionFigures: assessPlace('street', 's1', cases, at(25)),
    units: assessUnits(cases, placeOf, at(25)),
    cases,
    warnings: [
      { id: 1, kind: 'surge', category: 'fire', regionId: 'g1', detectedAt: at(10) },
      { id: 2, kind: 'surge', category: 'fire', regionId: 'g1', detectedAt: at(-2) },
    ],
    scheme: DEFAULT_ASSESSMENT_SCHEME,
    generatedAt: at(25),
    slowestCount: 2,
  });

  it('totals leave the duplicate out and count it apart', () => {
    expect(report.totals).toEqual({
      opened: 3,
      resolved: 2,
      overdue: 2,
      supervised: 1,
      excluded: { duplicate: 1 },
    });
    expect(report.rates.onTimeResolutionRate).toEqual({ numerator: 1, denominator: 3, value: 1 / 3 });
  });

  it('names the slowest units per level, most delay first, at most slowestCount', () => {
    expect(report.slowest.worker).toEqual([
      { key: 'w3', delayMs: 13 * H, overdue: 1 },
      { key: 'w2', delayMs: 3 * H, overdue: 1 },
    ]);
    expect(report.slowest.grid).toEqual([{ key: 'g2', delayMs: 16 * H, overdue: 2 }]);
  });

  it('lists the 督办 cases and the warnings of the period only', () => {
    expect(report.supervisedCases).toEqual([
      { id: 'b', title: 'case b', gridId: 'g2', supervisedAt: at(13), reason: '群众反映强烈' },
    ]);
    expect(report.warnings.map((w) => w.id)).toEqual([1]);
  });

  it('ranks the units and writes them as CSV with names, disarming a name a spreadsheet would run', () => {
    expect(report.units.worker.map((w) => [w.key, w.rank])).toEqual([
      ['w1', 1], // 100: both its rates full
      ['w3', 2], // (100·30 + 0·30)/60 = 50, − 2 overdue = 48
      ['w2', 3], // 50 − 2 overdue − 5 督办 while it held the case = 43
    ]);
    const csv = reportCsv(report, { w1: '张三', g1: '=cmd' }).split('\r\n');
    expect(csv[0]).toBe(
      'level,rank,unit,name,score,counted,response_rate_pct,on_time_rate_pct,solved_rate_pct,satisfaction_rate_pct,mtta_h,mttr_h,overdue,delay_h,returns,supervised,patrol_found',
    );
    expect(csv).toContain("grid,1,g1,'=cmd,100,1,100.0,100.0,,,0.50,2.00,0,0.00,0,0,0");
    expect(csv).toContain('worker,1,w1,张三,100,1,100.0,100.0,,,0.50,2.00,0,0.00,0,0,0');
    expect(csv.at(-1)).toBe('');
  });
});
