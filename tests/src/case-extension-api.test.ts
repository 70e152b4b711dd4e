import type { CaseDetailView, CasePageView, CaseView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { registerAutomatically } from './harness/auto-register';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string } };

describe.each(stateDialects())('延期 and 督办 over HTTP (%s)', (dialect) => {
  let env: TestPlatform;
  let worker: ApiClient;
  let sup: ApiClient;
  let op: ApiClient;

  beforeAll(async () => {
    env = await startTestPlatform({ dialect });
    [worker, sup, op] = await Promise.all([env.login('worker01'), env.login('sup1'), env.login('op1')]);
    // 延期 and 督办 are the subject: a worker's own 市政设施 find is registered and comes back to them taken.
    await registerAutomatically(await env.login('admin'), 'facility');
  });
  afterAll(async () => env?.stop());

  /** A patrol report by worker01 in G01: opened, dispatched to them and accepted at once. */
  async function acceptedCase(title: string): Promise<CaseView> {
    const filed = await worker.call<{ case: CaseView }>('POST', '/api/cases/reports', {
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

  const act = (client: ApiClient, id: string, body: Record<string, unknown>) =>
    client.call<CaseView & ErrorBody>('POST', `/api/cases/${id}/actions`, body);

  it('the handler asks for working days, the requester may not approve, a supervisor does and the deadline moves', async () => {
    const record = await acceptedCase('井盖松动');
    const before = record.resolveDueAt!;
    expect((await act(worker, record.id, { action: 'request_extension', days: 0, reason: 'x' })).status).toBe(
      400,
    );
    const asked = await act(worker, record.id, {
      action: 'request_extension',
      days: 2,
      reason: '等待市政配件',
    });
    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      resolveDueAt: before,
      extensionRequest: { days: 2, reason: '等待市政配件', requestedById: 'u-worker01' },
    });
    expect((await act(worker, record.id, { action: 'approve_extension' })).body.error.code).toBe('forbidden');

    const approved = await act(sup, record.id, { action: 'approve_extension' });
    expect(approved.status).toBe(200);
    expect(approved.body.extensionRequest).toBeNull();
    // Two working days: at least 14 working hours later, and more than two wall-clock days only across a weekend.
    expect(approved.body.resolveDueAt!).toBeGreaterThan(before + 24 * 3_600_000);

    const timeline = (await sup.call<CaseDetailView>('GET', `/api/cases/${record.id}`)).body.timeline;
    expect(timeline.slice(-2)).toMatchObject([
      { action: 'request_extension', note: '等待市政配件', data: { days: 2 } },
      {
        action: 'approve_extension',
        actorId: 'u-sup1',
        data: { days: 2, toDueAt: approved.body.resolveDueAt },
      },
    ]);
  });

  it('a refusal needs a reason; a grid worker cannot decide', async () => {
    const record = await acceptedCase('路灯不亮');
    await act(worker, record.id, { action: 'request_extension', days: 1, reason: '需电力公司配合' });
    expect((await act(op, record.id, { action: 'refuse_extension' })).status).toBe(400);
    const refused = await act(op, record.id, { action: 'refuse_extension', reason: '可先临时照明' });
    expect(refused.body).toMatchObject({ extensionRequest: null, resolveDueAt: record.resolveDueAt });
  });

  it('a supervisor puts a case under 督办; it is in the 督办 queue with its note; an operator may not', async () => {
    const supervised = await acceptedCase('违章搭建');
    const other = await acceptedCase('垃圾满溢');
    expect((await act(op, supervised.id, { action: 'supervise', reason: '催' })).body.error.code).toBe(
      'forbidden',
    );
    const put = await act(sup, supervised.id, { action: 'supervise', reason: '居民多次投诉，限期整改' });
    expect(put.body).toMatchObject({ supervisedById: 'u-sup1', supervisionReason: '居民多次投诉，限期整改' });

    const queue = await sup.call<CasePageView>(
      'GET',
      '/api/cases/search?state=all&supervised=true&limit=100',
    );
    expect(queue.status).toBe(200);
    const ids = queue.body.cases.map((c) => c.id);
    expect(ids).toContain(supervised.id);
    expect(ids).not.toContain(other.id);
    expect(queue.body.cases.every((c) => c.supervisedAt !== null)).toBe(true);
    expect((await sup.call('GET', '/api/cases/search?supervised=yes')).status).toBe(400);

    const detail = await sup.call<CaseDetailView>('GET', `/api/cases/${supervised.id}`);
    expect(detail.body.timeline.at(-1)).toMatchObject({
      action: 'supervise',
      note: '居民多次投诉，限期整改',
    });

    expect((await act(sup, supervised.id, { action: 'unsupervise' })).body.supervisedAt).toBeNull();
    const after = await sup.call<CasePageView>(
      'GET',
      '/api/cases/search?state=all&supervised=true&limit=100',
    );
    expect(after.body.cases.map((c) => c.id)).not.toContain(supervised.id);
  });
});
