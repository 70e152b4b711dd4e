import type { FusionConfig } from '@gridsense/core';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow } from './harness/phone-checks';

/** The district administrator edits the fusion groups and suppression rules in real Chromium. */
describe.skipIf(chromiumTestMode() === 'skip')('console alarm fusion settings in real Chromium', () => {
  const fixture = usePopulatedConsole();

  async function openFusion(page: Page): Promise<void> {
    await page.goto(`${fixture.env.baseUrl}/#/admin`);
    await page.getByTestId('fusion-groups').waitFor();
    await page.getByTestId('fusion-edit').click();
    await page.getByTestId('fusion-form').waitFor();
  }

  it('shows the groups by name, refuses a bad radius in Chinese, saves a narrower one, and audits it', async () => {
    const page = await fixture.logIn('admin');
    const api = await fixture.env.login('admin');
    await page.goto(`${fixture.env.baseUrl}/#/admin`);
    const fire = page.getByTestId('fusion-group-row-fire');
    await fire.waitFor();
    expect(await fire.textContent()).toContain('烟感探测器');
    expect(await fire.textContent()).toContain('300');
    expect(await page.getByTestId('fusion-rules').textContent()).toContain('社区');

    await openFusion(page);
    await page.getByTestId('fusion-group-0-radius').fill('0');
    await page.getByTestId('fusion-save').click();
    await expect
      .poll(() => page.getByTestId('fusion-form').locator('.error').allTextContents())
      .toEqual(['groups[0].radiusM 必须是 1–5000 之间的整数']);
    await expectNoSeriousViolations(page);
    await page.getByTestId('fusion-form').screenshot({ path: path.join(SCREENSHOTS, 'admin-fusion.png') });

    await page.getByTestId('fusion-group-0-radius').fill('120');
    await page.getByTestId('fusion-group-0-window').fill('5');
    await page.getByTestId('fusion-save').click();
    await page.getByTestId('fusion-form').waitFor({ state: 'detached' });
    await expect.poll(() => fire.textContent()).toContain('120');

    const { body } = await api.call<FusionConfig>('GET', '/api/admin/fusion');
    expect(body.groups.find((g) => g.key === 'fire')).toMatchObject({ radiusM: 120, windowMs: 300_000 });
    await page.goto(`${fixture.env.baseUrl}/#/audit`);
    await page.getByTestId('audit-table').waitFor();
    const newest = page.getByTestId('audit-table').locator('tbody tr').first();
    expect(await newest.getAttribute('data-action')).toBe('admin.fusion_set');
    expect(await newest.textContent()).toContain('修改告警归并与抑制');
    await page.context().close();
  });

  it('fits a 360 px phone in English', async () => {
    const page = await fixture.logIn('admin', { viewport: PHONE, locale: 'en' });
    await openFusion(page);
    expect(await page.getByTestId('fusion-form').textContent()).toContain('Fusion groups');
    expect((await findHorizontalOverflow(page)).culprits).toEqual([]);
    await expectNoSeriousViolations(page);
    await page.context().close();
  });
});
