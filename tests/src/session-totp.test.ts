import type { AuditEntryView, SessionView, TotpConfirmedView, TotpEnrolmentView } from '@gridsense/core';
import { decodeBase32, totpCode, totpStep } from '@gridsense/web';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditOf } from './harness/admin-clients';
import {
  sessionCookieOf,
  startTestPlatform,
  TEST_PASSWORD,
  type ApiClient,
  type TestPlatform,
} from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string } };

/** A bare sign-in with whatever second factor the test gives (the harness's own is not used). */
async function post(env: TestPlatform, path: string, body: unknown, cookie?: string) {
  const response = await fetch(`${env.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  return { response, body: (await response.json()) as unknown };
}

describe('two-factor sign-in: TOTP codes once each, recovery codes once each, required for the command centre', () => {
  let env: TestPlatform;
  let admin: ApiClient;
  /** The engineer's secret from their enrolment, and the last step this test used. */
  let secret: Buffer;
  let lastStep = 0;
  let recoveryCodes: string[] = [];
  const nextCode = () => {
    lastStep = Math.max(totpStep(Date.now()), lastStep + 1);
    return totpCode(secret, lastStep);
  };

  beforeAll(async () => {
    env = await startTestPlatform();
    admin = await env.login('admin');
  });
  afterAll(async () => env?.stop());

  it('limits an engineer without a second factor to enrolling: other calls 403, no socket', async () => {
    const { response, body } = await post(env, '/api/session', { username: 'eng1', password: TEST_PASSWORD });
    expect(response.status).toBe(200);
    expect(body).toMatchObject({ totpEnabled: false, totpEnrolmentRequired: true });
    const cookie = sessionCookieOf(response);
    const rules = await fetch(`${env.baseUrl}/api/rules`, { headers: { cookie } });
    expect(rules.status).toBe(403);
    expect(((await rules.json()) as ErrorBody).error.code).toBe('totp_enrolment_required');
    const socket = io(env.baseUrl, { extraHeaders: { cookie }, transports: ['websocket'] });
    const refused = await new Promise<string>((resolve) => {
      socket.once('connect', () => resolve('connected'));
      socket.once('connect_error', (error) => resolve(error.message));
    });
    socket.disconnect();
    expect(refused).toBe('unauthenticated');

    const started = await post(env, '/api/me/totp', {}, cookie);
    expect(started.response.status).toBe(200);
    const enrolment = started.body as TotpEnrolmentView;
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.uri).toBe(`otpauth://totp/GridSense:eng1?secret=${enrolment.secret}&issuer=GridSense`);
    expect(enrolment.qrCode).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(Buffer.from(enrolment.qrCode.split(',')[1]!, 'base64').toString()).toMatch(
      /^<svg[^>]*>.*<\/svg>/s,
    );
    secret = decodeBase32(enrolment.secret)!;

    // The secret is sealed with the personal-data key: the database file never holds it.
    const db = new Database(join(env.dataDir, 'state.db'), { readonly: true });
    try {
      const row = db.prepare('select * from user_totp where user_id = ?').get('u-eng1') as Record<
        string,
        unknown
      >;
      expect(String(row.pending_secret)).toMatch(/^gs1:/);
      expect(JSON.stringify(row)).not.toContain(enrolment.secret);
    } finally {
      db.close();
    }

    const wrong = await post(env, '/api/me/totp/confirm', { code: '000000' }, cookie);
    expect(wrong.response.status).toBe(400);
    const confirmed = await post(env, '/api/me/totp/confirm', { code: nextCode() }, cookie);
    expect(confirmed.response.status).toBe(200);
    const answer = confirmed.body as TotpConfirmedView;
    expect(answer.session).toMatchObject({ totpEnabled: true, totpEnrolmentRequired: false });
    recoveryCodes = answer.recoveryCodes;
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    expect((await fetch(`${env.baseUrl}/api/rules`, { headers: { cookie } })).status).toBe(200);
    // Only hashes of the recovery codes are stored.
    const after = new Database(join(env.dataDir, 'state.db'), { readonly: true });
    try {
      const stored = JSON.stringify(after.prepare('select * from user_recovery_codes').all());
      for (const code of recoveryCodes) expect(stored).not.toContain(code);
    } finally {
      after.close();
    }
  });

  it('asks for a code only after the password checked out, and takes each code once', async () => {
    const noCode = await post(env, '/api/session', { username: 'eng1', password: TEST_PASSWORD });
    expect(noCode.response.status).toBe(401);
    expect((noCode.body as ErrorBody).error.code).toBe('totp_required');
    const wrongPassword = await post(env, '/api/session', { username: 'eng1', password: 'nope-nope-1' });
    expect((wrongPassword.body as ErrorBody).error.code).toBe('unauthenticated');

    const code = nextCode();
    const first = await post(env, '/api/session', { username: 'eng1', password: TEST_PASSWORD, code });
    expect(first.response.status).toBe(200);
    expect((first.body as SessionView).totpEnabled).toBe(true);
    const replay = await post(env, '/api/session', { username: 'eng1', password: TEST_PASSWORD, code });
    expect(replay.response.status).toBe(401);
    expect((replay.body as ErrorBody).error.code).toBe('unauthenticated');
  });

  it('takes a recovery code once instead of a code', async () => {
    const recoveryCode = recoveryCodes[0]!;
    const first = await post(env, '/api/session', {
      username: 'eng1',
      password: TEST_PASSWORD,
      recoveryCode,
    });
    expect(first.response.status).toBe(200);
    const again = await post(env, '/api/session', {
      username: 'eng1',
      password: TEST_PASSWORD,
      recoveryCode,
    });
    expect(again.response.status).toBe(401);
    // Typed in capitals without the dash, another one works.
    const typed = recoveryCodes[1]!.replace('-', '').toUpperCase();
    const second = await post(env, '/api/session', {
      username: 'eng1',
      password: TEST_PASSWORD,
      recoveryCode: typed,
    });
    expect(second.response.status).toBe(200);
  });

  it('puts every outcome on the audit chain', async () => {
    const sessionActions = (await auditOf(admin, 'session', 'u-eng1')).map((entry) => entry.action);
    expect(sessionActions).toEqual(
      expect.arrayContaining([
        'session.login',
        'session.login_totp_required',
        'session.login_totp_failed',
        'totp.recovery_used',
      ]),
    );
    const logins = (await auditOf(admin, 'session', 'u-eng1')).filter((e) => e.action === 'session.login');
    expect(logins.map((e: AuditEntryView) => (e.data as { factor: string }).factor)).toEqual(
      expect.arrayContaining(['password', 'totp', 'recovery_code']),
    );
    expect((await auditOf(admin, 'user', 'u-eng1')).map((entry) => entry.action)).toContain('totp.enrolled');
  });

  it('counts wrong codes as failed sign-ins in the throttle', async () => {
    const worker = await env.login('worker01');
    // A grid worker may turn it on; nothing makes them.
    expect((await worker.call('GET', '/api/cases')).status).toBe(200);
    const { recoveryCodes: codes } = await env.authenticator.enrol(env.baseUrl, worker.cookie, 'worker01');
    expect(codes).toHaveLength(10);
    for (let attempt = 0; attempt < 5; attempt++) {
      const wrong = await post(env, '/api/session', {
        username: 'worker01',
        password: TEST_PASSWORD,
        code: '000000',
      });
      expect(wrong.response.status).toBe(401);
    }
    const right = await post(env, '/api/session', {
      username: 'worker01',
      password: TEST_PASSWORD,
      ...env.authenticator.nextFactor('worker01'),
    });
    expect(right.response.status).toBe(429);
  });

  it('lets an administrator reset a second factor: audited, sessions end, enrolment again', async () => {
    const signedIn = await post(env, '/api/session', {
      username: 'eng1',
      password: TEST_PASSWORD,
      // The codes within reach of now are spent: a recovery code, as a person would.
      recoveryCode: recoveryCodes[2]!,
    });
    const cookie = sessionCookieOf(signedIn.response);
    const rules = () => fetch(`${env.baseUrl}/api/rules`, { headers: { cookie } });
    expect((await rules()).status).toBe(200);
    const reset = await admin.call('POST', '/api/admin/people/u-eng1/totp/reset');
    expect(reset.status).toBe(200);
    expect((await rules()).status).toBe(401);
    expect((await auditOf(admin, 'user', 'u-eng1')).map((entry) => entry.action)).toContain('totp.reset');
    const again = await post(env, '/api/session', { username: 'eng1', password: TEST_PASSWORD });
    expect(again.response.status).toBe(200);
    expect(again.body).toMatchObject({ totpEnabled: false, totpEnrolmentRequired: true });
    // Only administrators reset it.
    const op = await env.login('op1');
    expect((await op.call('POST', '/api/admin/people/u-eng1/totp/reset')).status).toBe(403);
  });
});
