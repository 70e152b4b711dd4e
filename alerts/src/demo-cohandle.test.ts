import { listCaseSubtasks, listCaseSubtaskViews } from '@gridsense/state';
import { stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stageDemoCohandling } from './demo-cohandle';
import { prepareCaseEnv, PREPARE_TIMEOUT_MS, startCaseEnv, type CaseEnv } from './testing/case-env';

describe.each(stateDialects())('the demo 协办 scene on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  it('opens a case led by worker01 with an accepted required sub-task and an optional one reported and rated', async () => {
    env = await startCaseEnv({ dialect });
    const { caseId } = await stageDemoCohandling(env.db, env.cases);
    expect(await env.record(caseId)).toMatchObject({ state: 'accepted', assigneeId: 'u-worker01' });
    const subtasks = await listCaseSubtasks(env.db, caseId);
    expect(subtasks.map((s) => [s.departmentId, s.state, s.required])).toEqual([
      ['dept-cgj', 'accepted', true],
      ['dept-fire', 'reported', false],
    ]);
    // The lead cannot resolve until the city management bureau reports.
    await expect(
      env.cases.act(await env.user('worker01'), caseId, { action: 'resolve', note: '已清理' }),
    ).rejects.toMatchObject({ code: 'invalid_transition' });
    const timeline = (await env.cases.detail(await env.user('op1'), caseId)).timeline.map((e) => e.action);
    expect(timeline.filter((a) => a === 'cohandler_added' || a.startsWith('subtask_'))).toEqual([
      'cohandler_added',
      'subtask_accepted',
      'cohandler_added',
      'subtask_accepted',
      'subtask_reported',
      'subtask_rated',
      'subtask_rated',
    ]);
    const [, check] = await listCaseSubtaskViews(env.db, await env.record(caseId));
    expect([check!.ratings.lead?.grade, check!.ratings.cohandler?.grade]).toEqual(['good', 'good']);
  });
});
