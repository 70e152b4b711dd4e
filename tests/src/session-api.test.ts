import type { AuditEntryView, SessionView } from '@gridsense/core';
import { createHash } from 'node:crypto';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { auditOf, signIn } from './harness/admin-clients';
import {
  sessionCookieOf,
  startTestPlatform,
  type ApiClient,
  type TestPlatform,
} from './harness/test-platform';

type ErrorBody = { error: { code: string; message: string } };

/** Resolves with the reason the server gave when it closed the socket. */
function closedByServer(socket: Awaited<ReturnType<ApiClient['socket']>>): Promise<string> {
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

describe.each(stateDialects())(
  'sessions: kept on the server, in an HttpOnly cookie only, ended everywhere at once (%s)',
  (dialect) => {
    let env: TestPlatform;
    let admin: ApiClient;
    /** The platform's clock runs this far ahead of the wall clock (idle minutes without waiting). */
    let skewMs = 0;

    beforeAll(async () => {
      env = await startTestPlatform({ now: () => Date.now() + skewMs, dialect });
      admin = await env.login('admin');
    });
    afterAll(async () => env?.stop());

    it('answers sign-in with the person and an HttpOnly, SameSite=Strict cookie, never a token in the body', async () => {
      const response = await signIn(env, 'op2', 'test-password-1');
      expect(response.status).toBe(200);
      const body = (await response.json()) as SessionView & { token?: string };
      expect(body).toEqual({
        user: {
          id: 'u-op2',
          username: 'op2',
          displayName: '指挥中心 值班员二',
          role: 'operator',
          regionId: 'D1',
        },
        passwordChangeRequired: false,
        idleTimeoutMs: 30 * 60_000,
        expiresAt: expect.any(Number) as number,
        // An operator must set up two-factor sign-in before anything else.
        totpEnabled: false,
        totpEnrolmentRequired: true,
      });
      const [setCookie] = response.headers.getSetCookie();
      expect(setCookie).toMatch(
        /^gs_session=[\w-]{43}; Max-Age=43200; Path=\/; Expires=.+; HttpOnly; SameSite=Strict$/,
      );
      // Over plain HTTP the cookie cannot be Secure (the browser would drop it); over TLS it is.
      expect(setCookie).not.toMatch(/Secure/);

      // Only the cookie signs in: the same token as a bearer header is nobody.
      const token = sessionCookieOf(response).slice('gs_session='.length);
      expect(
        (await fetch(`${env.baseUrl}/api/session`, { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(401);
      expect(
        (await fetch(`${env.baseUrl}/api/session`, { headers: { cookie: `gs_session=${token}` } })).status,
      ).toBe(200);
    });

    it('stores only a hash of each token', async () => {
      const client = await env.login('op2');
      const token = client.cookie.slice('gs_session='.length);
      const db = await env.openState();
      try {
        const rows = await db.selectFrom('sessions').selectAll().where('user_id', '=', 'u-op2').execute();
        expect(rows.length).toBeGreaterThan(0);
        expect(JSON.stringify(rows)).not.toContain(token);
        expect(rows.map((r) => r.token_hash)).toContain(createHash('sha256').update(token).digest('hex'));
      } finally {
        await db.destroy();
      }
    });

    it('ends the session on sign-out (everywhere, its socket too), and audits sign-in and sign-out', async () => {
      const [first, second] = [await env.login('op1'), await env.login('op1')];
      const socket = await first.socket();
      const closed = closedByServer(socket);
      const signedOut = await first.call('DELETE', '/api/session');
      expect(signedOut.status).toBe(204);
      expect(await closed).toBe('io server disconnect');
      expect((await first.call<ErrorBody>('GET', '/api/me')).body.error.code).toBe('unauthenticated');
      expect((await second.call('GET', '/api/me')).status).toBe(200);

      const actions = (await auditOf(admin, 'session', 'u-op1')).map((e) => e.action);
      expect(actions).toEqual(['session.login', 'session.login', 'session.logout']);
    });

    it('records a refused sign-in in the log and the audit chain, for known and unknown names alike', async () => {
      const wrong = await signIn(env, 'eng1', 'not-the-password');
      const unknown = await signIn(env, 'nobody-here', 'not-the-password');
      expect([wrong.status, unknown.status]).toEqual([401, 401]);
      expect(await wrong.json()).toEqual(await unknown.json());
      expect(wrong.headers.getSetCookie()).toEqual([]);
      const failed = [
        ...(await auditOf(admin, 'session', 'u-eng1')),
        ...(await auditOf(admin, 'session', 'nobody-here')),
      ];
      expect(failed.map((e: AuditEntryView) => [e.action, e.actorId, e.data])).toEqual([
        ['session.login_failed', 'u-eng1', { username: 'eng1', address: '127.0.0.1' }],
        ['session.login_failed', '', { username: 'nobody-here', address: '127.0.0.1' }],
      ]);
    });

    it('refuses state-changing calls and sockets from another site', async () => {
      const client = await env.login('op2');
      const post = (origin: string) =>
        fetch(`${env.baseUrl}/api/cases/reports`, {
          method: 'POST',
          headers: { cookie: client.cookie, origin, 'content-type': 'application/json' },
          body: '{}',
        });
      const foreign = await post('http://evil.example');
      expect(foreign.status).toBe(403);
      expect(((await foreign.json()) as ErrorBody).error.message).toBe('cross-site request refused');
      expect((await post('null')).status).toBe(403);
      // From the console's own origin the call goes through to validation.
      expect((await post(env.baseUrl)).status).toBe(400);
      const login = await fetch(`${env.baseUrl}/api/session`, {
        method: 'POST',
        headers: { origin: 'http://evil.example', 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'op2', password: 'test-password-1' }),
      });
      expect(login.status).toBe(403);

      const connectFrom = (origin: string) => {
        const socket = io(env.baseUrl, {
          transports: ['websocket'],
          extraHeaders: { cookie: client.cookie, origin },
          reconnection: false,
        });
        return new Promise<string>((resolve) => {
          socket.once('connect', () => resolve('connected'));
          socket.once('connect_error', (error) => resolve(error.message));
        }).finally(() => socket.disconnect());
      };
      expect(await connectFrom('http://evil.example')).toBe('unauthenticated');
      expect(await connectFrom(env.baseUrl)).toBe('connected');
    });

    it('disconnects the open sockets of a person who is disabled, reset or moved, and ends their sessions', async () => {
      const changes: [string, string, () => Promise<unknown>][] = [
        ['worker03', 'u-worker03', () => admin.call('POST', '/api/admin/people/u-worker03/disable')],
        ['worker04', 'u-worker04', () => admin.call('POST', '/api/admin/people/u-worker04/password')],
        [
          'worker05',
          'u-worker05',
          () => admin.call('PATCH', '/api/admin/people/u-worker05', { regionId: 'G04' }),
        ],
        [
          'fire1',
          'u-fire1',
          () => admin.call('PATCH', '/api/admin/people/u-fire1', { departmentId: 'dept-cgj' }),
        ],
      ];
      for (const [username, , change] of changes) {
        const person = await env.login(username);
        const socket = await person.socket();
        const closed = closedByServer(socket);
        await change();
        expect(await closed).toBe('io server disconnect');
        expect((await person.call('GET', '/api/me')).status).toBe(401);
      }
      // A new display name changes nothing they may see: the session stays.
      const op = await env.login('op2');
      await admin.call('PATCH', '/api/admin/people/u-op2', { displayName: '值班员 二号' });
      expect((await op.call('GET', '/api/me')).status).toBe(200);
    });

    it('ends a session after 30 idle minutes, and any session 12 h after sign-in', async () => {
      const client = await env.login('sup1');
      const socket = await client.socket();
      skewMs += 29 * 60_000;
      expect((await client.call('GET', '/api/session')).status).toBe(200);
      skewMs += 29 * 60_000;
      expect((await client.call('GET', '/api/session')).status).toBe(200);
      // Sockets are checked every 10 s for sessions that went idle.
      const closed = closedByServer(socket);
      skewMs += 30 * 60_000;
      expect(await closed).toBe('io server disconnect');
      const idle = await client.call<ErrorBody>('GET', '/api/session');
      expect(idle.body.error.code).toBe('unauthenticated');

      // Busy every 15 minutes: fine for 11 h 45 min, over at 12 h.
      const busy = await env.login('sup2');
      const statuses: number[] = [];
      for (let quarter = 1; quarter <= 48; quarter++) {
        skewMs += 15 * 60_000;
        statuses.push((await busy.call('GET', '/api/session')).status);
      }
      expect(statuses.lastIndexOf(200)).toBe(46);
      expect(statuses.at(-1)).toBe(401);
    });
  },
);
