import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { runInspectionPass } from '@gridsense/alerts';
import type { PlaceView } from '@gridsense/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { findHorizontalOverflow } from './harness/phone-checks';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/**
 * 巡检 on the phone: a grid worker opens the places page, finds the inspection due at a place of
 * their grid, answers its checklist (one item failed, with what is wrong), adds a photo and sends
 * it. Sent from outside the grid it is refused with the distance in Chinese; from the place, it is
 * recorded and the inspection leaves the list.
 */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
/** Inside grid G01 (120.15–120.1567 E, 30.255–30.27 N); the other lies a kilometre east. */
const AT_PLACE = { longitude: 120.1531, latitude: 30.2621, accuracy: 12 };
const ACROSS_TOWN = { longitude: 120.165, latitude: 30.2621, accuracy: 12 };

describe.skipIf(chromiumTestMode() === 'skip')('巡检 check-in in real Chromium', () => {
  let consoleDir: string;
  let env: TestPlatform;
  let browser: Browser;
  let admin: ApiClient;
  let place: PlaceView;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    await mkdir(SCREENSHOTS, { recursive: true });
    admin = await env.login('admin');
    const created = await admin.call<PlaceView>('POST', '/api/admin/places', {
      name: '江城路加油站便利店',
      kind: 'shop',
      gridId: 'G01',
      address: '江城路 66 号',
      lng: AT_PLACE.longitude,
      lat: AT_PLACE.latitude,
    });
    expect(created.status).toBe(201);
    place = created.body;
    const state = await env.openState();
    try {
      await runInspectionPass(state, Date.now());
    } finally {
      await state.destroy();
    }
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function phoneOf(username: string): Promise<Page> {
    const context = await browser.newContext({
      viewport: PHONE,
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      geolocation: ACROSS_TOWN,
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    return page;
  }

  it('the worker checks in on a phone: refused across town, recorded at the place', async () => {
    const page = await phoneOf('worker01');
    await page.goto(`${env.baseUrl}/#/places`);
    const due = page.locator(`[data-testid="due-inspection"][data-place="${place.id}"]`);
    await due.waitFor();
    expect(await due.textContent()).toContain('江城路加油站便利店');
    await due.getByTestId('inspection-start').click();
    await page.getByTestId('inspection-form').waitFor();
    expect(await page.getByTestId('inspection-submit').isDisabled()).toBe(true);

    for (const key of place.checklist)
      await page.getByTestId(key === 'gas_safe' ? `check-${key}-fail` : `check-${key}-ok`).check();
    // A failed item says what is wrong before the form can go.
    await page.getByTestId('check-gas_safe-note').fill('燃气软管老化开裂');
    await page.getByTestId('inspection-photo').setInputFiles({
      name: 'site.png',
      mimeType: 'image/png',
      buffer: PNG,
    });
    await page.getByTestId('inspection-photo-thumb').waitFor();
    await expect.poll(() => page.getByTestId('inspection-submit').isDisabled()).toBe(false);
    expect(await findHorizontalOverflow(page)).toEqual({ scrollWidth: 0, culprits: [] });

    const refused = page.waitForResponse((r) => r.url().endsWith(`/api/places/${place.id}/inspections`));
    await page.getByTestId('inspection-submit').click();
    expect((await refused).status()).toBe(400);
    const error = page.getByTestId('inspection-error');
    await error.waitFor();
    expect(await error.textContent()).toMatch(/当前位置在网格 G01 外 \d+ 米，请到场所现场打卡/);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-outside-grid.png'), fullPage: true });

    await page.context().setGeolocation(AT_PLACE);
    const recorded = page.waitForResponse((r) => r.url().endsWith(`/api/places/${place.id}/inspections`));
    await page.getByTestId('inspection-submit').click();
    expect((await recorded).status()).toBe(201);
    // The form closes and the list reloads (the ticker may schedule the next inspection meanwhile).
    await expect.poll(() => page.getByTestId('inspection-form').count()).toBe(0);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inspection-recorded.png'), fullPage: true });

    const detail = (
      await admin.call<
        PlaceView & { inspections: { doneById: string; passed: boolean; checklist: unknown[] }[] }
      >('GET', `/api/places/${place.id}`)
    ).body;
    const done = detail.inspections.find((i) => i.doneById === 'u-worker01');
    expect(done).toMatchObject({ passed: false });
    expect(done!.checklist).toContainEqual({ key: 'gas_safe', ok: false, note: '燃气软管老化开裂' });
    // The failed inspection makes the place yellow, and the row says why.
    await page.reload();
    const row = page.locator(`[data-testid="place-row"][data-place="${place.id}"]`);
    await row.waitFor();
    expect((await row.getByTestId('place-level').textContent())?.trim()).toBe('黄');
    expect(await row.getByTestId('place-why').textContent()).toBe('黄：30 天内1 次巡检不合格');
    await page.context().close();
  });
});
