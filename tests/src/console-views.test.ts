import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import {
  DESKTOP,
  PHONE,
  SCREENSHOTS,
  type PopulatedConsole,
  usePopulatedConsole,
} from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/**
 * Every main view, as an operator and as a grid worker, on a desktop and on a 360 px phone, in
 * Chinese and once in English: populated, screenshotted, and free of serious accessibility issues.
 */

interface View {
  name: string;
  hash: string;
  /** A selector that is there once the view shows its data. */
  ready: string;
}

function viewsFor(fixture: PopulatedConsole, role: 'operator' | 'worker'): View[] {
  const { smoke } = fixture.cases;
  const shared: View[] = [
    { name: 'cases', hash: '#/cases', ready: `[data-testid="case-${smoke.id}"]` },
    {
      name: 'case',
      hash: `#/cases/${smoke.id}`,
      ready: '[data-testid="camera-snapshot"], [data-testid="trigger-chart"]',
    },
    { name: 'device', hash: `#/devices/${fixture.smoke.id}`, ready: '[data-testid="chart-smoke"]' },
    { name: 'grid', hash: '#/grids/G01', ready: '[data-testid="grid-page"] figure' },
  ];
  return role === 'operator'
    ? [
        { name: 'map', hash: '#/map', ready: `[data-testid="pin-${smoke.id}"]` },
        ...shared,
        {
          name: 'case-camera',
          hash: `#/cases/${fixture.cases.camera.id}`,
          ready: '[data-testid="camera-snapshot"] img',
        },
      ]
    : [{ name: 'my', hash: '#/my', ready: `[data-testid="case-${smoke.id}"]` }, ...shared];
}

/** Waits for the view's data and for every chart to finish loading. */
async function showView(page: Page, baseUrl: string, view: View): Promise<void> {
  await page.goto(`${baseUrl}/${view.hash}`);
  await page.locator(view.ready).first().waitFor();
  // A locator, not waitForFunction: its string predicate is eval'd in the page, which the CSP refuses.
  await page.locator('figure[data-state="loading"]').first().waitFor({ state: 'detached' });
  // Charts draw on the next frame after their data lands.
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))',
  );
}

describe.skipIf(chromiumTestMode() === 'skip')('every console view in real Chromium', () => {
  const fixture = usePopulatedConsole();

  const matrix = [
    { locale: 'zh-CN', role: 'operator', device: 'desktop' },
    { locale: 'zh-CN', role: 'operator', device: 'phone' },
    { locale: 'zh-CN', role: 'worker', device: 'desktop' },
    { locale: 'zh-CN', role: 'worker', device: 'phone' },
    { locale: 'en', role: 'operator', device: 'desktop' },
    { locale: 'en', role: 'worker', device: 'phone' },
  ] as const;

  it.each(matrix)(
    '$locale $role on a $device: populated, accessible, fits',
    async ({ locale, role, device }) => {
      const page = await fixture.logIn(role === 'operator' ? 'op1' : 'worker01', {
        viewport: device === 'phone' ? PHONE : DESKTOP,
        locale,
      });
      const problems: string[] = [];
      // Everything (fonts, chart styles, map) comes from the console's own server: it works offline.
      const offsite: string[] = [];
      page.on('request', (request) => {
        const { protocol, hostname } = new URL(request.url());
        if (protocol !== 'data:' && hostname !== '127.0.0.1') offsite.push(request.url());
      });
      for (const view of viewsFor(fixture, role)) {
        await showView(page, fixture.env.baseUrl, view);
        expect(await page.locator('html').getAttribute('lang')).toBe(locale);
        await page.screenshot({
          path: path.join(SCREENSHOTS, `view-${locale}-${role}-${device}-${view.name}.png`),
          fullPage: true,
        });
        const serious = seriousViolations(await findAxeViolations(page));
        if (serious.length > 0) problems.push(`${view.name} axe:\n${describeViolations(serious)}`);
        if (device === 'phone') {
          const overflow = await findHorizontalOverflow(page);
          if (overflow.scrollWidth > 0)
            problems.push(
              `${view.name} scrolls sideways by ${overflow.scrollWidth}px: ${overflow.culprits.join(', ')}`,
            );
          const small = await findSmallTouchTargets(page);
          if (small.length > 0) problems.push(`${view.name} small touch targets:\n${small.join('\n')}`);
        }
      }
      await page.context().close();
      expect(problems.join('\n\n')).toBe('');
      expect(offsite).toEqual([]);
    },
  );
});
