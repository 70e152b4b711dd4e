import type { DeviceView, OverviewView } from '@gridsense/core';
import type { DeviceCredential } from '@gridsense/state';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page, Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { DESKTOP, fillSignIn, SCREENSHOTS } from './harness/console-fixture';
import { publishReading, publishStatus } from './harness/demo-activity';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * The walkthrough's camera: connected (its status says online) but silent for nine minutes, when
 * its type promises a heartbeat every minute. It must read 报告逾期, not 在线 — in the API, and in
 * the console, which hears of it without reloading. The platform's clock is moved ahead instead
 * of waiting; the browser's clock follows, so "how long ago" reads the same on both.
 */
describe.skipIf(chromiumTestMode() === 'skip')('device health against the type’s report interval', () => {
  let shiftMs = 0;
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let op: ApiClient;
  let camera: DeviceCredential;
  let smoke: DeviceCredential;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir, now: () => Date.now() + shiftMs });
    browser = await launchChromium();
    camera = env.devices.find((d) => d.type === 'camera' && d.gridId === 'G02')!;
    smoke = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G02')!;
    // Both connected and reporting: the camera's status, the smoke detector's reading.
    await publishStatus(env.mqttUrl, camera, 'online');
    await publishStatus(env.mqttUrl, smoke, 'online');
    await publishReading(env.mqttUrl, smoke, new Map(), { smoke: 0.1, temperature: 21, battery: 90 });
    op = await env.login('op1');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  const deviceView = async (id: string) => {
    const answer = await op.call<DeviceView>('GET', `/api/devices/${id}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  async function openGridPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: DESKTOP,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
    });
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, 'op1');
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${env.baseUrl}/#/grids/G02`);
    await page.getByTestId('device-table').waitFor();
    return page;
  }

  it('shows a connected camera silent for 9 minutes as 报告逾期, live, and 在线 again once it reports', async () => {
    const fresh = await deviceView(camera.id);
    expect(fresh).toMatchObject({ online: true, report: { state: 'online', intervalMs: 60_000 } });

    const page = await openGridPage();
    const row = page.getByTestId(`grid-device-${camera.id}`);
    await expect.poll(() => row.getAttribute('data-report')).toBe('online');
    expect(await row.locator('.status').innerText()).toBe('在线');

    // Nine minutes without a heartbeat: the server's clock moves; the console is told, unasked.
    shiftMs = 9 * 60_000;
    // The server looks at silences every 5 s (REPORT_SWEEP_MS); on a loaded host the push and the
    // browser's redraw may take a while longer.
    await expect.poll(() => row.getAttribute('data-report'), { timeout: 30_000 }).toBe('overdue');
    expect(await row.getAttribute('data-online')).toBe('true'); // still connected
    await page.clock.fastForward('09:00');
    const status = row.locator('.status');
    expect(await status.innerText()).toContain('报告逾期');
    expect(await status.innerText()).not.toContain('在线');
    // Distinct from online in colour too (amber, not green).
    const colour = (selector: string) =>
      page.evaluate(`getComputedStyle(document.querySelector('${selector}')).color`);
    expect(await colour(`[data-testid="grid-device-${camera.id}"] .report`)).toBe('rgb(160, 79, 0)');
    expect(await colour(`[data-testid="grid-device-${smoke.id}"] .report`)).toBe('rgb(29, 122, 69)');
    // The smoke alarm reports twice a day: nine minutes of quiet is normal for it.
    expect(await page.getByTestId(`grid-device-${smoke.id}`).getAttribute('data-report')).toBe('online');
    expect(await page.getByTestId('grid-device-counts').innerText()).toMatch(/在线 \d+ · 逾期 1 · 离线 \d+/);
    // Attention first: the overdue camera is listed before the devices that are fine.
    const order = await page
      .getByTestId('device-table')
      .locator('li')
      .evaluateAll((items) =>
        items.map((item) => (item as unknown as { dataset: { report: string } }).dataset.report),
      );
    expect(order.indexOf('overdue')).toBeLessThan(order.indexOf('online'));

    // The API says the same: connected, last report nine minutes ago, overdue after three.
    const overdue = await deviceView(camera.id);
    expect(overdue.online).toBe(true);
    expect(overdue.report).toMatchObject({ state: 'overdue', intervalMs: 60_000, overdueAfterMs: 180_000 });
    expect(Date.now() + shiftMs - overdue.report.lastReportAt!).toBeGreaterThanOrEqual(9 * 60_000);
    const overview = (await op.call<OverviewView>('GET', '/api/overview')).body;
    expect(overview.devices.find((d) => d.id === camera.id)?.report.state).toBe('overdue');

    // Its page says how long it has been silent and what it promised.
    await page.getByTestId(`grid-device-${camera.id}`).locator('a').click();
    await page.getByTestId('device-health').waitFor();
    expect(await page.getByTestId('device-report').getAttribute('data-report')).toBe('overdue');
    expect(await page.getByTestId('device-report').innerText()).toBe('报告逾期');
    expect(await page.getByTestId('device-overdue-for').innerText()).toMatch(
      /^已 (9|10)分(\d+秒)? 未上报（应每 1分 一次）$/,
    );
    expect(await page.getByTestId('device-report-interval').innerText()).toBe(
      '每 1分 一次，超过 3分 未上报即为逾期',
    );
    await page.screenshot({ path: path.join(SCREENSHOTS, 'device-report-overdue.png') });

    // English keys too.
    await page.getByTestId('lang-en').click();
    expect(await page.getByTestId('device-report').innerText()).toBe('Report overdue');

    // A heartbeat (its online status again) and it is back, without a reload.
    await publishStatus(env.mqttUrl, camera, 'online');
    await expect
      .poll(() => page.getByTestId('device-report').getAttribute('data-report'), { timeout: 15_000 })
      .toBe('online');
    expect(await page.getByTestId('device-report').innerText()).toBe('Online');
    expect((await deviceView(camera.id)).report.state).toBe('online');
    await page.context().close();
  }, 180_000);

  it('lets an engineer list the overdue devices in the registry', async () => {
    shiftMs += 9 * 60_000; // the camera is silent again; the smoke alarm still within its day
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, 'eng1');
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${env.baseUrl}/#/devices`);
    const rows = page.getByTestId('device-registry').locator('tbody tr');
    await rows.first().waitFor();
    await page.getByTestId('filter-report').selectOption('overdue');
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-testid')).toBe(`registry-${camera.id}`);
    // Devices nothing was heard from since they were registered are told apart from offline ones.
    await page.getByTestId('filter-report').selectOption('never');
    await expect.poll(() => rows.count()).toBeGreaterThan(0);
    expect(await rows.first().innerText()).toContain('从未上报');
    await context.close();
  }, 60_000);

  it('a console whose live connection comes after its page loaded still shows an overdue it was not told', async () => {
    // The camera reports again, and the server's sweep has seen it back (REPORT_SWEEP_MS is 5 s).
    await publishStatus(env.mqttUrl, camera, 'online');
    await expect.poll(async () => (await deviceView(camera.id)).report.state).toBe('online');
    await new Promise((resolve) => setTimeout(resolve, 6_000));

    // The live connection is held back while the page loads its data from the API.
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    const held: Route[] = [];
    let holding = true;
    await context.route('**/socket.io/**', (route) => (holding ? held.push(route) : route.continue()));
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, 'op1');
    await page.getByTestId('user-name').waitFor();
    await page.goto(`${env.baseUrl}/#/grids/G02`);
    const row = page.getByTestId(`grid-device-${camera.id}`);
    await expect.poll(() => row.getAttribute('data-report')).toBe('online');
    expect(held.length).toBeGreaterThan(0);

    // It falls overdue, and the server says so once, to consoles already connected: not this one.
    shiftMs += 9 * 60_000;
    await expect.poll(async () => (await deviceView(camera.id)).report.state).toBe('overdue');
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(await row.getAttribute('data-report')).toBe('online');

    // Connected at last, the console fetches what it loaded again instead of trusting it.
    holding = false;
    for (const route of held.splice(0)) await route.continue().catch(() => undefined);
    await expect.poll(() => row.getAttribute('data-report'), { timeout: 20_000 }).toBe('overdue');
    await context.close();
  }, 90_000);
});
