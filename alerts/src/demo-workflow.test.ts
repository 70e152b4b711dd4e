import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { stageDemoWorkflow } from './demo-workflow';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from './testing/case-env';

describe.each(stateDialects())('the demo workflow scene on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  it('opens one case with a 延期 request waiting and one under 督办, both on their timelines', async () => {
    env = await startCaseEnv({ dialect });
    const { extensionCaseId, supervisedCaseId } = await stageDemoWorkflow(env.db, env.cases);
    expect(await env.record(extensionCaseId)).toMatchObject({
      state: 'accepted',
      assigneeId: 'u-worker01',
      extensionRequest: { days: 3, requestedById: 'u-worker01' },
      supervisedAt: null,
    });
    expect(await env.record(supervisedCaseId)).toMatchObject({
      supervisedById: 'u-sup1',
      extensionRequest: null,
    });
    const sup = await env.user('sup1');
    expect((await env.cases.detail(sup, extensionCaseId)).timeline.at(-1)).toMatchObject({
      action: 'request_extension',
    });
    expect((await env.cases.detail(sup, supervisedCaseId)).timeline.at(-1)).toMatchObject({
      action: 'supervise',
      actorId: 'u-sup1',
    });
    // The community supervisor can decide the waiting request.
    await env.cases.act(sup, extensionCaseId, { action: 'approve_extension' });
    expect((await env.record(extensionCaseId)).extensionRequest).toBeNull();
  });

  it('leaves a declined, an upstream-returned and a waiting hotline call, each decided by the operator', async () => {
    env = await startCaseEnv({ dialect });
    const scene = await stageDemoWorkflow(env.db, env.cases);
    expect(await env.record(scene.declinedCaseId)).toMatchObject({
      source: 'hotline',
      state: 'closed',
      closeReason: 'declined',
    });
    expect(await env.record(scene.returnedUpstreamCaseId)).toMatchObject({
      source: 'hotline',
      state: 'closed',
      closeReason: 'returned_upstream',
    });
    const waiting = await env.record(scene.waitingCaseId);
    expect(waiting).toMatchObject({ source: 'hotline', state: 'reported', closeReason: null });
    expect(waiting.registerDueAt).toBeGreaterThan(waiting.openedAt);
    const op = await env.user('op1');
    expect((await env.cases.detail(op, scene.returnedUpstreamCaseId)).timeline.at(-1)).toMatchObject({
      action: 'return_upstream',
      actorId: 'u-op1',
      data: { reason: 'other_district' },
    });
  });
});
