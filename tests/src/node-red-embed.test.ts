import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, TEST_PASSWORD, type TestPlatform } from './harness/test-platform';

/** Node-RED runs embedded for real at /flows, and its editor admits engineers and admins only. */
describe('embedded Node-RED', () => {
  let env: TestPlatform;

  beforeAll(async () => {
    env = await startTestPlatform({ nodeRed: true });
  });

  afterAll(async () => {
    await env?.stop();
  });

  const requestToken = (username: string) =>
    fetch(`${env.baseUrl}/flows/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: 'node-red-editor',
        grant_type: 'password',
        scope: '*',
        username,
        password: TEST_PASSWORD,
      }),
    });

  it('serves the editor and its API behind a GridSense login', async () => {
    const editor = await fetch(`${env.baseUrl}/flows/`);
    expect(editor.status).toBe(200);
    expect(await editor.text()).toContain('Node-RED');

    expect((await fetch(`${env.baseUrl}/flows/flows`)).status).toBe(401);

    const granted = await requestToken('eng1');
    expect(granted.status).toBe(200);
    const { access_token: token } = (await granted.json()) as { access_token: string };
    const flows = await fetch(`${env.baseUrl}/flows/flows`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(flows.status).toBe(200);
    expect(Array.isArray(await flows.json())).toBe(true);
  });

  it('refuses a grid worker', async () => {
    // Node-RED answers a refused login with 403 and no token.
    const refused = await requestToken('worker01');
    expect(refused.status).toBe(403);
    expect(await refused.text()).not.toContain('access_token');
  });

  it('leaves the API and the console routes to GridSense', async () => {
    const response = await fetch(`${env.baseUrl}/api/me`);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');
  });
});
