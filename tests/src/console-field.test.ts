import { rm } from 'node:fs/promises';
import path from 'node:path';
import { polygonCentroid, type CaseDetailView, type CaseView, type PolygonGeometry } from '@gridsense/core';
import { buildDemoDistrict } from '@gridsense/state';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { DESKTOP, fillSignIn, PHONE, SCREENSHOTS } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

/** The grid worker in the field, on a phone: where to go, arriving with position and photo, uploads. */

const district = buildDemoDistrict();
const insideGrid = (gridId: string): { lat: number; lng: number } =>
  polygonCentroid(district.regions.find((region) => region.id === gridId)!.boundary as PolygonGeometry);

async function phoneProblems(page: Page): Promise<string> {
  const overflow = await findHorizontalOverflow(page);
  return [
    ...overflow.culprits,
    ...(await findSmallTouchTargets(page)),
    describeViolations(seriousViolations(await findAxeViolations(page))),
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * A 4000×3000 camera-sized JPEG, drawn in the page (Node has no image encoder): a gradient under
 * coloured blocks, so it compresses like a photo rather than like a flat colour.
 */
async function cameraPhoto(page: Page): Promise<Buffer> {
  const base64 = (await page.evaluate(`(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 4000;
    canvas.height = 3000;
    const context = canvas.getContext('2d');
    const gradient = context.createLinearGradient(0, 0, 4000, 3000);
    gradient.addColorStop(0, '#3a6'); gradient.addColorStop(1, '#a63');
    context.fillStyle = gradient;
    context.fillRect(0, 0, 4000, 3000);
    for (let y = 0; y < 3000; y += 6)
      for (let x = 0; x < 4000; x += 6) {
        context.fillStyle = 'rgba(' + (x * 7 + y * 13) % 255 + ',' + (x * y) % 251 + ',' + (y * 3) % 255 + ',0.5)';
        context.fillRect(x, y, 6, 6);
      }
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  })()`)) as string;
  return Buffer.from(base64, 'base64');
}

describe.skipIf(chromiumTestMode() === 'skip')('the grid worker in the field, in real Chromium', () => {
  let env: TestPlatform;
  let consoleDir: string;
  let browser: Browser;
  let op: ApiClient;
  const site = insideGrid('G01');

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    op = await env.login('op1');
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  async function phoneOf(
    username: string,
    position?: { lat: number; lng: number },
    desktop = false,
  ): Promise<Page> {
    const context = await browser.newContext({
      ...(desktop
        ? { viewport: DESKTOP }
        : { viewport: PHONE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 }),
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      ...(position
        ? {
            permissions: ['geolocation'],
            geolocation: { latitude: position.lat, longitude: position.lng, accuracy: 12 },
          }
        : {}),
    });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, username);
    await page.getByTestId('user-name').waitFor();
    return page;
  }

  async function hotlineCase(title: string, address: string): Promise<CaseView> {
    const call = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
      title,
      description: `${title}（来电反映）`,
      category: 'city_appearance',
      severity: 'warning',
      location: site,
      address,
      callerName: '吴芳',
      callerPhone: '13500004444',
    });
    expect(call.status).toBe(201);
    // 市容 waits for 立案: the operator registers it and the rule list routes it to the grid's worker.
    const registered = await op.call<CaseView>('POST', `/api/cases/${call.body.case.id}/actions`, {
      action: 'register',
    });
    expect(registered.body.assigneeId).toMatch(/^u-/);
    return registered.body;
  }

  it('shows the worker the address with links that open a map app there, on the card and the case, and whom to call', async () => {
    // The operator who took the call has a work phone on record; the caller's number stays hidden.
    const admin = await env.login('admin');
    const saved = await admin.call('PUT', '/api/admin/people/u-op1/contacts', { phone: '138 0000 2222' });
    expect(saved.status).toBe(200);
    const view = await hotlineCase('楼道堆放杂物', '幸福路 12 号 3 单元');
    const page = await phoneOf(view.assigneeId!.replace(/^u-/, ''));
    const card = page.getByTestId(`case-${view.id}`);
    await card.waitFor();
    expect(await card.getByTestId('case-address').textContent()).toBe('幸福路 12 号 3 单元');
    const amap = new URL((await card.getByTestId('nav-amap').getAttribute('href'))!);
    expect(amap.origin).toBe('https://uri.amap.com');
    expect(amap.searchParams.get('position')).toBe(`${site.lng.toFixed(6)},${site.lat.toFixed(6)}`);
    expect(amap.searchParams.get('coordinate')).toBe('wgs84');
    expect(amap.searchParams.get('name')).toBe('幸福路 12 号 3 单元');
    expect(await card.getByTestId('nav-geo').getAttribute('href')).toMatch(
      new RegExp(`^geo:${site.lat.toFixed(6)},${site.lng.toFixed(6)}\\?q=`),
    );
    expect(await phoneProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-card-address.png'), fullPage: true });

    await card.getByRole('link', { name: '楼道堆放杂物' }).click();
    const place = page.getByTestId('case-place');
    await place.waitFor();
    expect(await place.getByTestId('case-address').textContent()).toBe('幸福路 12 号 3 单元');
    const baidu = new URL((await place.getByTestId('nav-baidu').getAttribute('href'))!);
    expect(baidu.searchParams.get('location')).toBe(`${site.lat.toFixed(6)},${site.lng.toFixed(6)}`);
    expect(baidu.searchParams.get('coord_type')).toBe('wgs84');
    const call = place.getByTestId('call-u-op1');
    await call.waitFor();
    expect(await call.getAttribute('href')).toBe('tel:13800002222');
    expect(await call.textContent()).toContain('上报人');
    expect(await place.locator('a[href^="tel:"]').count()).toBe(1);
    expect(await page.content()).not.toContain('13500004444');
    expect(await phoneProblems(page)).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-case-place.png'), fullPage: true });
    await page.context().close();
  }, 240_000);

  it('到达 records the phone position and a site photo, shrunk on the phone, uploaded with progress, cancellable', async () => {
    const view = await hotlineCase('小区门口井盖缺失', '和平街 8 号东门');
    const here = { lat: site.lat + 0.0001, lng: site.lng - 0.0001 };
    const page = await phoneOf(view.assigneeId!.replace(/^u-/, ''), here);
    await page.goto(`${env.baseUrl}/#/cases/${view.id}`);
    await page.getByTestId('action-accept').click();
    await page.getByTestId('action-arrive').click();
    const form = page.getByTestId('arrive-form');
    await form.waitFor();
    await expect.poll(() => form.getByTestId('arrive-position').getAttribute('data-state')).toBe('found');
    expect(await form.getByTestId('arrive-position').textContent()).toContain('12 米');

    // Two ways to add a photo: the camera, or one already taken (a capture input offers only the camera).
    const camera = form.getByTestId('arrive-photo-camera');
    const chooser = form.getByTestId('arrive-photo');
    expect(await camera.getAttribute('capture')).toBe('environment');
    expect(await chooser.getAttribute('capture')).toBeNull();
    expect(await phoneProblems(page)).toBe('');

    const original = await cameraPhoto(page);
    expect(original.length).toBeGreaterThan(1_000_000);

    // A weak network: the upload shows how far it got, and the worker gives up on it.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 300,
      downloadThroughput: 64 * 1024,
      uploadThroughput: 16 * 1024,
    });
    await chooser.setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: original });
    const progress = form.getByTestId('arrive-photo-progress');
    await progress.waitFor();
    await expect
      .poll(async () => Number(await progress.getAttribute('value')), { timeout: 60_000 })
      .toBeGreaterThan(0);
    expect(Number(await progress.getAttribute('value'))).toBeLessThan(1);
    expect(await form.getByTestId('arrive-submit').isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-arrive-uploading.png'), fullPage: true });
    await form.getByTestId('arrive-photo-cancel').click();
    await expect.poll(() => form.getByTestId('arrive-photo-pending').count()).toBe(0);
    expect(await form.getByTestId('arrive-photo-thumb').count()).toBe(0);
    expect(await form.getByRole('alert').count()).toBe(0);
    expect(await form.getByTestId('arrive-submit').isDisabled()).toBe(false);

    // Back on a working network, the same photo goes through.
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
    const uploaded = page.waitForResponse((r) => r.url().endsWith('/api/photos'));
    await chooser.setInputFiles({ name: 'IMG_0001.jpg', mimeType: 'image/jpeg', buffer: original });
    expect((await uploaded).status()).toBe(201);
    await form.getByTestId('arrive-photo-thumb').waitFor();
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${view.id}/actions`));
    await form.getByTestId('arrive-submit').click();
    expect((await answer).status()).toBe(200);

    const detail = (await page.evaluate(
      `fetch('/api/cases/${view.id}').then((r) => r.json())`,
    )) as CaseDetailView;
    expect(detail.case.state).toBe('in_progress');
    const arrival = detail.timeline.find((entry) => entry.action === 'arrive')!;
    expect(arrival.data).toMatchObject({ position: { lat: here.lat, lng: here.lng, accuracyM: 12 } });
    const photos = arrival.data!.photos as string[];
    expect(photos).toHaveLength(1);
    // What reached the server is a JPEG no larger than 1600 px, a fraction of the camera file.
    const stored = (await page.evaluate(`(async () => {
      const response = await fetch(${JSON.stringify(photos[0])});
      const blob = await response.blob();
      const bitmap = await createImageBitmap(blob);
      return { type: blob.type, size: blob.size, width: bitmap.width, height: bitmap.height };
    })()`)) as { type: string; size: number; width: number; height: number };
    expect(stored).toMatchObject({ type: 'image/jpeg', width: 1600, height: 1200 });
    expect(stored.size).toBeLessThan(original.length / 3);

    const entry = page.locator('[data-testid="timeline-entry"][data-action="arrive"]');
    await entry.locator('img').first().waitFor();
    // The supervisor reading the timeline sees where the worker stood, on a map if they like.
    const where = entry.getByTestId('timeline-position');
    expect(await where.textContent()).toContain('误差约 12 米');
    const onMap = new URL((await where.locator('a').getAttribute('href'))!);
    expect(onMap.searchParams.get('position')).toBe(`${here.lng.toFixed(6)},${here.lat.toFixed(6)}`);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'worker-arrived.png'), fullPage: true });
    await page.context().close();
  }, 240_000);

  it('an administrator sets a person’s work phone and DingTalk / WeCom ids on the people page', async () => {
    const page = await phoneOf('admin', undefined, true);
    await page.goto(`${env.baseUrl}/#/people`);
    const editor = page.getByTestId('contacts-editor');
    await editor.waitFor();
    await editor.getByTestId('contacts-person').selectOption('u-worker02');
    await editor.getByTestId('contacts-phone').fill('139 0000 3333');
    await editor.getByTestId('contacts-dingtalk').fill('ding-w02');
    await editor.getByTestId('contacts-wecom').fill('not valid');
    await editor.getByTestId('contacts-save').click();
    await expect
      .poll(() => editor.getByTestId('contacts-wecom-error').textContent())
      .toContain('企业微信 userid 必须是');
    await editor.getByTestId('contacts-wecom').fill('WangWu');
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/admin/people/u-worker02/contacts'));
    await editor.getByTestId('contacts-save').click();
    expect((await saved).status()).toBe(200);
    expect(await editor.getByTestId('contacts-wecom-error').textContent()).toBe('');
    const admin = await env.login('admin');
    expect((await admin.call('GET', '/api/admin/people/u-worker02/contacts')).body).toEqual({
      phone: '13900003333',
      dingtalkUserId: 'ding-w02',
      wecomUserId: 'WangWu',
    });
    // Chosen again later, the stored values come back.
    await page.reload();
    await editor.getByTestId('contacts-person').selectOption('u-worker02');
    await expect.poll(() => editor.getByTestId('contacts-phone').inputValue()).toBe('13900003333');
    expect(describeViolations(seriousViolations(await findAxeViolations(page)))).toBe('');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-person-contacts.png'), fullPage: true });
    await page.context().close();
  }, 240_000);
});
