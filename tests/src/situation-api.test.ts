import type { CaseStatsView, SeriesPoint } from '@gridsense/core';
import type { EarlyWarningView } from '@gridsense/core/early-warning';
import type { SituationView } from '@gridsense/core/situation';
import { stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

const DAY = 86_400_000;
const STREET_OF = (gridId: string) => (Number(gridId.slice(1)) <= 6 ? 'S1' : 'S2');

/**
 * 态势 over HTTP on a fresh demo start with 90 days of history: per street counts that match the
 * stored cases, this month against last, the warnings the start-up pass found in the history,
 * every device counted; each reader within their own region; and charts and analytics over
 * ranges up to a year, a longer one refused with a 400.
 */
describe.each(stateDialects())('GET /api/situation on the demo history (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let sup1: ApiClient;
  const clock = Date.now();
  let startMs = 0;

  beforeAll(async () => {
    const started = performance.now();
    env = await startTestPlatform({ dialect, now: () => clock, env: { GRIDSENSE_DEMO_HISTORY_DAYS: '90' } });
    startMs = performance.now() - started;
    console.info(`platform start with 90 days of demo history (${dialect}): ${Math.round(startMs)} ms`);
    [op, sup1] = [await env.login('op1'), await env.login('sup1')];
  }, 120_000);
  afterAll(async () => env?.stop());

  const situation = async (client: ApiClient, query = '') => {
    const answer = await client.call<SituationView>('GET', `/api/situation${query}`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  };

  it('counts open, supervised and today’s cases per street as stored, and devices by report state', async () => {
    // The early-warning pass at start runs beside the first requests: wait for what it finds.
    let view = await situation(op);
    for (let tries = 0; view.warnings.open < 2 && tries < 50; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      view = await situation(op);
    }
    // The deadline ticker's first pass may still be escalating (and supervising) overdue cases:
    // compare with the stored cases once two reads around the database read agree.
    const db = await env.openState();
    try {
      for (let tries = 0; ; tries++) {
        const rows = await db
          .selectFrom('cases')
          .select(['grid_id', 'state', 'supervised_at', 'opened_at'])
          .execute();
        const again = await situation(op);
        if (JSON.stringify(again.rows) !== JSON.stringify(view.rows) && tries < 10) {
          view = again;
          continue;
        }
        for (const street of ['S1', 'S2']) {
          const mine = rows.filter((r) => STREET_OF(r.grid_id) === street);
          const open = mine.filter((r) => r.state !== 'closed');
          expect(view.rows.find((r) => r.id === street)).toMatchObject({
            open: open.length,
            supervised: open.filter((r) => r.supervised_at !== null).length,
            openedToday: mine.filter((r) => Number(r.opened_at) >= view.todayFrom).length,
          });
        }
        break;
      }
    } finally {
      await db.destroy();
    }
    expect(view.rows.map((r) => r.name)).toEqual(['望江街道', '湖滨街道']);
    expect(view.total.open).toBeGreaterThan(0);
    expect(view.total.overdue).toBeGreaterThan(0);
    expect(view.total.overdue).toBeLessThanOrEqual(view.total.open);
    // The simulator is off: every seeded device is counted, none has reported yet.
    expect(view.total.devices.never).toBe(env.devices.length);
    expect(view.thisMonth.opened + view.lastMonth.opened).toBeGreaterThan(100);
    expect(view.lastMonth.responseRate.value).not.toBeNull();
    // The history's stories: 市容 surging in 东坡社区, gas at one address in 江城社区.
    // 重点场所 at the level the places page shows for each.
    const places = await op.call<{ gridId: string; assessment: { level: 'green' | 'yellow' | 'red' } }[]>(
      'GET',
      '/api/places',
    );
    expect(places.status).toBe(200);
    for (const level of ['green', 'yellow', 'red'] as const)
      expect(view.total.places[level], level).toBe(
        places.body.filter((p) => p.assessment.level === level).length,
      );
    const warnings = await op.call<EarlyWarningView[]>('GET', '/api/warnings?state=open');
    expect(warnings.body.map((w) => w.kind)).toEqual(expect.arrayContaining(['surge', 'recurrence']));
    expect(view.warnings.open).toBe(warnings.body.length);
    expect(view.warnings.latest.length).toBe(Math.min(5, warnings.body.length));
  });

  it('counts overdue exactly as analytics does over the whole history', async () => {
    const view = await situation(op);
    const stats = await op.call<CaseStatsView>(
      'GET',
      `/api/analytics/cases?from=${clock - 365 * DAY}&to=${clock + 1}`,
    );
    expect(stats.status).toBe(200);
    expect(stats.body.overdue).toBe(view.total.overdue);
    const month = await op.call<CaseStatsView>('GET', '/api/analytics/cases');
    expect(month.body.opened).toBeGreaterThan(250);
    expect(month.body.trend.length).toBeGreaterThanOrEqual(29);
  });

  it('shows a community supervisor their own community only; other regions read as absent', async () => {
    const view = await situation(sup1);
    expect(view.regionId).toBe('C1');
    expect(view.rows.map((r) => r.id)).toEqual(['S1']);
    const all = await situation(op);
    expect(view.total.open).toBeLessThan(all.rows.find((r) => r.id === 'S1')!.open);
    expect((await situation(op, '?regionId=S2')).rows.map((r) => r.id)).toEqual(['S2']);
    for (const regionId of ['S2', 'D1', 'C3', 'G07', 'nowhere'])
      expect((await sup1.call('GET', `/api/situation?regionId=${regionId}`)).status, regionId).toBe(404);
    expect((await op.call('GET', '/api/situation?regionId=a%20b')).status).toBe(400);
    expect((await op.call('GET', '/api/situation?regionId=S1&regionId=S2')).status).toBe(400);
    const worker = await env.login('worker01');
    expect((await worker.call('GET', '/api/situation')).status).toBe(403);
  });

  it('charts the history over 90 days and a year from the rollups; more than a year is a 400', async () => {
    const series = async (from: number, windowMs: number) =>
      op.call<SeriesPoint[]>(
        'GET',
        `/api/grids/G01/series?metric=smoke&from=${from}&to=${clock}&windowMs=${windowMs}&agg=max`,
      );
    const quarter = await series(clock - 90 * DAY, 6 * 3_600_000);
    expect(quarter.status).toBe(200);
    expect(quarter.body.length).toBeGreaterThan(350);
    const year = await series(clock - 365 * DAY, DAY);
    expect(year.status).toBe(200);
    expect(year.body.length).toBeGreaterThanOrEqual(90);
    expect(year.body.length).toBeLessThanOrEqual(92);
    const tooLong = await series(clock - 400 * DAY, DAY);
    expect(tooLong.status).toBe(400);
    expect(JSON.stringify(tooLong.body)).toContain('at most a year apart');
    const analyticsTooLong = await op.call(
      'GET',
      `/api/analytics/cases?from=${clock - 400 * DAY}&to=${clock}`,
    );
    expect(analyticsTooLong.status).toBe(400);
    expect((await op.call('GET', `/api/analytics/cases?from=${clock}&to=${clock - DAY}`)).status).toBe(400);
    expect((await op.call('GET', '/api/analytics/cases?from=yesterday')).status).toBe(400);
  });
});
