import type { CaseDetailView, CaseView } from '@gridsense/core';
import { stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * The phone's outbox replays moves and reports with an Idempotency-Key: a replay after a lost
 * answer gets the first answer back and nothing is applied twice; a refusal is never remembered
 * as a success, and a re-dispatched case answers the old assignee with the server's reason.
 */

type ErrorBody = { error: { code: string; message: string } };
interface Answer<T> {
  status: number;
  body: T;
  replayed: boolean;
}

const PHOTO = '/api/photos/00000000-0000-4000-8000-000000000001.png';
const SITE = { lat: 30.262, lng: 120.155 };

describe.each(stateDialects())('idempotent replay of the offline queue (%s)', (dialect) => {
  let env: TestPlatform;
  let worker: ApiClient;
  let op: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [worker, op] = await Promise.all([env.login('worker01'), env.login('op1')]);
  });
  afterAll(async () => env?.stop());

  /** A POST as the phone's outbox sends it: JSON with its Idempotency-Key. */
  async function send<T>(client: ApiClient, path: string, body: unknown, key: string): Promise<Answer<T>> {
    const response = await fetch(`${env.baseUrl}${path}`, {
      method: 'POST',
      headers: { cookie: client.cookie, 'content-type': 'application/json', 'idempotency-key': key },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as T,
      replayed: response.headers.get('idempotent-replayed') === 'true',
    };
  }

  const actions = (client: ApiClient, caseId: string, command: object, key: string) =>
    send<CaseView & ErrorBody>(client, `/api/cases/${caseId}/actions`, command, key);

  async function timelineActions(caseId: string): Promise<string[]> {
    const detail = await op.call<CaseDetailView>('GET', `/api/cases/${caseId}`);
    return detail.body.timeline.map((entry) => entry.action);
  }

  async function hotlineCase(title: string): Promise<CaseView> {
    const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title,
      description: `${title}（来电反映）`,
      category: 'electrical_safety',
      severity: 'warning',
      location: SITE,
      address: '幸福路 12 号',
      callerName: '吴芳',
      callerPhone: '13500004444',
    });
    expect(call.status).toBe(201);
    expect(call.body.case.state).toBe('dispatched');
    return call.body.case;
  }

  it('a patrol report sent twice with one key opens one case and answers the same both times', async () => {
    const report = {
      title: `地下车库积水 ${dialect}`,
      description: '负一层车库入口积水约 10 厘米',
      category: 'facility',
      severity: 'info',
      location: SITE,
      photos: [PHOTO],
    };
    const key = `report-${dialect}-0001`;
    const first = await send<{ caseId: string }>(worker, '/api/cases/reports', report, key);
    expect(first.status).toBe(201);
    expect(first.replayed).toBe(false);
    const again = await send<{ caseId: string }>(worker, '/api/cases/reports', report, key);
    expect(again).toEqual({ ...first, replayed: true });
    const mine = await worker.call<CaseView[]>('GET', '/api/cases?scope=all');
    expect(mine.body.filter((view) => view.title === report.title)).toHaveLength(1);
  });

  it('accept and resolve replayed after lost answers are each applied once', async () => {
    const record = await hotlineCase(`楼道堆物 ${dialect}`);
    const assignee = await env.login(record.assigneeId!.replace(/^u-/, ''));
    const accept = await actions(assignee, record.id, { action: 'accept' }, `accept-${record.id}`);
    expect(accept.status).toBe(200);
    expect(accept.body.state).toBe('accepted');
    const acceptAgain = await actions(assignee, record.id, { action: 'accept' }, `accept-${record.id}`);
    expect(acceptAgain.status).toBe(200);
    expect(acceptAgain.replayed).toBe(true);
    expect(acceptAgain.body).toEqual(accept.body);

    const resolve = { action: 'resolve', note: '已清理', photos: [PHOTO] };
    const resolved = await actions(assignee, record.id, resolve, `resolve-${record.id}`);
    expect(resolved.body).toMatchObject({ state: 'resolved' });
    const resolvedAgain = await actions(assignee, record.id, resolve, `resolve-${record.id}`);
    expect(resolvedAgain).toMatchObject({ status: 200, replayed: true, body: { state: 'resolved' } });

    const moves = await timelineActions(record.id);
    expect(moves.filter((action) => action === 'accept')).toHaveLength(1);
    expect(moves.filter((action) => action === 'resolve')).toHaveLength(1);
    // A new key is a new move: the case is resolved, so the server says why it refuses.
    const late = await actions(assignee, record.id, resolve, `resolve-late-${record.id}`);
    expect(late.status).toBe(409);
    expect(late.body.error).toMatchObject({
      code: 'invalid_transition',
      message: 'cannot resolve a resolved case',
    });
  });

  it('a case re-dispatched meanwhile refuses the old assignee with the reason, and a refusal is not kept', async () => {
    const record = await hotlineCase(`路灯不亮 ${dialect}`);
    const first = record.assigneeId!;
    const other = first === 'u-worker02' ? 'u-worker01' : 'u-worker02';
    const moved = await op.call<CaseView>('POST', `/api/cases/${record.id}/actions`, {
      action: 'dispatch',
      assigneeId: other,
      note: 'A 角今日病假',
    });
    expect(moved.body).toMatchObject({ state: 'dispatched', assigneeId: other });

    const oldAssignee = await env.login(first.replace(/^u-/, ''));
    const key = `accept-late-${record.id}`;
    const refused = await actions(oldAssignee, record.id, { action: 'accept' }, key);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({
      code: 'forbidden',
      message: 'grid_worker may not accept this case',
    });
    // Sent again, the move is decided afresh (nothing was remembered), with the same reason.
    const again = await actions(oldAssignee, record.id, { action: 'accept' }, key);
    expect(again).toMatchObject({ status: 403, replayed: false });
    expect((await timelineActions(record.id)).filter((action) => action === 'accept')).toHaveLength(0);
  });

  it('refuses a malformed key and a key reused for another request; keys are per person', async () => {
    const record = await hotlineCase(`井盖缺失 ${dialect}`);
    const bad = await actions(worker, record.id, { action: 'accept' }, 'short');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Idempotency-Key must be 8 to 100 letters, digits or -_.:');

    const assignee = await env.login(record.assigneeId!.replace(/^u-/, ''));
    const key = `shared-key-${record.id}`;
    expect((await actions(assignee, record.id, { action: 'accept' }, key)).status).toBe(200);
    const reused = await actions(assignee, record.id, { action: 'arrive' }, key);
    expect(reused.status).toBe(400);
    expect(reused.body.error.message).toBe('this Idempotency-Key was used for a different request');
    // Another person's same key is their own: the operator's request runs and is refused on its merits.
    const operators = await actions(op, record.id, { action: 'accept' }, key);
    expect(operators).toMatchObject({ status: 409, replayed: false });
  });
});
