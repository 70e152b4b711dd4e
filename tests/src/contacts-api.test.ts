import type { CaseContactView, CaseView, PersonContactsView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { auditOf, startWithAdminClients } from './harness/admin-clients';
import type { ApiClient, TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

/** People's work phones and DingTalk / WeCom ids: set by administrators, seen by colleagues on a case. */
describe.each(stateDialects())('contacts API (%s)', (dialect) => {
  let env: TestPlatform;
  let admin: ApiClient;
  let op: ApiClient;
  let worker: ApiClient;

  beforeAll(async () => {
    ({ env, admin, op, worker } = await startWithAdminClients('worker01', {}, dialect));
  });
  afterAll(async () => env?.stop());

  it('an administrator sets and reads them; the phone is audited as set, never as a number', async () => {
    const saved = await admin.call<PersonContactsView>('PUT', '/api/admin/people/u-op1/contacts', {
      phone: '+86 138-0000-2222',
      dingtalkUserId: ' manager0142 ',
      wecomUserId: '',
    });
    expect(saved.status).toBe(200);
    const expected = { phone: '+8613800002222', dingtalkUserId: 'manager0142', wecomUserId: null };
    expect(saved.body).toEqual(expected);
    expect((await admin.call('GET', '/api/admin/people/u-op1/contacts')).body).toEqual(expected);
    const entry = (await auditOf(admin, 'user', 'u-op1')).find((e) => e.action === 'admin.contacts_set');
    expect(entry).toMatchObject({
      action: 'admin.contacts_set',
      data: { phone: true, dingtalkUserId: 'manager0142', wecomUserId: null },
    });
    expect(JSON.stringify(entry)).not.toContain('13800002222');
    // Nobody else may read or set them.
    for (const client of [op, worker]) {
      expect((await client.call('GET', '/api/admin/people/u-op1/contacts')).status).toBe(403);
      expect((await client.call('PUT', '/api/admin/people/u-op1/contacts', { phone: '123456' })).status).toBe(
        403,
      );
    }
    expect((await admin.call('GET', '/api/admin/people/u-nobody/contacts')).status).toBe(404);
  });

  it('refuses hostile input, naming every problem', async () => {
    const bad = await admin.call<ErrorBody>('PUT', '/api/admin/people/u-worker01/contacts', {
      phone: 'call me',
      dingtalkUserId: 42,
      wecomUserId: 'a b',
      password: 'x',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      'phone must be 5–20 digits, optionally after a +',
      'dingtalkUserId must be 1–64 letters, digits or _ . @ -',
      'wecomUserId must be 1–64 letters, digits or _ . @ -',
      'contacts take only phone, dingtalkUserId and wecomUserId',
    ]);
    expect((await admin.call<ErrorBody>('PUT', '/api/admin/people/u-worker01/contacts', [])).status).toBe(
      400,
    );
  });

  it('shows the worker on a case the colleagues with a phone, never the caller', async () => {
    await admin.call('PUT', '/api/admin/people/u-op1/contacts', { phone: '13800002222' });
    await admin.call('PUT', '/api/admin/people/u-worker01/contacts', { phone: '13800001111' });
    const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title: '井盖松动',
      description: '井盖松动（来电反映）',
      category: 'facility',
      severity: 'warning',
      gridId: 'G01',
      assigneeId: 'u-worker01',
      overrideNote: '熟悉该路段',
      callerName: '吴芳',
      callerPhone: '13500004444',
    });
    expect(call.status).toBe(201);
    const id = call.body.case.id;
    const seen = await worker.call<CaseContactView[]>('GET', `/api/cases/${id}/contacts`);
    expect(seen.status).toBe(200);
    // The operator reported (and dispatched) it; the worker is not listed to themself.
    expect(seen.body).toEqual([
      {
        userId: 'u-op1',
        name: expect.any(String),
        roles: expect.arrayContaining(['reporter']),
        phone: '13800002222',
      },
    ]);
    expect(JSON.stringify(seen.body)).not.toContain('13500004444');
    // The operator sees the worker's phone the same way.
    const fromOperator = await op.call<CaseContactView[]>('GET', `/api/cases/${id}/contacts`);
    expect(fromOperator.body).toEqual([
      { userId: 'u-worker01', name: expect.any(String), roles: ['assignee'], phone: '13800001111' },
    ]);
    // A worker of another grid cannot see the case, so not its contacts either.
    const other = await env.login('worker05');
    expect((await other.call('GET', `/api/cases/${id}/contacts`)).status).toBe(404);
  });
});
