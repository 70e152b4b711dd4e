import type { IssuedPasswordView, PersonView, SessionView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { auditOf as auditEntries, signIn as signInAs, startWithAdminClients } from './harness/admin-clients';
import { sessionCookieOf, TEST_PASSWORD, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };
type Shift = { id: number; scopeId: string; userId: string };

describe.each(stateDialects())(
  'password resets and department moves: administrators only, audited, sessions end (%s)',
  (dialect) => {
    let env: TestPlatform;
    let admin: ApiClient;
    let op: ApiClient;
    let eng: ApiClient;
    let worker: ApiClient;

    const signIn = (username: string, password: string) => signInAs(env, username, password);
    const auditOf = (id: string) => auditEntries(admin, 'user', id);

    beforeAll(async () => {
      ({ env, admin, op, eng, worker } = await startWithAdminClients('worker05', {}, dialect));
    });
    afterAll(async () => env?.stop());

    it('is for administrators only', async () => {
      for (const client of [op, eng, worker]) {
        const reset = await client.call<ErrorBody>('POST', '/api/admin/people/u-worker06/password');
        expect(reset.body.error.code).toBe('forbidden');
        const moved = await client.call('PATCH', '/api/admin/people/u-fire2', { departmentId: 'dept-cgj' });
        expect(moved.status).toBe(403);
      }
      expect((await signIn('worker06', TEST_PASSWORD)).status).toBe(200);
      expect(await auditOf('u-worker06')).toEqual([]);
    });

    it('answers a new password once, stores only its hash, audits it and ends the old sessions', async () => {
      expect((await worker.call('GET', '/api/me')).status).toBe(200);
      const reset = await admin.call<IssuedPasswordView>('POST', '/api/admin/people/u-worker05/password');
      expect(reset.status).toBe(200);
      const { password } = reset.body;
      expect(password).toMatch(/^[A-Za-z0-9]{12}$/);
      expect(password).not.toBe(TEST_PASSWORD);
      expect(JSON.stringify(reset.body.person)).not.toMatch(/scrypt/);

      expect((await worker.call('GET', '/api/me')).status).toBe(401);
      expect((await signIn('worker05', TEST_PASSWORD)).status).toBe(401);
      const fresh = await signIn('worker05', password);
      expect(fresh.status).toBe(200);
      // The administrator has seen it: the person must choose their own before anything else.
      expect(((await fresh.json()) as SessionView).passwordChangeRequired).toBe(true);
      const cookie = sessionCookieOf(fresh);
      expect((await fetch(`${env.baseUrl}/api/session`, { headers: { cookie } })).status).toBe(200);
      expect((await fetch(`${env.baseUrl}/api/cases`, { headers: { cookie } })).status).toBe(403);

      const audit = await auditOf('u-worker05');
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({
        action: 'admin.person_password_reset',
        actorId: 'u-admin',
        data: null,
      });
      expect(JSON.stringify(audit)).not.toMatch(/scrypt/);
      expect(JSON.stringify(audit)).not.toContain(password);
    });

    it('refuses to reset your own password or one outside the scope', async () => {
      const self = await admin.call<ErrorBody>('POST', '/api/admin/people/u-admin/password');
      expect(self.body.error.details).toEqual(['you cannot reset your own password here']);
      expect((await admin.call('POST', '/api/admin/people/u-nobody/password')).status).toBe(404);
      expect((await admin.call('GET', '/api/me')).status).toBe(200);
    });

    it('moves a handler to another department, ending their shifts in the old one', async () => {
      const rosters = async () => (await admin.call<Shift[]>('GET', '/api/admin/rosters')).body;
      expect((await rosters()).some((s) => s.userId === 'u-fire2' && s.scopeId === 'dept-fire')).toBe(true);
      const moved = await admin.call<PersonView>('PATCH', '/api/admin/people/u-fire2', {
        departmentId: 'dept-cgj',
      });
      expect(moved.body).toMatchObject({ role: 'handler', departmentId: 'dept-cgj' });
      expect((await rosters()).filter((s) => s.userId === 'u-fire2')).toEqual([]);
      expect((await auditOf('u-fire2')).at(-1)).toMatchObject({
        action: 'admin.person_updated',
        data: { departmentId: 'dept-cgj', previousDepartmentId: 'dept-fire' },
      });

      const left = await admin.call<PersonView>('PATCH', '/api/admin/people/u-scjg1', { role: 'operator' });
      expect(left.body).toMatchObject({ role: 'operator', departmentId: null });
      expect((await auditOf('u-scjg1')).at(-1)?.data).toMatchObject({ previousDepartmentId: 'dept-scjg' });
    });

    it('names a department for the wrong role, a missing one, and a new handler without one', async () => {
      const worker03 = await admin.call<ErrorBody>('PATCH', '/api/admin/people/u-worker03', {
        departmentId: 'dept-cgj',
      });
      expect(worker03.body.error.details).toEqual([
        'departmentId: only department handlers have a department',
      ]);
      const missing = await admin.call<ErrorBody>('PATCH', '/api/admin/people/u-fire1', {
        departmentId: 'dept-nope',
      });
      expect(missing.body.error.details).toEqual(['departmentId must be a department in your scope']);
      const noDepartment = await admin.call<ErrorBody>('PATCH', '/api/admin/people/u-op2', {
        role: 'handler',
      });
      expect(noDepartment.body.error.details).toEqual([
        'departmentId must be a department for a department handler',
      ]);
      const people = (await admin.call<PersonView[]>('GET', '/api/admin/people')).body;
      expect(people.find((p) => p.id === 'u-fire1')?.departmentId).toBe('dept-fire');
      expect(people.find((p) => p.id === 'u-op2')?.role).toBe('operator');
    });
  },
);
