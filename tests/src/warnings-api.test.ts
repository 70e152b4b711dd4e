import type { CaseDetailView } from '@gridsense/core';
import type { EarlyWarningView } from '@gridsense/core/early-warning';
import { listRegions } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEarlyWarningPass } from '@gridsense/alerts';
import { seedCaseHistory, weeklyCases } from '../../alerts/src/testing/case-history';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

const HOUR = 3_600_000;

/**
 * 预警 over HTTP: a surge in G01's community (C1) and one in G07's (C3) found by a pass, listed
 * to each person within their region, acknowledged with a note, and turned into a case that the
 * warning links to.
 */
describe.each(stateDialects())('/api/warnings (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let sup1: ApiClient;
  let worker: ApiClient;
  let clock = Date.UTC(2026, 2, 10, 2);

  beforeAll(async () => {
    env = await startTestPlatform({ dialect, now: () => clock });
    const db = await env.openState();
    try {
      // The pass at start has the first hour's slot; this one runs in the next.
      clock += HOUR;
      await seedCaseHistory(db, [
        ...weeklyCases({
          prefix: 'in',
          category: 'fire_safety',
          gridId: 'G01',
          now: clock,
          weeks: 8,
          perWeek: 2,
          lastWeek: 9,
        }),
        ...weeklyCases({
          prefix: 'out',
          category: 'flood',
          gridId: 'G07',
          now: clock,
          weeks: 8,
          perWeek: 2,
          lastWeek: 9,
        }),
      ]);
      expect(
        await runEarlyWarningPass(db, await listRegions(db), clock, { processId: 'test' }),
      ).not.toBeUndefined();
    } finally {
      await db.destroy();
    }
    // Signed in after the clock moved on, so the sessions are fresh.
    [op, sup1, worker] = [await env.login('op1'), await env.login('sup1'), await env.login('worker01')];
  }, 120_000);
  afterAll(async () => env?.stop());

  const list = async (client: ApiClient, query = '') => {
    const answer = await client.call<EarlyWarningView[]>('GET', `/api/warnings${query}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };
  const c1Surge = async () => (await list(op)).find((w) => w.kind === 'surge' && w.regionId === 'C1')!;

  it('lists warnings within the person’s region, with their evidence; grid workers get 403', async () => {
    const all = await list(op);
    expect(
      all
        .filter((w) => w.kind === 'surge')
        .map((w) => w.regionId)
        .sort(),
    ).toEqual(['C1', 'C3', 'S1', 'S2']);
    const surge = await c1Surge();
    expect(surge).toMatchObject({ category: 'fire_safety', state: 'open' });
    expect(surge.evidence).toMatchObject({ observed: 9, baseline: 2, windowDays: 7 });
    expect(surge.evidence.pValue).toBeLessThan(0.01);
    expect((await list(sup1)).map((w) => w.regionId)).toEqual(['C1']);
    expect((await worker.call('GET', '/api/warnings')).status).toBe(403);
    expect((await op.call('GET', '/api/warnings?state=closed')).status).toBe(400);
  });

  it('acknowledges with a note; a second time is a conflict; outside the region, not found', async () => {
    const outside = (await list(op)).find((w) => w.regionId === 'C3')!;
    expect((await sup1.call('POST', `/api/warnings/${outside.id}/acknowledge`, { note: 'x' })).status).toBe(
      404,
    );
    const answer = await op.call<EarlyWarningView>('POST', `/api/warnings/${outside.id}/acknowledge`, {
      note: '汛期正常波动',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({
      state: 'acknowledged',
      acknowledgedById: 'u-op1',
      note: '汛期正常波动',
    });
    expect(answer.body.acknowledgedAt).toBe(clock);
    expect((await op.call('POST', `/api/warnings/${outside.id}/acknowledge`, {})).status).toBe(409);
    expect((await list(op, '?state=open')).some((w) => w.id === outside.id)).toBe(false);
  });

  it('turns a warning into a case through the intake; the warning links to it', async () => {
    const surge = await c1Surge();
    const answer = await sup1.call<EarlyWarningView>('POST', `/api/warnings/${surge.id}/case`, {
      title: '江城社区消防件激增',
      severity: 'warning',
    });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ state: 'case_opened', caseOpenedById: 'u-sup1' });
    const detail = await sup1.call<CaseDetailView>('GET', `/api/cases/${answer.body.caseId!}`);
    expect(detail.status).toBe(200);
    expect(detail.body.case).toMatchObject({
      title: '江城社区消防件激增',
      category: 'fire_safety',
      gridId: 'G01',
    });
    expect((await sup1.call('POST', `/api/warnings/${surge.id}/case`, {})).status).toBe(409);
    expect((await op.call('POST', '/api/warnings/999999/case', {})).status).toBe(404);
    expect((await op.call('POST', `/api/warnings/${surge.id}/case`, { severity: 'huge' })).status).toBe(400);
  });
});
