import path from 'node:path';
import type { CaseDetailView, CaseView, PolygonGeometry } from '@gridsense/core';
import { buildDemoDistrict } from '@gridsense/state';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../alerts/src/testing/http-receiver';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, startPopulatedConsole, type PopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';
import { NO_PUSH_API, pushStandIn } from './harness/push-stand-in';

/** The command centre's people picker, the worker's push switch and the map-picked patrol report. */

const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);
const district = buildDemoDistrict();
const boundaryOf = (gridId: string): PolygonGeometry =>
  district.regions.find((region) => region.id === gridId)!.boundary!;
const nameOf = (userId: string): string => district.users.find((user) => user.id === userId)!.displayName;

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

async function caseDetail(page: Page, caseId: string): Promise<CaseDetailView> {
  return (await page.evaluate(`fetch('/api/cases/${caseId}').then((r) => r.json())`)) as CaseDetailView;
}

describe.skipIf(chromiumTestMode() === 'skip')(
  'dispatch, push and map-picked reports in real Chromium',
  () => {
    let fixture: PopulatedConsole;
    let pushService: Awaited<ReturnType<typeof startReceiver>>;

    beforeAll(async () => {
      pushService = await startReceiver([{ status: 201 }]);
      fixture = await startPopulatedConsole();
    }, 90_000);

    afterAll(async () => {
      await fixture?.stop();
      await pushService?.close();
    });

    it('an operator re-dispatches a returned case against the suggestion with a reason; that worker sees it live and gets a push', async () => {
      const { cable } = fixture.cases;
      expect(cable).toMatchObject({ gridId: 'G03', assigneeId: 'u-worker05' });
      const primary = await fixture.env.login('worker05');
      expect(
        (
          await primary.call('POST', `/api/cases/${cable.id}/actions`, {
            action: 'return',
            reason: 'not_my_grid',
          })
        ).status,
      ).toBe(200);

      // The A worker who returned it has the console open and push turned on.
      const backup = await fixture.logIn('worker05', { viewport: PHONE });
      await backup.context().grantPermissions(['notifications']);
      await backup.context().addInitScript(pushStandIn(`${pushService.url}/push/worker05`));
      await backup.reload();
      await expect.poll(() => backup.getByTestId('push').getAttribute('data-state')).toBe('off');
      const subscribed = backup.waitForResponse((r) =>
        r.url().endsWith('/api/notifications/push/subscriptions'),
      );
      await backup.getByTestId('push-toggle').click();
      expect((await subscribed).status()).toBe(201);
      await expect.poll(() => backup.getByTestId('push-toggle').getAttribute('aria-checked')).toBe('true');
      expect(await backup.getByTestId(`case-${cable.id}`).count()).toBe(0);
      expect(await phoneProblems(backup)).toBe('');
      await backup.screenshot({ path: path.join(SCREENSHOTS, 'worker-push-on-phone.png'), fullPage: true });

      const page = await fixture.logIn('op1');
      await page.getByTestId('nav-cases').click();
      await page.getByTestId(`queue-dispatch-${cable.id}`).waitFor();
      expect(describeViolations(seriousViolations(await findAxeViolations(page)))).toBe('');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-queue-dispatch.png') });
      await page.getByTestId(`queue-dispatch-${cable.id}`).click();
      // A returned case opens with the picker; the rule list's pick (not who returned it) is marked and preselected.
      await page.getByTestId('dispatch-form').waitFor();
      await expect
        .poll(() => page.getByTestId('dispatch-suggestion').getAttribute('data-user'))
        .toBe('u-worker06');
      expect(await page.getByTestId('dispatch-assignee').inputValue()).toBe('u-worker06');
      expect(await page.getByTestId('dispatch-reason').count()).toBe(0);
      const offered = await page.getByTestId('dispatch-assignee').locator('option').allTextContents();
      expect(offered.find((text) => text.includes(nameOf('u-worker06')))).toContain('建议');
      expect(offered.some((text) => text.includes(nameOf('u-sup1')))).toBe(true);

      // Back to the A worker who returned it: an override, with a reason.
      await page.getByTestId('dispatch-assignee').selectOption('u-worker05');
      expect(await page.getByTestId('dispatch-submit').isDisabled()).toBe(true);
      await page.getByTestId('dispatch-reason').fill('属本网格范围，A 角离现场更近');
      // The B worker helps as co-handler, with the street desk: chosen, not only suggested.
      expect(await page.getByTestId('dispatch-co-u-worker05').count()).toBe(0);
      // The rule list's co-handler (the community desk) comes open and ticked; the operator swaps it.
      expect(await page.getByTestId('dispatch-co').getAttribute('open')).not.toBeNull();
      const ticked = page.locator('[data-testid^="dispatch-co-u-"]:checked');
      expect(await ticked.count()).toBe(1);
      const suggestedCo = (await ticked.getAttribute('data-testid'))!.replace('dispatch-co-', '');
      expect(await page.getByTestId('dispatch-co-summary').textContent()).toContain(nameOf(suggestedCo));
      await ticked.uncheck();
      expect(await page.getByTestId('dispatch-co-summary').textContent()).toContain('协办：无');
      await page.getByTestId('dispatch-co-u-worker06').check();
      await page.getByTestId('dispatch-co-u-sup1').check();
      await expect
        .poll(() => page.getByTestId('dispatch-co-summary').textContent())
        .toContain(`${nameOf('u-worker06')}、${nameOf('u-sup1')}`);
      expect(describeViolations(seriousViolations(await findAxeViolations(page)))).toBe('');
      await page.screenshot({ path: path.join(SCREENSHOTS, 'operator-dispatch-picker.png'), fullPage: true });
      const answer = page.waitForResponse((r) => r.url().endsWith(`/api/cases/${cable.id}/actions`));
      await page.getByTestId('dispatch-submit').click();
      expect((await answer).status()).toBe(200);

      const entry = page.locator('[data-testid="timeline-entry"][data-action="dispatch"]').last();
      await expect
        .poll(() => entry.getByTestId('timeline-override').textContent())
        .toContain(nameOf('u-worker06'));
      expect(await entry.textContent()).toContain('属本网格范围，A 角离现场更近');
      expect(await entry.textContent()).toContain(nameOf('u-worker05'));
      await page.screenshot({
        path: path.join(SCREENSHOTS, 'operator-dispatch-override.png'),
        fullPage: true,
      });
      expect((await caseDetail(page, cable.id)).timeline.at(-1)).toMatchObject({
        actorId: 'u-op1',
        note: '属本网格范围，A 角离现场更近',
        data: {
          assigneeId: 'u-worker05',
          coHandlerIds: ['u-worker06', 'u-sup1'],
          override: true,
          suggestedId: 'u-worker06',
        },
      });
      expect((await caseDetail(page, cable.id)).case.coHandlers.map((c) => c.id)).toEqual([
        'u-worker06',
        'u-sup1',
      ]);

      // Live on the backup's phone, and through the push service.
      await backup.getByTestId(`case-${cable.id}`).waitFor({ timeout: 10_000 });
      await expect
        .poll(() => pushService.received.filter((r) => r.url === '/push/worker05').length, {
          timeout: 15_000,
        })
        .toBeGreaterThan(0);
      expect(pushService.received.find((r) => r.url === '/push/worker05')!.headers['content-encoding']).toBe(
        'aes128gcm',
      );

      // Off again: the server forgets it, and a reload shows it off.
      const removed = backup.waitForResponse((r) => r.request().method() === 'DELETE');
      await backup.getByTestId('push-toggle').click();
      expect((await removed).status()).toBe(204);
      await backup.reload();
      await expect.poll(() => backup.getByTestId('push').getAttribute('data-state')).toBe('off');
      await page.context().close();
      await backup.context().close();
    });

    it('the people list is for the command centre and the desks of the grid', async () => {
      const page = await fixture.logIn('worker01', { viewport: PHONE });
      const status = (gridId: string) =>
        page.evaluate(`fetch('/api/grids/${gridId}/people').then((r) => r.status)`);
      expect(await status('G01')).toBe(403);
      await page.context().close();
      const otherCommunity = await fixture.env.login('sup2');
      expect((await otherCommunity.call('GET', '/api/grids/G01/people')).status).toBe(404);
    });

    it.each(['unsupported', 'denied'] as const)(
      'the push switch explains a browser that is %s',
      async (state) => {
        const page = await fixture.logIn('worker01', { viewport: PHONE });
        if (state === 'unsupported') await page.context().addInitScript(NO_PUSH_API);
        // Blocked in the site settings, as after a person said no to the prompt.
        else {
          const cdp = await page.context().newCDPSession(page);
          const { targetInfo } = await cdp.send('Target.getTargetInfo');
          await cdp.send('Browser.setPermission', {
            permission: { name: 'notifications' },
            setting: 'denied',
            origin: fixture.env.baseUrl,
            browserContextId: targetInfo.browserContextId!,
          });
        }
        await page.reload();
        const toggle = page.getByTestId('push-toggle');
        await expect.poll(() => page.getByTestId('push').getAttribute('data-state')).toBe(state);
        expect(await toggle.isDisabled()).toBe(true);
        expect(await page.getByTestId('push-status').textContent()).toContain(
          state === 'denied' ? '通知权限已被拒绝' : '不支持推送',
        );
        expect(await phoneProblems(page)).toBe('');
        await page.screenshot({
          path: path.join(SCREENSHOTS, `worker-push-${state}-phone.png`),
          fullPage: true,
        });
        await page.context().close();
      },
    );

    it('says so when the push service cannot be reached, and stays off', async () => {
      const page = await fixture.logIn('worker01', { viewport: PHONE });
      await page.context().grantPermissions(['notifications']);
      await page.reload();
      await expect.poll(() => page.getByTestId('push').getAttribute('data-state')).toBe('off');
      await page.getByTestId('push-toggle').click();
      await expect.poll(() => page.getByTestId('push-error').textContent()).toContain('无法开启推送');
      expect(await page.getByTestId('push').getAttribute('data-state')).toBe('off');
      await page.context().close();
    });

    it.each([
      ['worker01', 'G01', PHONE],
      ['op1', 'G07', undefined],
    ] as const)(
      '%s picks the report location by tapping %s on the map',
      async (username, gridId, viewport) => {
        const page = await fixture.logIn(username, viewport ? { viewport } : {});
        await page.goto(`${fixture.env.baseUrl}/#/report`);
        await page.getByTestId('report-title').fill('小区门口占道经营');
        await page.getByTestId('report-description').fill('流动摊贩占用人行道');
        await page.getByTestId('report-category').selectOption('city_appearance');
        await page
          .getByTestId('report-photo')
          .setInputFiles({ name: 'site.png', mimeType: 'image/png', buffer: PNG });
        await page.getByTestId('report-photo-thumb').waitFor();

        // A quarter in from the west, three quarters down from the north of the (rectangular) grid.
        const grid = page.getByTestId(`location-grid-${gridId}`);
        const box = (await grid.boundingBox())!;
        await grid.click({ position: { x: box.width * 0.25, y: box.height * 0.75 } });
        const ring = boundaryOf(gridId).coordinates[0]!;
        const lngs = ring.map(([lng]) => lng);
        const lats = ring.map(([, lat]) => lat);
        const expectedLng = Math.min(...lngs) + 0.25 * (Math.max(...lngs) - Math.min(...lngs));
        const expectedLat = Math.max(...lats) - 0.75 * (Math.max(...lats) - Math.min(...lats));
        const [lat, lng] = (await page.getByTestId('report-coords').textContent())!.split(',').map(Number);
        // Within a few pixels of where the tap was (the element's box includes its outline's stroke).
        const lngPerPixel = (Math.max(...lngs) - Math.min(...lngs)) / box.width;
        const latPerPixel = (Math.max(...lats) - Math.min(...lats)) / box.height;
        expect(Math.abs(lng! - expectedLng)).toBeLessThan(3 * lngPerPixel);
        expect(Math.abs(lat! - expectedLat)).toBeLessThan(3 * latPerPixel);
        expect(await page.getByTestId('report-grid').getAttribute('data-grid')).toBe(gridId);
        await page.getByTestId('location-marker').waitFor();
        if (viewport) {
          expect(await phoneProblems(page)).toBe('');
          await page.screenshot({
            path: path.join(SCREENSHOTS, 'worker-report-map-pick-phone.png'),
            fullPage: true,
          });
        }

        const answer = page.waitForResponse((r) => r.url().endsWith('/api/cases/reports'));
        await page.getByTestId('report-submit').click();
        const response = await answer;
        expect(response.status()).toBe(201);
        const filed = ((await response.json()) as { case: CaseView }).case;
        expect(filed.gridId).toBe(gridId);
        expect(filed.location).toEqual({ lat, lng });
        await page.context().close();
      },
    );
  },
);
