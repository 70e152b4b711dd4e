import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_PASSWORD, type TestPlatform } from './harness/test-platform';

/**
 * A sign-in sent from one of the loopback addresses (127.0.0.0/8), so the server sees attempts
 * from different source addresses.
 */
function signInFrom(
  env: TestPlatform,
  localAddress: string,
  username: string,
  password: string,
): Promise<{ status: number; retryAfter: string | undefined }> {
  const { port } = new URL(env.baseUrl);
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: '127.0.0.1',
        port,
        localAddress,
        path: '/api/session',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, retryAfter: response.headers['retry-after'] }),
        );
      },
    );
    sent.on('error', reject);
    sent.end(JSON.stringify({ username, password }));
  });
}

/** Each checked attempt costs one slow password hash (about 0.2–1 s here): hence the long timeouts. */
describe('sign-in throttling: per account and per source address, growing delays, 429 with Retry-After', () => {
  let env: TestPlatform;
  let skewMs = 0;

  beforeAll(async () => {
    env = await startTestPlatform({ now: () => Date.now() + skewMs });
  });
  afterAll(async () => env?.stop());

  it('refuses even the right password for a while after 25 wrong ones for one account, from any address', async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 25; i++)
      statuses.add((await signInFrom(env, `127.0.1.${i + 1}`, 'worker07', 'Wrong-guess-1')).status);
    // The first ones are checked and wrong; later ones are refused unchecked.
    expect([...statuses].sort()).toEqual([401, 429]);

    const right = await signInFrom(env, '127.0.1.100', 'worker07', TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.retryAfter)).toBeGreaterThan(10 * 60);
    // Another account from the same addresses is not held up.
    expect((await signInFrom(env, '127.0.1.100', 'worker08', TEST_PASSWORD)).status).toBe(200);

    skewMs += 16 * 60_000;
    expect((await signInFrom(env, '127.0.1.101', 'worker07', TEST_PASSWORD)).status).toBe(200);
  }, 120_000);

  it('slows one address that tries many names, and only that address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++)
      statuses.push((await signInFrom(env, '127.0.2.1', `nobody${i}`, 'Wrong-guess-1')).status);
    expect(statuses.slice(0, 20)).toEqual(Array<number>(20).fill(401));
    expect(statuses.at(-1)).toBe(429);

    const right = await signInFrom(env, '127.0.2.1', 'op1', TEST_PASSWORD);
    expect(right.status).toBe(429);
    expect(Number(right.retryAfter)).toBeGreaterThan(0);
    expect((await signInFrom(env, '127.0.2.2', 'op1', TEST_PASSWORD)).status).toBe(200);
  }, 120_000);

  it('throttles checking the current password on a password change too', async () => {
    const client = await env.login('op2');
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const answer = await client.call('POST', '/api/me/password', {
        currentPassword: `Wrong-guess-${i}`,
        newPassword: 'Harbour-lights-7',
      });
      statuses.push(answer.status);
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400]);
    expect(statuses.at(-1)).toBe(429);
  });
});
