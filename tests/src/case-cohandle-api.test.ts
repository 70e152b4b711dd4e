import type { CaseDetailView, CaseSubtaskView, CaseView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { registerAutomatically } from './harness/auto-register';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe.each(stateDialects())('协办 over HTTP (%s)', (dialect) => {
  let env: TestPlatform;
  let lead: ApiClient;
  let neighbour: ApiClient;
  let cgj: ApiClient;
  let fire: ApiClient;
  let op: ApiClient;
  let eng: ApiClient;
  let farSupervisor: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [lead, neighbour, cgj, fire, op, eng, farSupervisor] = await Promise.all([
      env.login('worker01'),
      env.login('worker03'),
      env.login('cgj1'),
      env.login('fire1'),
      env.login('op1'),
      env.login('eng1'),
      env.login('sup3'),
    ]);
    // 协办 is the subject: a worker's own 市政设施 find is registered and comes back to them taken.
    await registerAutomatically(await env.login('admin'), 'facility');
  });
  afterAll(async () => env?.stop());

  /** A patrol report by worker01 in G01: opened, dispatched to them and accepted at once. */
  async function acceptedCase(title: string): Promise<CaseView> {
    const filed = await lead.call<{ case: CaseView }>('POST', '/api/cases/reports', {
      title,
      description: `${title}，需处理`,
      category: 'facility',
      severity: 'info',
      location: { lat: 30.262, lng: 120.155 },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000001.png'],
    });
    expect(filed.status).toBe(201);
    expect(filed.body.case).toMatchObject({ state: 'accepted', assigneeId: 'u-worker01' });
    return filed.body.case;
  }

  const add = (client: ApiClient, id: string, body: unknown) =>
    client.call<CaseSubtaskView[] & ErrorBody>('POST', `/api/cases/${id}/subtasks`, body);
  const move = (client: ApiClient, id: string, subtaskId: number, body: unknown) =>
    client.call<CaseSubtaskView[] & ErrorBody>(
      'POST',
      `/api/cases/${id}/subtasks/${subtaskId}/actions`,
      body,
    );
  const resolve = (id: string) =>
    lead.call<CaseView & ErrorBody>('POST', `/api/cases/${id}/actions`, {
      action: 'resolve',
      note: '已修复',
    });

  it('the lead adds a co-handler, cannot resolve until the report is in, then resolves', async () => {
    const record = await acceptedCase('消防通道堆放杂物');
    const added = await add(lead, record.id, { assigneeId: 'u-cgj1', task: '清理通道杂物', days: 2 });
    expect(added.status).toBe(201);
    expect(added.body).toHaveLength(1);
    const subtask = added.body[0]!;
    expect(subtask).toMatchObject({
      state: 'created',
      required: true,
      assigneeId: 'u-cgj1',
      createdById: 'u-worker01',
      task: '清理通道杂物',
      caseTitle: '消防通道堆放杂物',
    });
    expect(subtask.dueAt).toBeGreaterThan(Date.now());

    const refused = await resolve(record.id);
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'invalid_transition',
      message: '1 required co-handler report(s) missing',
    });

    // The co-handler finds it in their queue and may open the case.
    const mine = await cgj.call<CaseSubtaskView[]>('GET', '/api/subtasks/mine');
    expect(mine.body.map((s) => s.id)).toContain(subtask.id);
    expect((await cgj.call<CaseDetailView>('GET', `/api/cases/${record.id}`)).status).toBe(200);

    // Only the co-handler accepts and reports; a report needs a note.
    expect((await move(lead, record.id, subtask.id, { action: 'accept' })).body.error.code).toBe('forbidden');
    expect((await move(cgj, record.id, subtask.id, { action: 'report', note: 'x' })).body.error.code).toBe(
      'invalid_transition',
    );
    expect((await move(cgj, record.id, subtask.id, { action: 'accept' })).status).toBe(200);
    expect((await move(cgj, record.id, subtask.id, { action: 'report' })).status).toBe(400);
    const photo = await cgj.call<{ url: string }>('POST', '/api/photos', PNG);
    expect(photo.status).toBe(201);
    const reported = await move(cgj, record.id, subtask.id, {
      action: 'report',
      note: '杂物已清运',
      photos: [photo.body.url],
    });
    expect(reported.status).toBe(200);
    expect(reported.body[0]).toMatchObject({
      state: 'reported',
      reportNote: '杂物已清运',
      reportPhotos: [photo.body.url],
    });
    // The report's photo is the case's evidence: the lead may look at it.
    expect(
      (await fetch(`${env.baseUrl}${photo.body.url}`, { headers: { cookie: lead.cookie } })).status,
    ).toBe(200);

    expect((await resolve(record.id)).body).toMatchObject({ state: 'resolved' });
    const timeline = (await lead.call<CaseDetailView>('GET', `/api/cases/${record.id}`)).body.timeline;
    expect(timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining(['cohandler_added', 'subtask_accepted', 'subtask_reported', 'resolve']),
    );
    expect(timeline.find((e) => e.action === 'subtask_reported')).toMatchObject({
      actorId: 'u-cgj1',
      note: '杂物已清运',
    });
  });

  it('an optional co-handler does not hold the resolve; a department is reached through its handler', async () => {
    const record = await acceptedCase('楼道灯损坏');
    const added = await add(op, record.id, {
      departmentId: 'dept-fire',
      task: '核查消防设施',
      required: false,
    });
    expect(added.status).toBe(201);
    expect(added.body[0]).toMatchObject({ departmentId: 'dept-fire', required: false, state: 'created' });
    expect(['u-fire1', 'u-fire2']).toContain(added.body[0]!.assigneeId);
    expect((await resolve(record.id)).body).toMatchObject({ state: 'resolved' });
  });

  it('refuses the wrong role, people out of scope and bad input', async () => {
    const record = await acceptedCase('井盖破损');
    // An engineer may not add co-handlers at all; people who cannot see the case get not_found.
    expect((await add(eng, record.id, { assigneeId: 'u-cgj1', task: '核查' })).status).toBe(403);
    expect((await add(neighbour, record.id, { assigneeId: 'u-cgj1', task: '核查' })).status).toBe(404);
    expect((await add(farSupervisor, record.id, { assigneeId: 'u-cgj1', task: '核查' })).status).toBe(404);
    expect((await neighbour.call('GET', `/api/cases/${record.id}/subtasks`)).status).toBe(404);
    // A co-handler is not the lead: they may not add others.
    const added = await add(lead, record.id, { assigneeId: 'u-cgj1', task: '核查' });
    expect((await add(cgj, record.id, { assigneeId: 'u-fire1', task: '核查' })).status).toBe(403);
    // Nor may anyone else accept, nor the co-handler cancel.
    const subtaskId = added.body[0]!.id;
    expect((await move(fire, record.id, subtaskId, { action: 'accept' })).status).toBe(404);
    expect((await move(cgj, record.id, subtaskId, { action: 'cancel', reason: '不归我' })).status).toBe(403);

    for (const body of [
      { task: '核查' },
      { assigneeId: 'u-cgj1', departmentId: 'dept-fire', task: '核查' },
      { assigneeId: 'u-cgj1', task: '' },
      { assigneeId: 'u-cgj1', task: '核查', days: 0 },
      { assigneeId: 'u-cgj1', task: '核查', required: 'yes' },
      [],
    ]) {
      const answer = await add(lead, record.id, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.code).toBe('validation_failed');
    }
    expect((await add(lead, record.id, { assigneeId: 'u-nobody', task: '核查' })).status).toBe(400);
    expect((await add(lead, record.id, { assigneeId: 'u-worker01', task: '核查' })).status).toBe(400);
    expect((await add(lead, record.id, { assigneeId: 'u-cgj1', task: '再次核查' })).status).toBe(400);
    expect((await move(cgj, record.id, 0, { action: 'accept' })).status).toBe(400);
    expect((await move(cgj, record.id, subtaskId, { action: 'finish' })).status).toBe(400);
    expect((await move(cgj, record.id, 999_999, { action: 'accept' })).status).toBe(404);

    // The lead calls the co-handler off with a reason; then the case resolves.
    expect((await move(lead, record.id, subtaskId, { action: 'cancel' })).status).toBe(400);
    const cancelled = await move(lead, record.id, subtaskId, { action: 'cancel', reason: '已由物业处理' });
    expect(cancelled.body[0]).toMatchObject({ state: 'cancelled', cancelReason: '已由物业处理' });
    expect((await resolve(record.id)).body).toMatchObject({ state: 'resolved' });
    // A resolved case takes no more co-handlers.
    expect((await add(lead, record.id, { assigneeId: 'u-fire1', task: '核查' })).status).toBe(409);
  });
});
