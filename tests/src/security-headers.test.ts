import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { watchCspViolations } from './harness/csp-violations';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/** The security headers on what the real platform serves: console, API, errors, Node-RED. */
describe('security headers from the platform', () => {
  let env: TestPlatform;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ nodeRed: true, staticDir: consoleDir });
  }, 90_000);

  afterAll(async () => {
    await env?.stop();
    await rm(consoleDir, { recursive: true, force: true });
  });

  const COMMON = {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
  };

  it('on the console, its service worker, the API and an API error', async () => {
    const api = await env.login('op1');
    const responses = {
      console: await fetch(`${env.baseUrl}/`),
      deepLink: await fetch(`${env.baseUrl}/cases`),
      serviceWorker: await fetch(`${env.baseUrl}/sw.js`),
      api: await fetch(`${env.baseUrl}/api/cases`, { headers: { cookie: api.cookie } }),
      unauthenticated: await fetch(`${env.baseUrl}/api/cases`),
      noRoute: await fetch(`${env.baseUrl}/api/nowhere`, { headers: { cookie: api.cookie } }),
    };
    expect(Object.fromEntries(Object.entries(responses).map(([name, r]) => [name, r.status]))).toEqual({
      console: 200,
      deepLink: 200,
      serviceWorker: 200,
      api: 200,
      unauthenticated: 401,
      noRoute: 404,
    });
    for (const [name, response] of Object.entries(responses)) {
      const headers = Object.fromEntries(response.headers);
      expect(headers, name).toMatchObject(COMMON);
      expect(headers['content-security-policy'], name).toMatch(
        /^default-src 'self'; script-src 'self'; style-src 'self'; .*frame-ancestors 'none'$/,
      );
      // Plain http here: no HSTS.
      expect(headers['strict-transport-security'], name).toBeUndefined();
    }
  });

  it("gives Node-RED's editor its own, looser policy", async () => {
    const editor = await fetch(`${env.baseUrl}/flows/`);
    expect(editor.status).toBe(200);
    expect(Object.fromEntries(editor.headers)).toMatchObject(COMMON);
    expect(editor.headers.get('content-security-policy')).toContain("script-src 'self' 'unsafe-inline'");
  });

  describe.skipIf(chromiumTestMode() === 'skip')("Node-RED's editor in real Chromium", () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('signs in and shows the palette with the GridSense nodes, without a policy violation', async () => {
      const page = await browser.newPage();
      const violations = await watchCspViolations(page);
      await page.goto(`${env.baseUrl}/flows/`);
      await page.locator('#node-dialog-login-username').fill('eng1');
      // Node-RED's form has one password field: the password followed by the 6-digit code.
      await page.locator('#node-dialog-login-password').fill(await env.editorPassword('eng1'));
      await page.locator('#node-dialog-login-submit').click();
      // The palette fills from node definitions Node-RED loads as inline scripts.
      await page.locator('.red-ui-palette-node[data-palette-type="gridsense-event-in"]').waitFor();
      await page.locator('#red-ui-workspace-chart').waitFor();
      expect(await violations()).toEqual([]);
      await page.close();
    });
  });
});
