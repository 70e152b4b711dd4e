import {
  DEFAULT_ASSESSMENT_SCHEME,
  type AccountableUnit,
  type ReportContent,
  type ReportPeriod,
} from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import {
  claimReport,
  getAssessmentScheme,
  getReport,
  listReports,
  saveAssessmentScheme,
  saveReportContent,
} from './assessment.repository';
import type { StateDb } from './database';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

const NOW = Date.UTC(2026, 2, 10, 0);
const MINUTE = 60_000;
const DAY: ReportPeriod = { kind: 'day', key: '2026-03-09', from: NOW - 86_400_000, to: NOW };

const units = () =>
  Object.fromEntries(
    (['grid', 'worker', 'department', 'community', 'street'] as AccountableUnit[]).map((l) => [l, []]),
  ) as unknown as ReportContent['units'];
const content = (regionId: string, period = DAY): ReportContent => {
  const rate = { numerator: 0, denominator: 0, value: null };
  return {
    period,
    regionId,
    generatedAt: NOW,
    totals: { opened: 0, resolved: 0, overdue: 0, supervised: 0, excluded: {} },
    rates: {
      responseRate: rate,
      onTimeResolutionRate: rate,
      solvedRate: rate,
      satisfactionRate: rate,
      mttaMs: null,
      mttrMs: null,
    },
    units: units(),
    slowest: units() as unknown as ReportContent['slowest'],
    supervisedCases: [],
    warnings: [],
  };
};

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('assessment schemes and reports on %s', (dialect) => {
  async function fresh(): Promise<StateDb> {
    const db = await openTestStateDb(dialect);
    open.push(db);
    return db;
  }

  it('keeps every scheme saved; the newest is the one in force', async () => {
    const db = await fresh();
    expect(await getAssessmentScheme(db)).toBeUndefined();
    await saveAssessmentScheme(db, DEFAULT_ASSESSMENT_SCHEME, 'u-admin', NOW);
    const heavier = { ...DEFAULT_ASSESSMENT_SCHEME, supervisedPenalty: 50 };
    await saveAssessmentScheme(db, heavier, 'u-admin2', NOW + MINUTE);
    expect(await getAssessmentScheme(db)).toEqual({
      scheme: heavier,
      savedById: 'u-admin2',
      savedAt: NOW + MINUTE,
    });
  });

  it('one claim per (kind, period, region); a stale claim is taken over, a made report never', async () => {
    const db = await fresh();
    const claim = (by: string, at: number, regionId = 'S1') =>
      claimReport(db, DAY, regionId, { by, at, staleMs: 10 * MINUTE });
    expect(await claim('alerts-1', NOW)).toBe(true);
    expect(await claim('alerts-2', NOW + MINUTE)).toBe(false);
    expect(await claim('alerts-2', NOW, 'S2')).toBe(true);
    // Claimed but not made: invisible to readers.
    expect(await listReports(db, { regionIds: ['S1', 'S2'], limit: 10 })).toEqual([]);
    // alerts-1 died; after ten minutes alerts-2 takes S1 over, and alerts-1 can no longer save it.
    expect(await claim('alerts-2', NOW + 11 * MINUTE)).toBe(true);
    expect(await saveReportContent(db, content('S1'), 'alerts-1')).toBeUndefined();
    const id = await saveReportContent(db, content('S1'), 'alerts-2');
    expect(id).toBeGreaterThan(0);
    expect(await saveReportContent(db, content('S1'), 'alerts-2')).toBeUndefined();
    expect(await claim('alerts-3', NOW + 60 * MINUTE)).toBe(false);
    expect(await getReport(db, id!)).toMatchObject({
      id,
      kind: 'day',
      periodKey: '2026-03-09',
      regionId: 'S1',
      from: DAY.from,
      to: DAY.to,
      generatedAt: NOW,
      content: content('S1'),
    });
  });

  it('lists made reports of the given regions and kind, newest period first', async () => {
    const db = await fresh();
    const make = async (period: ReportPeriod, regionId: string) => {
      expect(await claimReport(db, period, regionId, { by: 'p', at: NOW, staleMs: MINUTE })).toBe(true);
      return (await saveReportContent(db, content(regionId, period), 'p'))!;
    };
    const week: ReportPeriod = {
      kind: 'week',
      key: '2026-03-02',
      from: DAY.from - 7 * 86_400_000,
      to: DAY.from,
    };
    const dayS1 = await make(DAY, 'S1');
    const weekS1 = await make(week, 'S1');
    await make(DAY, 'S2');
    expect((await listReports(db, { regionIds: ['S1'], limit: 10 })).map((r) => r.id)).toEqual([
      dayS1,
      weekS1,
    ]);
    expect(
      (await listReports(db, { regionIds: ['S1', 'S2'], kind: 'week', limit: 10 })).map((r) => r.id),
    ).toEqual([weekS1]);
    expect(await listReports(db, { regionIds: [], limit: 10 })).toEqual([]);
    expect(await getReport(db, 999_999)).toBeUndefined();
  });
});
