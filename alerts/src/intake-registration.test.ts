import { parsePatrolReport } from '@gridsense/core';
import { findCase } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCaseHistory, weeklyCases } from './testing/case-history';
import { beijing, prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from './testing/case-env';

const NOW = beijing(2026, 3, 10, 10);

/** Inside grid G01 of the demo district, where worker01 is on duty. */
const G01_SPOT = { lat: 30.262, lng: 120.155 };

/**
 * 立案 by hand is the default (decision 0029): a patrol report of 市容 waits for the desk. Who has
 * already decided skips the queue: a worker on duty handling their own find (自发自处), and the
 * desk turning an early warning into a case.
 */
describe.each(stateDialects())('who decides 立案 at intake (%s)', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv | undefined;
  afterEach(async () => env?.stop());

  const litter = (selfHandle: boolean) => {
    const parsed = parsePatrolReport({
      title: '绿化带垃圾堆积',
      description: '3 号楼旁绿化带垃圾堆积',
      category: 'city_appearance',
      severity: 'info',
      location: G01_SPOT,
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
      selfHandle,
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    return parsed.value;
  };

  it('a worker’s report waits for 立案; the same find handled by the worker on duty is theirs at once', async () => {
    env = await startCaseEnv({ dialect, start: NOW });
    const worker = await env.user('worker01');
    const waiting = await env.cases.report(worker, litter(false));
    expect(waiting.case).toMatchObject({ state: 'reported', assigneeId: null });
    expect(waiting.case!.registerDueAt).not.toBeNull();
    const handled = await env.cases.report(worker, litter(true));
    expect(handled.case).toMatchObject({ state: 'accepted', assigneeId: 'u-worker01', registerDueAt: null });
  });

  it('a case the desk opens from an early warning is registered and dispatched at once', async () => {
    env = await startCaseEnv({ dialect, start: NOW });
    await seedCaseHistory(
      env.db,
      weeklyCases({
        prefix: 'litter',
        category: 'city_appearance',
        gridId: 'G01',
        now: NOW,
        weeks: 8,
        perWeek: 3,
        lastWeek: 12,
      }),
    );
    const [warning] = (await env.alerts.warnings.pass())!.filter((w) => w.regionId === 'C1');
    expect(warning).toMatchObject({ category: 'city_appearance' });
    const linked = await env.alerts.warnings.openCase(await env.user('op1'), warning!.id, {
      title: '江城社区乱扔垃圾激增',
    });
    const record = await findCase(env.db, linked.caseId!);
    expect(record).toMatchObject({ category: 'city_appearance', state: 'dispatched', registerDueAt: null });
    expect(record!.assigneeId).not.toBeNull();
  });
});
