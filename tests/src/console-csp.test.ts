import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { startReceiver } from '../../alerts/src/testing/http-receiver';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, usePopulatedConsole } from './harness/console-fixture';
import { watchCspViolations } from './harness/csp-violations';
import { pushStandIn } from './harness/push-stand-in';

/** The console under its Content-Security-Policy in real Chromium: every main page, no violation. */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** Reloads under the policy (checking it is there) and returns the violation reader. */
async function underPolicy(page: Page): Promise<() => Promise<string[]>> {
  const violations = await watchCspViolations(page);
  const document = await page.reload();
  expect(document?.headers()['content-security-policy']).toContain("script-src 'self'");
  await page.getByTestId('user-name').waitFor();
  return violations;
}

/** Follows a navigation link and waits for the page's own element (a CSS selector). */
async function visit(page: Page, nav: string, ready: string): Promise<void> {
  await page.getByTestId(`nav-${nav}`).click();
  await page.locator(ready).first().waitFor();
}

const id = (testId: string) => `[data-testid="${testId}"]`;

describe.skipIf(chromiumTestMode() === 'skip')('the console under its Content-Security-Policy', () => {
  const fixture = usePopulatedConsole();

  it('blocks an injected inline script, so the watch below can see a violation', async () => {
    const page = await fixture.logIn('op1');
    const violations = await underPolicy(page);
    await page.evaluate(`(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.head.append(script);
    })()`);
    expect(await page.evaluate('window.__injected === true')).toBe(false);
    await expect.poll(async () => (await violations()).join('\n')).toContain('script-src');
    await page.context().close();
  });

  it("an operator's pages: map, grid, device, queue, case detail with its camera frame, analytics, audit", async () => {
    const page = await fixture.logIn('op1');
    const violations = await underPolicy(page);
    await visit(page, 'map', id('grid-G01'));
    await page.getByTestId('grid-G01').click();
    await page.getByTestId('panel-grid-link').click();
    await page.getByTestId('grid-page').waitFor();
    await page.goto(`${fixture.env.baseUrl}/#/devices/${fixture.smoke.id}`);
    await page.getByTestId('device-health').waitFor();
    await visit(page, 'cases', id(`case-${fixture.cases.smoke.id}`));
    await page.goto(`${fixture.env.baseUrl}/#/cases/${fixture.cases.camera.id}`);
    // The camera's frame comes from the camera's own server and must still show.
    await expect
      .poll(() =>
        page.evaluate(`document.querySelector('[data-testid="camera-snapshot"] img')?.naturalWidth ?? 0`),
      )
      .toBe(640);
    await page.goto(`${fixture.env.baseUrl}/#/cases/${fixture.cases.smoke.id}`);
    await page.getByTestId('case-title').waitFor();
    await visit(page, 'hotline', id('hotline-form'));
    await visit(page, 'analytics', id('analytics-page'));
    await visit(page, 'audit', id('audit-page'));
    expect(await violations()).toEqual([]);
    await page.context().close();
  });

  it("an admin's pages: rules, a rule, devices, regions, people, case settings", async () => {
    const page = await fixture.logIn('admin');
    const violations = await underPolicy(page);
    await visit(page, 'rules', id('rules-page'));
    await page.goto(`${fixture.env.baseUrl}/#/rules/new`);
    await page.getByTestId('rule-page').waitFor();
    await visit(page, 'devices', id('devices-page'));
    await visit(page, 'regions', id('regions-page'));
    await visit(page, 'people', id('people-page'));
    await visit(page, 'admin', id('admin-page'));
    expect(await violations()).toEqual([]);
    await page.context().close();
  });

  it("a grid worker's phone: push on (service worker), a patrol report with a photo", async () => {
    const pushService = await startReceiver([{ status: 201 }]);
    try {
      const page = await fixture.logIn('worker01', { viewport: PHONE });
      await page.context().grantPermissions(['notifications']);
      await page.context().addInitScript(pushStandIn(`${pushService.url}/push/worker01`));
      const violations = await underPolicy(page);
      await visit(page, 'my', id('push'));
      const subscribed = page.waitForResponse((r) =>
        r.url().endsWith('/api/notifications/push/subscriptions'),
      );
      await page.getByTestId('push-toggle').click();
      expect((await subscribed).status()).toBe(201);
      expect(await page.evaluate(`navigator.serviceWorker.getRegistration('/sw.js').then((r) => !!r)`)).toBe(
        true,
      );
      await visit(page, 'report', id('report-form'));
      await page
        .getByTestId('report-photo')
        .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
      await expect
        .poll(() =>
          page.evaluate(`document.querySelector('[data-testid="report-photo-thumb"]')?.naturalWidth ?? 0`),
        )
        .toBe(1);
      await visit(page, 'cases', `${id('cases-count')}, ${id('cases-empty')}`);
      expect(await violations()).toEqual([]);
      await page.context().close();
    } finally {
      await pushService.close();
    }
  });
});
