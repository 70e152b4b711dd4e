import { passwordProblems, type IssuedPasswordView, type SessionView } from '@gridsense/core';
import Database from 'better-sqlite3';
import { randomBytes, scryptSync } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf, signIn } from './harness/admin-clients';
import { startTestPlatform, TEST_PASSWORD, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string; details?: string[] } };

describe('passwords: scrypt, a policy, changing one’s own, forced changes after a reset and with age', () => {
  let env: TestPlatform;
  let admin: ApiClient;
  let skewMs = 0;

  const stateDb = (readonly: boolean) => new Database(join(env.dataDir, 'state.db'), { readonly });
  const storedHash = (userId: string): string => {
    const db = stateDb(true);
    try {
      return (
        db.prepare('select password_hash from users where id = ?').get(userId) as { password_hash: string }
      ).password_hash;
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    env = await startTestPlatform({ now: () => Date.now() + skewMs });
    admin = await env.login('admin');
  });
  afterAll(async () => env?.stop());

  it('lets a person change their own password with the current one, ending their other sessions', async () => {
    const [here, elsewhere] = [await env.login('op1'), await env.login('op1')];
    const socket = await elsewhere.socket();
    const closed = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    const missing = await here.call<ErrorBody>('POST', '/api/me/password', { newPassword: 'x' });
    expect(missing.body.error.message).toBe('currentPassword and newPassword are required');
    const weak = await here.call<ErrorBody>('POST', '/api/me/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'op1short',
    });
    expect(weak.body.error.details).toEqual([
      'password must be at least 10 characters',
      'password must mix at least 3 of lower case, upper case, digits and other characters',
      'password must not contain the username',
    ]);
    const same = await here.call<ErrorBody>('POST', '/api/me/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: TEST_PASSWORD,
    });
    expect(same.body.error.details).toEqual(['the new password must differ from the current one']);
    const wrong = await here.call<ErrorBody>('POST', '/api/me/password', {
      currentPassword: 'Not-the-current-1',
      newPassword: 'Harbour-lights-7',
    });
    expect(wrong.body.error.details).toEqual(['the current password is wrong']);
    expect((await elsewhere.call('GET', '/api/me')).status).toBe(200);

    const changed = await here.call<SessionView>('POST', '/api/me/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'Harbour-lights-7',
    });
    expect(changed.status).toBe(200);
    expect(changed.body.passwordChangeRequired).toBe(false);
    expect(await closed).toBe('io server disconnect');
    expect((await elsewhere.call('GET', '/api/me')).status).toBe(401);
    expect((await here.call('GET', '/api/me')).status).toBe(200);
    expect((await signIn(env, 'op1', TEST_PASSWORD)).status).toBe(401);
    expect((await signIn(env, 'op1', 'Harbour-lights-7')).status).toBe(200);
    expect((await auditOf(admin, 'user', 'u-op1')).map((e) => [e.action, e.actorId, e.data])).toEqual([
      ['totp.enrolled', 'u-op1', null],
      ['session.password_changed', 'u-op1', null],
    ]);
  });

  it('makes a person change a password an administrator reset before anything else', async () => {
    const reset = await admin.call<IssuedPasswordView>('POST', '/api/admin/people/u-worker09/password');
    expect(passwordProblems(reset.body.password, 'worker09')).toEqual([]);
    const signedIn = await signIn(env, 'worker09', reset.body.password);
    expect(((await signedIn.json()) as SessionView).passwordChangeRequired).toBe(true);
    const worker = await env.login('worker09', reset.body.password);

    const cases = await worker.call<ErrorBody>('GET', '/api/cases');
    expect(cases.status).toBe(403);
    expect(cases.body.error).toMatchObject({
      code: 'password_change_required',
      message: 'change your password first',
    });
    expect((await worker.call('GET', '/api/me')).status).toBe(403);
    await expect(worker.socket()).rejects.toThrow('unauthenticated');
    expect((await worker.call<SessionView>('GET', '/api/session')).body.passwordChangeRequired).toBe(true);

    const changed = await worker.call<SessionView>('POST', '/api/me/password', {
      currentPassword: reset.body.password,
      newPassword: 'Night-patrol-2026',
    });
    expect(changed.body.passwordChangeRequired).toBe(false);
    expect((await worker.call('GET', '/api/cases')).status).toBe(200);
    expect((await worker.socket()).connected).toBe(true);
  });

  it('makes a new person change the initial password, which meets the policy', async () => {
    const created = await admin.call<IssuedPasswordView>('POST', '/api/admin/people', {
      username: 'worker26',
      displayName: '网格员 新来',
      role: 'grid_worker',
      regionId: 'G02',
    });
    expect(passwordProblems(created.body.password, 'worker26')).toEqual([]);
    const first = await signIn(env, 'worker26', created.body.password);
    expect(((await first.json()) as SessionView).passwordChangeRequired).toBe(true);
  });

  it('stores scrypt at N=2^17 with its cost, and redoes an older hash at the next sign-in', async () => {
    expect(storedHash('u-op1')).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    // A hash as written before the cost was stored: scrypt at Node's defaults (N=2^14).
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString('base64')}$${scryptSync(TEST_PASSWORD, salt, 32).toString('base64')}`;
    const db = stateDb(false);
    try {
      db.prepare('update users set password_hash = ? where id = ?').run(legacy, 'u-eng1');
    } finally {
      db.close();
    }
    expect((await signIn(env, 'eng1', 'Wrong-password-1')).status).toBe(401);
    expect(storedHash('u-eng1')).toBe(legacy);
    expect((await signIn(env, 'eng1', TEST_PASSWORD)).status).toBe(200);
    expect(storedHash('u-eng1')).toMatch(/^scrypt\$ln=17,r=8,p=1\$/);
    expect((await signIn(env, 'eng1', TEST_PASSWORD)).status).toBe(200);
  });

  it('asks for a new password once the current one is 90 days old', async () => {
    const young = await signIn(env, 'sup3', TEST_PASSWORD);
    expect(((await young.json()) as SessionView).passwordChangeRequired).toBe(false);
    skewMs += 91 * 86_400_000;
    const old = await signIn(env, 'sup3', TEST_PASSWORD);
    expect(((await old.json()) as SessionView).passwordChangeRequired).toBe(true);
    // op1 changed theirs in this test's first minutes: 91 days old now too.
    const changedEarlier = await signIn(env, 'op1', 'Harbour-lights-7');
    expect(((await changedEarlier.json()) as SessionView).passwordChangeRequired).toBe(true);
  });
});
