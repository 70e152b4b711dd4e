import type { CaseView, RegionAdminView } from '@gridsense/core';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { chooseNewPassword, PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';
import type { ApiClient } from './harness/test-platform';

/**
 * The south-east corner of 柳翠社区 (C4, 120.17–120.19 E, 30.24–30.255 N): the demo's grids tile
 * the district, so its third grid G12 first gives this room up.
 */
const ROOM_WEST = 120.187;
const RING: [number, number][] = [
  [ROOM_WEST, 30.24],
  [120.19, 30.24],
  [120.19, 30.25],
  [ROOM_WEST, 30.25],
  [ROOM_WEST, 30.24],
];

async function makeRoomInG12(admin: ApiClient): Promise<void> {
  const regions = (await admin.call<RegionAdminView[]>('GET', '/api/admin/regions')).body;
  const corners = regions.find((r) => r.id === 'G12')!.boundary!.coordinates[0]!;
  const [west, south] = corners[0]!;
  const north = corners[2]![1];
  const ring = [
    [west, south],
    [ROOM_WEST, south],
    [ROOM_WEST, north],
    [west, north],
    [west, south],
  ];
  const boundary = { type: 'Polygon', coordinates: [ring] };
  expect((await admin.call('PUT', '/api/admin/regions/G12/boundary', { boundary })).status).toBe(200);
}
const geojson = (ring: [number, number][]) =>
  Buffer.from(
    JSON.stringify({
      type: 'FeatureCollection',
      features: [
        {
          type: 'Feature',
          properties: { gridId: 'G13', name: '柳翠社区新建网格' },
          geometry: { type: 'Polygon', coordinates: [ring] },
        },
      ],
    }),
  );
const pickFile = (page: Page, testId: string, ring: [number, number][]) =>
  page
    .getByTestId(testId)
    .setInputFiles({ name: 'g13.geojson', mimeType: 'application/geo+json', buffer: geojson(ring) });

describe.skipIf(chromiumTestMode() === 'skip')('grids and people in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('imports a new grid, gives it a new primary worker, and a patrol report there goes to them', async () => {
    await makeRoomInG12(await fixture.env.login('admin'));
    const page = await fixture.logIn('admin');
    await page.getByTestId('nav-regions').click();
    await page.getByTestId('region-tree').waitFor();
    expect(await page.getByTestId('duty-G01-primary').textContent()).toContain('网格员');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-regions.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    // A ring that does not close is refused before anything is sent.
    await page.getByTestId('new-grid-parent').selectOption('C4');
    await page.getByTestId('new-grid-id').fill('G13');
    await pickFile(page, 'new-grid-boundary-file', RING.slice(0, 4).concat([[120.19, 30.245]]));
    await expect
      .poll(() => page.getByTestId('new-grid-boundary-error').textContent())
      .toContain('外环未闭合');
    expect(await page.getByTestId('new-grid-boundary-preview').count()).toBe(0);

    // Half of it east of the district: the server's dry run says so under the picker as soon as the
    // file is read, and the preview is drawn red, before anything is submitted.
    const across = RING.map(([lng, lat]): [number, number] => [lng + 0.0015, lat]);
    await pickFile(page, 'new-grid-boundary-file', across);
    await page.getByTestId('new-grid-boundary-preview').waitFor();
    await expect
      .poll(() => page.getByTestId('new-grid-boundary-error').textContent())
      .toContain('超出社区 C4');
    const refusal = await page.getByTestId('new-grid-boundary-error').textContent();
    expect(refusal).toContain('超出街道 S2');
    expect(refusal).toContain('超出区 D1');
    expect(await page.getByTestId('grid-__preview').getAttribute('data-risk')).toBe('red');
    expect(await page.getByTestId('tree-G13').count()).toBe(0);

    await pickFile(page, 'new-grid-boundary-file', RING);
    await page.getByTestId('new-grid-boundary-preview').waitFor();
    await expect.poll(() => page.getByTestId('grid-__preview').getAttribute('data-risk')).toBe('yellow');
    expect((await page.getByTestId('new-grid-boundary-error').textContent())?.trim()).toBe('');
    expect(await page.getByTestId('new-grid-name').inputValue()).toBe('柳翠社区新建网格');
    expect(await page.getByTestId('grid-__preview').count()).toBe(1);
    await page.getByTestId('new-grid').screenshot({ path: path.join(SCREENSHOTS, 'admin-grid-import.png') });
    await expectNoSeriousViolations(page);
    await page.getByTestId('new-grid-submit').click();
    await page.getByTestId('tree-G13').waitFor();

    // A new worker: the initial password once, then their duty as G13's primary.
    await page.getByTestId('nav-people').click();
    await page.getByTestId('person-form').waitFor();
    await page.getByTestId('person-username').fill('worker25');
    await page.getByTestId('person-name').fill('网格员 新人');
    await page.getByTestId('person-role').selectOption('grid_worker');
    await page.getByTestId('person-region').selectOption('G13');
    await page.getByTestId('person-submit').click();
    const password = await page.getByTestId('initial-password').inputValue();
    expect(password).toMatch(/^[A-Za-z0-9]{12}$/);
    await page.getByTestId('person-worker25').waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-people.png'), fullPage: true });
    await expectNoSeriousViolations(page);
    await page.getByTestId('password-done').click();
    expect(await page.content()).not.toContain(password);

    await page.getByTestId('nav-regions').click();
    await page.getByTestId('assign-G13').click();
    await page.getByTestId('duty-primary').selectOption('u-worker25');
    await page.getByTestId('duty-save').click();
    await expect.poll(() => page.getByTestId('duty-G13-primary').textContent()).toContain('网格员 新人');
    await page.context().close();

    const op = await fixture.env.login('op1');
    const filed = await op.call<{ case: CaseView }>('POST', '/api/cases/reports', {
      title: '新建小区井盖缺失',
      description: '新建网格内井盖缺失',
      category: 'facility',
      subcategory: 'facility.manhole',
      caseType: 'facility.manhole.missing',
      severity: 'warning',
      location: { lat: 30.245, lng: 120.1885 },
      photos: ['/api/photos/00000000-0000-4000-8000-000000000000.png'],
    });
    expect(filed.status).toBe(201);
    expect(filed.body.case).toMatchObject({ gridId: 'G13', state: 'reported' });
    // 市政设施 waits for 立案; once registered, the rule list routes it to the new grid's duty.
    const registered = await op.call<CaseView>('POST', `/api/cases/${filed.body.case.id}/actions`, {
      action: 'register',
    });
    expect(registered.body).toMatchObject({ gridId: 'G13', assigneeId: 'u-worker25' });

    // The new worker signs in with the password shown once, chooses their own, and is in.
    const worker = await fixture.browser.newPage({ viewport: PHONE });
    await worker.goto(`${fixture.env.baseUrl}/#/login`);
    await worker.getByTestId('login-username').fill('worker25');
    await worker.getByTestId('login-password').fill(password);
    await worker.getByTestId('login-submit').click();
    await chooseNewPassword(worker, password);
    await expect.poll(() => worker.getByTestId('user-name').textContent()).toContain('网格员 新人');
    await worker.close();
  }, 120_000);

  it('resets an engineer’s two-factor sign-in: their sessions end and they enrol again', async () => {
    const engineer = await fixture.env.login('eng1');
    expect((await engineer.call('GET', '/api/rules')).status).toBe(200);
    const page = await fixture.logIn('admin');
    await page.getByTestId('nav-people').click();
    await page.getByTestId('people-table').waitFor();
    await page.getByTestId('reset-totp-eng1').click();
    await page.getByTestId('reset-totp-eng1-confirm').click();
    await expect.poll(async () => (await engineer.call('GET', '/api/rules')).status).toBe(401);
    fixture.env.authenticator.forget('eng1');
    // Signing in again asks for enrolment first (the harness enrols through the API).
    const again = await fixture.env.login('eng1');
    expect((await again.call('GET', '/api/rules')).status).toBe(200);
    await page.context().close();
  });

  it('fits a 360 px phone in English', async () => {
    const page = await fixture.logIn('admin', { viewport: PHONE, locale: 'en' });
    for (const [nav, ready, name] of [
      ['nav-regions', 'region-tree', 'admin-regions-phone.png'],
      ['nav-people', 'people-table', 'admin-people-phone.png'],
    ] as const) {
      await page.getByTestId(nav).click();
      await page.getByTestId(ready).waitFor();
      if (nav === 'nav-regions') {
        await page.getByTestId('import-G02').click();
        await pickFile(page, 'boundary-file', RING);
        // The file names G13, not G02: refused on the phone too, in words.
        await expect.poll(() => page.getByTestId('boundary-error').textContent()).toContain('not G02');
      } else {
        await page.getByTestId('edit-worker03').click();
      }
      expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
      expect(await findSmallTouchTargets(page)).toEqual([]);
      await page.screenshot({ path: path.join(SCREENSHOTS, name), fullPage: true });
      await expectNoSeriousViolations(page);
    }
    await page.context().close();

    const operator = await fixture.logIn('op1');
    expect(await operator.getByTestId('nav-people').count()).toBe(0);
    await operator.goto(`${fixture.env.baseUrl}/#/people`);
    await expect
      .poll(() => operator.getByTestId('people-error').textContent())
      .toMatch(/只有管理员可以管理网格和人员/);
    await operator.context().close();
  });
});
