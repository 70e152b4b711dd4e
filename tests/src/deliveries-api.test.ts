import { apiText, type ApiText } from '@gridsense/core';
import { enqueueNotice, recordAttempt, type StateDb } from '@gridsense/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startWithAdminClients } from './harness/admin-clients';
import type { ApiClient, TestPlatform } from './harness/test-platform';

type DeliveryEntry = {
  message: {
    id: number;
    targetKind: string;
    targetName: string | null;
    lastError: string | null;
    lastErrorText: ApiText | null;
  };
  attempts: {
    at: number;
    ok: boolean;
    statusCode: number | null;
    error: string | null;
    errorText: ApiText | null;
    durationMs: number;
  }[];
};

/** The delivery log names whom each message went to, work messages (`dingtalk:u-…`) included. */
describe.each(stateDialects())('delivery log API (%s)', (dialect) => {
  let env: TestPlatform;
  let admin: ApiClient;
  let op: ApiClient;
  let db: StateDb;

  beforeAll(async () => {
    ({ env, admin, op } = await startWithAdminClients('worker01', {}, dialect));
    db = await env.openState();
  });
  afterAll(async () => {
    await db?.destroy();
    await env?.stop();
  });

  it("names the person a DingTalk message went to, and keeps the receiving side's answer as a key", async () => {
    const now = Date.now();
    const { id } = await enqueueNotice(
      db,
      {
        targetKind: 'person',
        targetId: 'dingtalk:u-worker01',
        groupKey: 'case:delivery-log-probe',
        kind: 'assigned',
        severity: 'warning',
        title: '派遣：楼道堆物',
        line: '派遣给 网格员',
        caseId: 'delivery-log-probe',
      },
      now,
      0,
    );
    await recordAttempt(
      db,
      id,
      {
        at: now,
        ok: false,
        statusCode: 503,
        failure: apiText('delivery.httpStatus', { status: 503 }),
        durationMs: 12,
      },
      { status: 'failed', notBefore: now },
    );

    const log = await admin.call<DeliveryEntry[]>('GET', '/api/admin/deliveries');
    expect(log.status).toBe(200);
    const entry = log.body.find((e) => e.message.id === id);
    const worker = (
      await admin.call<{ id: string; displayName: string }[]>('GET', '/api/admin/people')
    ).body.find((p) => p.id === 'u-worker01');
    expect(worker?.displayName).toMatch(/\S/);
    expect(entry?.message).toMatchObject({
      targetKind: 'person',
      targetName: worker!.displayName,
      lastError: 'HTTP 503',
      lastErrorText: { key: 'delivery.httpStatus', params: { status: 503 } },
    });
    expect(entry?.attempts).toEqual([
      {
        at: now,
        ok: false,
        statusCode: 503,
        error: 'HTTP 503',
        errorText: { key: 'delivery.httpStatus', params: { status: 503 } },
        durationMs: 12,
      },
    ]);
    // Only those who may read deliveries see it.
    expect((await op.call('GET', '/api/admin/deliveries')).status).toBe(403);
  });
});
