import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/** Rules in the console: list, enable/disable, JSON editing with the API's errors, versions, backtest. */

async function editJson(page: Page, change: (rule: Record<string, unknown>) => void): Promise<void> {
  const editor = page.getByTestId('rule-json');
  const rule = JSON.parse(await editor.inputValue()) as Record<string, unknown>;
  change(rule);
  await editor.fill(JSON.stringify(rule, null, 2));
}

describe.skipIf(chromiumTestMode() === 'skip')('console rules in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('lets an engineer disable and enable a rule from the list, next to the Node-RED link', async () => {
    const page = await fixture.logIn('eng1');
    await page.getByTestId('nav-rules').click();
    const row = page.getByTestId('rule-smoke-high');
    await row.waitFor();
    expect(await page.getByTestId('node-red-link').getAttribute('href')).toBe('/flows');
    expect(await row.getAttribute('data-enabled')).toBe('true');
    await page.getByTestId('rule-toggle-smoke-high').click();
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('false');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-rules.png'), fullPage: true });
    await expectNoSeriousViolations(page);
    await page.getByTestId('rule-toggle-smoke-high').click();
    await expect.poll(() => row.getAttribute('data-enabled')).toBe('true');
    await page.context().close();
  });

  it('shows JSON and API validation errors inline, saves a version, backtests and rolls back', async () => {
    const page = await fixture.logIn('eng1');
    await page.goto(`${fixture.env.baseUrl}/#/rules/smoke-high`);
    await page.getByTestId('rule-meta').waitFor();
    const versionOf = async () =>
      Number(/v(\d+)/.exec((await page.getByTestId('rule-meta').textContent()) ?? '')?.[1]);
    const before = await versionOf();

    await page.getByTestId('rule-json').fill('{ "kind": "threshold",');
    await page.getByTestId('rule-json-error').waitFor();
    expect(await page.getByTestId('rule-save').isDisabled()).toBe(true);

    await page.goto(`${fixture.env.baseUrl}/#/rules`);
    await page.goto(`${fixture.env.baseUrl}/#/rules/smoke-high`);
    await page.getByTestId('rule-meta').waitFor();
    await editJson(page, (rule) => {
      rule.clearAtOrBelow = 'low';
      rule.scope = { regionIds: ['nowhere'] };
    });
    await page.getByTestId('rule-save').click();
    await page.getByTestId('rule-errors-list').waitFor();
    expect(await page.getByTestId('rule-errors-list').textContent()).toMatch(/clearAtOrBelow 必须是数字/);

    // Inverted bands (critical starting below warning) are refused with a word, not saved.
    await editJson(page, (rule) => {
      delete rule.scope;
      rule.bands = [
        { severity: 'warning', above: 15 },
        { severity: 'critical', above: 10 },
      ];
      rule.clearAtOrBelow = 3;
    });
    await page.getByTestId('rule-save').click();
    await expect
      .poll(() => page.getByTestId('rule-errors-list').textContent())
      .toContain('bands[1].above 必须高于 15：较轻的预警档从 15 起报，紧急更严重，阈值须更高');
    expect(await versionOf()).toBe(before);

    await page.goto(`${fixture.env.baseUrl}/#/rules`);
    await page.goto(`${fixture.env.baseUrl}/#/rules/smoke-high`);
    await page.getByTestId('rule-meta').waitFor();
    await editJson(page, (rule) => {
      rule.clearAtOrBelow = 3;
      delete rule.scope;
    });
    await page.getByTestId('backtest-run').click();
    const summary = page.getByTestId('backtest-summary');
    await summary.waitFor();
    expect(Number(await summary.getAttribute('data-transitions'))).toBeGreaterThan(0);
    await page.getByTestId('backtest').locator('canvas').first().waitFor();
    // Beside the draft, the live version over the same window.
    expect(await page.getByTestId('backtest-live').locator('h3').innerText()).toBe(`当前版本 v${before}`);
    await page.getByTestId('backtest-live-summary').waitFor();

    await page.getByTestId('rule-save').click();
    await expect.poll(versionOf).toBe(before + 1);
    await page.getByTestId(`rule-version-${before}`).waitFor();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-rule-editor.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    // Versions name who made them.
    expect(await page.getByTestId('rule-versions').innerText()).not.toMatch(/\bu-[\w-]+/);
    // A rollback takes a second tap.
    await page.getByTestId(`rule-rollback-${before}`).click();
    expect(await versionOf()).toBe(before + 1);
    await page.getByTestId(`rule-rollback-${before}-confirm`).click();
    await expect.poll(versionOf).toBe(before + 2);
    expect(JSON.parse(await page.getByTestId('rule-json').inputValue())).toMatchObject({ clearAtOrBelow: 2 });
    await page.context().close();
  });

  it('fits the rule editor on a phone, and shows operators rules read-only without the nav entry', async () => {
    const phone = await fixture.logIn('eng1', { viewport: PHONE, locale: 'en' });
    await phone.goto(`${fixture.env.baseUrl}/#/rules/gas-leak`);
    await phone.getByTestId('rule-meta').waitFor();
    expect(await phone.getByTestId('rule-save').textContent()).toContain('Save');
    expect((await findHorizontalOverflow(phone)).culprits).toEqual([]);
    expect(await findSmallTouchTargets(phone)).toEqual([]);
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'admin-rule-phone.png'), fullPage: true });
    await phone.context().close();

    const operator = await fixture.logIn('op1');
    expect(await operator.getByTestId('nav-rules').count()).toBe(0);
    await operator.goto(`${fixture.env.baseUrl}/#/rules`);
    await operator.getByTestId('rule-smoke-high').waitFor();
    expect(await operator.getByTestId('rule-toggle-smoke-high').count()).toBe(0);
    expect(await operator.getByTestId('node-red-link').count()).toBe(0);
    await operator.context().close();
  });
});
