import path from 'node:path';
import { polygonCentroid, type CaseDetailView } from '@gridsense/core';
import { buildDemoDistrict } from '@gridsense/state';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/** A grid worker's patrol report on a 360 px phone: GPS location, camera photo, category → a case. */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

describe.skipIf(chromiumTestMode() === 'skip')('patrol report in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it.each([
    ['city_appearance', 'opened'],
    ['fire_safety', 'opened'],
  ] as const)('reports a %s hazard with the phone location and a photo (%s)', async (category, outcome) => {
    const district = buildDemoDistrict();
    const worker = district.users.find((user) => user.username === 'worker01')!;
    const gridId = worker.duties[0]!.gridId;
    const centre = polygonCentroid(district.regions.find((region) => region.id === gridId)!.boundary!);

    const page = await fixture.logIn('worker01', { viewport: PHONE });
    await page.context().grantPermissions(['geolocation']);
    await page.context().setGeolocation({ latitude: centre.lat, longitude: centre.lng });
    await page.getByTestId('nav-report').click();
    await page.getByTestId('report-form').waitFor();
    await page.getByTestId('report-title').fill('消防通道堆放杂物');
    await page.getByTestId('report-description').fill('三号楼北侧消防通道被电动车和纸箱堵塞');
    await page.getByTestId('report-category').selectOption(category);
    expect(await page.getByTestId('report-submit').isDisabled()).toBe(true);

    await page.getByTestId('report-locate').click();
    await expect
      .poll(() => page.getByTestId('report-coords').textContent())
      .toContain(String(centre.lat).slice(0, 6));
    await page
      .getByTestId('report-photo')
      .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
    await page.getByTestId('report-photo-thumb').waitFor();
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(page)).toEqual([]);
    await expectNoSeriousViolations(page);
    if (category === 'city_appearance')
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'worker-patrol-report-phone.png'),
        fullPage: true,
      });

    const answer = page.waitForResponse((response) => response.url().endsWith('/api/cases/reports'));
    await page.getByTestId('report-submit').click();
    const response = await answer;
    expect(response.status()).toBe(201);
    expect(((await response.json()) as { outcome: string }).outcome).toBe(outcome);
    await page.waitForURL(/#\/cases\//);
    const caseId = decodeURIComponent(page.url().split('#/cases/')[1]!);
    const detail = (await page.evaluate(
      `fetch('/api/cases/${caseId}').then((r) => r.json())`,
    )) as CaseDetailView;
    // A person's report never fuses: even beside G01's open smoke case it opens its own, and the
    // two are marked possibly related for the desk to merge by hand.
    expect(detail.case).toMatchObject({ category, gridId, source: 'patrol', sourceCount: 1 });
    if (category === 'fire_safety')
      expect(detail.timeline.some((entry) => entry.action === 'possibly_related')).toBe(true);
    await page.getByTestId('toast').filter({ hasText: detail.case.id }).first().waitFor();
    await page.screenshot({
      path: path.join(SCREENSHOTS, `worker-patrol-${category}-phone.png`),
      fullPage: true,
    });
    await page.context().close();
  });

  it('registers a hotline call for an operator, with the caller masked on the new case', async () => {
    const page = await fixture.logIn('op1');
    await page.getByTestId('nav-hotline').click();
    await page.getByTestId('hotline-form').waitFor();
    await page.getByTestId('hotline-caller').fill('张三');
    await page.getByTestId('hotline-phone').fill('12');
    await page.getByTestId('hotline-title').fill('小区门口占道经营');
    await page.getByTestId('hotline-description').fill('早上七点起流动摊贩占用人行道');
    await page.getByTestId('hotline-category').selectOption('city_appearance');
    await page.getByTestId('place-search').fill('G02');
    await page.getByTestId('place-G02').click();
    await page.getByTestId('hotline-submit').click();
    // The API's own words, inline: the phone is too short.
    await expect
      .poll(() => page.getByTestId('hotline-error').textContent())
      .toContain('callerPhone 必须是 5–20 位数字');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-hotline-error.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    await page.getByTestId('hotline-phone').fill('13812345678');
    await page.getByTestId('hotline-submit').click();
    await page.waitForURL(/#\/cases\//);
    const caseId = decodeURIComponent(page.url().split('#/cases/')[1]!);
    const detail = (await page.evaluate(
      `fetch('/api/cases/${caseId}').then((r) => r.json())`,
    )) as CaseDetailView;
    expect(detail.case).toMatchObject({
      source: 'hotline',
      gridId: 'G02',
      requester: { name: '张*', phone: '138****5678' },
    });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-hotline-case.png'), fullPage: true });
    await page.context().close();
  });
});
