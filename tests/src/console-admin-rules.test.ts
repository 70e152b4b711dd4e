import path from 'node:path';
import type { RuleView } from '@gridsense/core';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { expectNoSeriousViolations } from './harness/axe';
import { chromiumTestMode } from './harness/chromium';
import { PHONE, SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';
import { publishReading } from './harness/demo-activity';
import { findHorizontalOverflow, findSmallTouchTargets } from './harness/phone-checks';

/**
 * Rules in the console: list, enable/disable, the form and the JSON ("advanced") view with the
 * API's errors, versions, backtest.
 */

async function editJson(page: Page, change: (rule: Record<string, unknown>) => void): Promise<void> {
  await page.getByTestId('rule-mode-json').click();
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

    await page.getByTestId('rule-mode-json').click();
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

  it('creates a hydrant low-pressure rule through the form, in sync with the JSON, backtested and saved', async () => {
    const hydrant = fixture.env.devices.find((d) => d.type === 'fire_hydrant')!;
    // A pressure drop five minutes ago, for the backtest to find.
    await publishReading(
      fixture.env.mqttUrl,
      hydrant,
      fixture.seqs,
      { pressure: 0.04 },
      Date.now() - 5 * 60_000,
    );
    const page = await fixture.logIn('eng1');
    await page.goto(`${fixture.env.baseUrl}/#/rules/new`);
    const form = page.getByTestId('rule-form');
    await form.waitFor();
    await page.getByTestId('rule-form-id').fill('hydrant-low-form');
    await page.getByTestId('rule-form-name').fill('消火栓水压低');
    await page.getByTestId('rule-form-category').selectOption('fire_safety');
    await page.getByTestId('rule-form-device-type').selectOption('fire_hydrant');
    // The metric follows the device type: a hydrant reports its pressure only.
    expect(await page.getByTestId('rule-form-metric').locator('option').allInnerTexts()).toEqual(['水压']);
    await page.getByTestId('rule-form-direction-below').check();
    // Inverted first (critical above warning): refused, the problem shown under its band.
    await page.getByTestId('rule-form-band-0-level').fill('0.05');
    await page.getByTestId('rule-form-band-1-level').fill('0.1');
    await page.getByTestId('rule-form-clear').fill('0.12');
    await page.getByTestId('rule-form-scope').selectOption([hydrant.gridId]);
    await page.getByTestId('rule-save').click();
    expect(await page.getByTestId('rule-form-error-band1').innerText()).toBe(
      'bands[1].below 必须低于 0.05：较轻的预警档从 0.05 起报，紧急更严重，阈值须更低',
    );
    expect(await page.getByTestId('rule-form-band-1-level').getAttribute('aria-invalid')).toBe('true');

    await page.getByTestId('rule-form-band-0-level').fill('0.1');
    await page.getByTestId('rule-form-band-1-level').fill('0.05');
    const expected = {
      kind: 'threshold',
      id: 'hydrant-low-form',
      name: '消火栓水压低',
      category: 'fire_safety',
      deviceType: 'fire_hydrant',
      metric: 'pressure',
      direction: 'below',
      bands: [
        { severity: 'warning', below: 0.1 },
        { severity: 'critical', below: 0.05 },
      ],
      clearAtOrAbove: 0.12,
      scope: { regionIds: [hydrant.gridId] },
    };
    // The advanced view is the same rule; an edit there shows in the form.
    await page.getByTestId('rule-mode-json').click();
    expect(JSON.parse(await page.getByTestId('rule-json').inputValue())).toEqual(expected);
    await editJson(page, (rule) => {
      rule.forSeconds = 60;
    });
    await page.getByTestId('rule-mode-form').click();
    expect(await page.getByTestId('rule-form-for-seconds').inputValue()).toBe('60');
    await page.getByTestId('rule-form-for-seconds').fill('');
    // A schedule window: weekdays and hours in the form, the same window in the JSON.
    await page.getByTestId('rule-form-add-window').click();
    await page.getByTestId('rule-form-window-0-day-6').check();
    await page.getByTestId('rule-form-window-0-day-7').check();
    await page.getByTestId('rule-form-window-0-start').fill('22:00');
    await page.getByTestId('rule-form-window-0-end').fill('06:00');
    await page.getByTestId('rule-mode-json').click();
    expect(JSON.parse(await page.getByTestId('rule-json').inputValue())).toMatchObject({
      schedule: { windows: [{ days: [6, 7], start: '22:00', end: '06:00' }] },
    });
    await page.getByTestId('rule-mode-form').click();
    await page.getByTestId('rule-form-window-0-remove').click();
    await page.screenshot({ path: path.join(SCREENSHOTS, 'admin-rule-form.png'), fullPage: true });
    await expectNoSeriousViolations(page);

    await page.getByTestId('backtest-run').click();
    const summary = page.getByTestId('backtest-summary');
    await summary.waitFor();
    expect(Number(await summary.getAttribute('data-transitions'))).toBeGreaterThan(0);

    await page.getByTestId('rule-save').click();
    await page.getByTestId('rule-meta').waitFor();
    expect(page.url()).toContain('#/rules/hydrant-low-form');
    const engineer = await fixture.env.login('eng1');
    const saved = await engineer.call<RuleView>('GET', '/api/rules/hydrant-low-form');
    expect(saved.body).toMatchObject({ version: 1, enabled: true, rule: expected });
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
