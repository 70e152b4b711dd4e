import type { CaseDetailView } from '@gridsense/core';
import mqtt from 'mqtt';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn } from './harness/console-fixture';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/** Screenshots of the main views land here (CI keeps the folder). */
const SCREENSHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe.skipIf(chromiumTestMode() === 'skip')('the console in real Chromium', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function logIn(username: string, viewport: { width: number; height: number }): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    return page;
  }

  it('shows the operator the district map and the worker a pushed case to resolve with a photo', async () => {
    const operator = await logIn('op1', { width: 1280, height: 800 });
    await operator.getByTestId('map').waitFor();
    expect(await operator.locator('[data-testid^="grid-G"]').count()).toBe(12);
    expect(await operator.locator('[data-testid^="device-"]').count()).toBe(env.devices.length);
    await operator.screenshot({ path: path.join(SCREENSHOTS, 'operator-map.png') });

    const worker = await logIn('worker01', { width: 360, height: 740 });
    await worker.getByTestId('my-empty').waitFor();

    const smoke = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G01')!;
    const device = await mqtt.connectAsync(env.mqttUrl, {
      clientId: smoke.id,
      username: smoke.id,
      password: smoke.secret,
      reconnectPeriod: 0,
    });
    await device.publishAsync(
      `gs/v1/G01/${smoke.id}/telemetry`,
      JSON.stringify({ seq: 1, metrics: { smoke: 22, temperature: 35, battery: 80 } }),
      { qos: 1 },
    );
    await device.endAsync();

    // Pushed over socket.io: no reload.
    const card = worker.locator('[data-testid^="case-C"]');
    await card.waitFor();
    const caseId = (await card.getAttribute('data-testid'))!.slice('case-'.length);
    await worker.screenshot({ path: path.join(SCREENSHOTS, 'worker-my-cases.png') });

    await card.getByTestId('action-accept').click();
    await expect.poll(() => card.getAttribute('data-state')).toBe('accepted');
    await card.locator('h2 a').click();
    await worker.getByTestId('action-resolve').click();
    await worker.getByTestId('resolve-note').fill('已到场处置，烟雾为装修粉尘，已通风');
    await worker
      .getByTestId('resolve-photo')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await worker.getByTestId('resolve-submit').click();
    await worker.locator('[data-testid="timeline-entry"][data-action="resolve"]').waitFor();
    await worker.screenshot({ path: path.join(SCREENSHOTS, 'worker-case-resolved.png'), fullPage: true });

    const api = await env.login('op1');
    const detail = await api.call<CaseDetailView>('GET', `/api/cases/${caseId}`);
    expect(detail.body.case.state).toBe('resolved');
    const resolve = detail.body.timeline.find((e) => e.action === 'resolve')!;
    expect(resolve.note).toBe('已到场处置，烟雾为装修粉尘，已通风');
    expect((resolve.data as { photos: string[] }).photos).toHaveLength(1);

    await operator.goto(`${env.baseUrl}/#/cases/${caseId}`);
    await operator.locator('[data-testid="timeline-entry"][data-action="resolve"]').waitFor();
    expect(await operator.getByTestId('timeline-entry').count()).toBe(5);
    await operator.screenshot({ path: path.join(SCREENSHOTS, 'operator-case-detail.png'), fullPage: true });
  });
});
