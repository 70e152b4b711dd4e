import { findCase } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCaseHistory, weeklyCases } from './testing/case-history';
import { beijing, prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from './testing/case-env';

const NOW = beijing(2026, 3, 10, 10);

/**
 * 立案 by hand is the default (decision 0029), but the desk turning an early warning into a case
 * has decided: the case is registered and routed at once, not put in the desk's own queue.
 */
describe.each(stateDialects())('a case the desk opens from an early warning (%s)', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv | undefined;
  afterEach(async () => env?.stop());

  it('is registered and dispatched though its category (市容) waits for 立案 when reported', async () => {
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
