import { listTimeline } from '@gridsense/state';
import { openTestStateDbAgain, stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from '../testing/case-env';

const MIN = 60_000;

// Several alerts processes share one PostgreSQL; on SQLite the service runs as one process.
describe.runIf(stateDialects().includes('postgres'))('two alerts processes on one PostgreSQL', () => {
  beforeAll(() => prepareCaseEnv('postgres'), PREPARE_TIMEOUT_MS);
  const envs: CaseEnv[] = [];
  afterEach(async () => {
    for (const env of envs.splice(0).reverse()) await env.stop();
  });

  it('tick and deliver at once: every reminder, repeat and escalation happens once, none is lost', async () => {
    const first = await startCaseEnv({ dialect: 'postgres' });
    envs.push(first);
    const second = await startCaseEnv({
      dialect: 'postgres',
      db: await openTestStateDbAgain(first.db, 'postgres'),
      start: first.clock.now(),
    });
    envs.push(second);
    const t0 = first.clock.now();
    const ids: string[] = [];
    for (const [device, grid] of [
      ['smoke-G01-1', 'G01'],
      ['smoke-G02-1', 'G02'],
      ['smoke-G03-1', 'G03'],
    ] as const)
      ids.push((await first.risk(device, grid, 'smoke-high', 'fire_safety', 'critical'))!.caseId);

    for (const minutes of [2, 3, 4, 5]) {
      for (const env of [first, second]) env.clock.set(t0 + minutes * MIN);
      await Promise.all([first.alerts.ticker.tick(), second.alerts.ticker.tick()]);
      await Promise.all([first.deliver(), second.deliver()]);
    }

    for (const id of ids) {
      const actions = (await listTimeline(first.db, id)).map((e) => e.action);
      expect(actions.filter((a) => a === 'notify_repeat')).toHaveLength(1);
      expect(actions.filter((a) => a === 'remind')).toHaveLength(1);
      expect(actions.filter((a) => a === 'escalate')).toHaveLength(1);
    }
    const lines = [...first.linesFor('u-worker01'), ...second.linesFor('u-worker01')];
    expect(lines.filter((l) => l === '仍未签收，请尽快签收')).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('签收时限将至'))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('已派遣'))).toHaveLength(1);
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it('signals for one cause taken by both at once open one case', async () => {
    const first = await startCaseEnv({ dialect: 'postgres' });
    envs.push(first);
    const second = await startCaseEnv({
      dialect: 'postgres',
      db: await openTestStateDbAgain(first.db, 'postgres'),
      start: first.clock.now(),
    });
    envs.push(second);
    const outcomes = await Promise.all([
      first.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'),
      second.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'),
      first.risk('smoke-G02-1', 'G02', 'smoke-high', 'fire_safety', 'critical'),
      second.risk('smoke-G02-1', 'G02', 'smoke-high', 'fire_safety', 'critical'),
    ]);
    const g01 = new Set([outcomes[0]!.caseId, outcomes[1]!.caseId]);
    const g02 = new Set([outcomes[2]!.caseId, outcomes[3]!.caseId]);
    expect(g01.size).toBe(1);
    expect(g02.size).toBe(1);
    expect([...g01][0]).not.toBe([...g02][0]);
    const open = await first.db.selectFrom('cases').select('id').execute();
    expect(open).toHaveLength(2);
  });
});
