import { AppError } from '@gridsense/core';
import { findCase, listWarnings } from '@gridsense/state';
import { openTestStateDbAgain, stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCaseHistory, weeklyCases } from './testing/case-history';
import { beijing, prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from './testing/case-env';

const HOUR = 3_600_000;
const NOW = beijing(2026, 3, 10, 10);

/** Eight steady weeks of 3 fire-safety cases in G01 (community C1, street S1), then 12 in the last week. */
const SURGE = weeklyCases({
  prefix: 'hist',
  category: 'fire_safety',
  gridId: 'G01',
  now: NOW,
  weeks: 8,
  perWeek: 3,
  lastWeek: 12,
});

describe.each(stateDialects())('early warnings in the alerts service on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const envs: CaseEnv[] = [];
  afterEach(async () => {
    for (const env of envs.splice(0).reverse()) await env.stop();
  });
  async function start(): Promise<CaseEnv> {
    const env = await startCaseEnv({ dialect, start: NOW });
    envs.push(env);
    await seedCaseHistory(env.db, SURGE);
    return env;
  }

  it('a pass finds the surge with its evidence; the next hour’s pass repeats nothing', async () => {
    const env = await start();
    const found = await env.alerts.warnings.pass();
    const surges = found!.filter((w) => w.kind === 'surge');
    expect(surges.map((w) => w.regionId).sort()).toEqual(['C1', 'S1']);
    const c1 = surges.find((w) => w.regionId === 'C1')!;
    expect(c1).toMatchObject({ category: 'fire_safety', state: 'open', detectedAt: NOW });
    expect(c1.evidence).toMatchObject({ observed: 12, baseline: 3, windowDays: 7 });
    expect(c1.evidence.pValue).toBeLessThan(0.001);
    expect(c1.evidence.caseIds).toEqual(SURGE.slice(-12).map((c) => c.id));

    // The same hour again: the slot is taken.
    expect(await env.alerts.warnings.pass()).toBeUndefined();
    env.clock.set(NOW + HOUR);
    expect(await env.alerts.warnings.pass()).toEqual([]);
    expect((await listWarnings(env.db)).filter((w) => w.kind === 'surge')).toHaveLength(2);
    expect(env.errors).toEqual([]);
  });

  it('people see the warnings in their region only; grid workers none', async () => {
    const env = await start();
    await env.alerts.warnings.pass();
    const regionsSeen = async (username: string) =>
      (await env.alerts.warnings.list(await env.user(username))).map((w) => w.regionId).sort();
    expect(await regionsSeen('op1')).toEqual(['C1', 'S1']);
    expect(await regionsSeen('sup1')).toEqual(['C1']);
    expect(await regionsSeen('sup2')).toEqual([]);
    await expect(env.alerts.warnings.list(await env.user('worker01'))).rejects.toMatchObject({
      code: 'forbidden',
    });
  });

  it('acknowledge with a note, once; outside the region it is not found', async () => {
    const env = await start();
    const [warning] = (await env.alerts.warnings.pass())!.filter((w) => w.regionId === 'C1');
    await expect(
      env.alerts.warnings.acknowledge(await env.user('sup2'), warning!.id, null),
    ).rejects.toMatchObject({ code: 'not_found' });
    env.clock.set(NOW + 5 * 60_000);
    const acknowledged = await env.alerts.warnings.acknowledge(
      await env.user('sup1'),
      warning!.id,
      '消防演练',
    );
    expect(acknowledged).toMatchObject({
      state: 'acknowledged',
      acknowledgedById: 'u-sup1',
      acknowledgedAt: NOW + 5 * 60_000,
      note: '消防演练',
    });
    const again = env.alerts.warnings.acknowledge(await env.user('op1'), warning!.id, null);
    await expect(again).rejects.toBeInstanceOf(AppError);
    await expect(again).rejects.toMatchObject({ code: 'conflict' });
    expect(
      (await env.alerts.warnings.list(await env.user('op1'), { states: ['open'] })).map((w) => w.regionId),
    ).toEqual(['S1']);
  });

  it('turned into a case through the intake: routed in the grid of its latest case, and linked', async () => {
    const env = await start();
    const [warning] = (await env.alerts.warnings.pass())!.filter((w) => w.regionId === 'C1');
    const op = await env.user('op1');
    const linked = await env.alerts.warnings.openCase(op, warning!.id, { title: '江城社区消防件激增' });
    expect(linked).toMatchObject({ state: 'case_opened', caseOpenedById: 'u-op1' });
    const record = await findCase(env.db, linked.caseId!);
    expect(record).toMatchObject({
      title: '江城社区消防件激增',
      category: 'fire_safety',
      gridId: 'G01',
      reporterId: 'u-op1',
      state: 'dispatched',
    });
    expect(record!.assigneeId).not.toBeNull();
    await expect(env.alerts.warnings.openCase(op, warning!.id)).rejects.toMatchObject({ code: 'conflict' });
  });

  it.runIf(dialect === 'postgres')(
    'two alerts processes passing at once store each warning once',
    async () => {
      const first = await start();
      const second = await startCaseEnv({
        dialect,
        db: await openTestStateDbAgain(first.db, dialect),
        start: NOW,
        processId: 'alerts-b',
      });
      envs.push(second);
      const results = await Promise.all([first.alerts.warnings.pass(), second.alerts.warnings.pass()]);
      expect(results.filter((r) => r === undefined)).toHaveLength(1);
      for (const env of [first, second]) env.clock.set(NOW + HOUR);
      await Promise.all([first.alerts.warnings.pass(), second.alerts.warnings.pass()]);
      expect((await listWarnings(first.db)).filter((w) => w.kind === 'surge')).toHaveLength(2);
    },
  );
});
