import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chromiumTestMode } from './harness/chromium';
import { SCREENSHOTS, usePopulatedConsole } from './harness/console-fixture';

/**
 * The Chinese console in real Chromium shows words, not the codes the API stores: no snake_case,
 * no user ids, no English words in the text or the tooltips of the pages an operator and an
 * administrator open.
 */

/**
 * ASCII that may stand in Chinese text: the product's name, the language switch naming English
 * in English, units, formats the forms explain.
 */
const ALLOWED = new Set([
  'GridSense',
  'English',
  'CSV',
  'MTTA',
  'MTTR',
  'Webhook',
  'GeoJSON',
  'HH',
  'MM',
  'obs',
  'ppm',
  'LEL',
  'https',
  'http',
]);

/** Words that look like codes in a text: snake_case, `u-` ids, and English words of 3+ letters. */
export function codeLikeWords(text: string): string[] {
  const found = new Set<string>();
  for (const match of text.matchAll(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g)) found.add(match[0]);
  for (const match of text.matchAll(/\bu-[\w-]+/g)) found.add(match[0]);
  for (const match of text.matchAll(/(?<![\w./-])[A-Za-z]{3,}(?![\w-])/g))
    if (!ALLOWED.has(match[0])) found.add(match[0]);
  return [...found].sort();
}

/** The page's visible text and every tooltip on it. */
async function screenText(page: Page): Promise<string> {
  return page.evaluate<string>(
    `[document.body.innerText, ...[...document.querySelectorAll('[title]')].map((el) => el.getAttribute('title'))].join('\\n')`,
  );
}

describe('the code scanner', () => {
  it('finds codes when they are there', () => {
    expect(
      codeLikeWords('fire_safety @ 清河区 · u-fire1 · sent · 3wd · 签收时限 7 分钟 · 22 %obs/m · GridSense'),
    ).toEqual(['fire_safety', 'sent', 'u-fire1']);
  });
});

describe.skipIf(chromiumTestMode() === 'skip')('codes in the Chinese console in real Chromium', () => {
  const fixture = usePopulatedConsole();

  it('shows the case configuration in words: deadlines, categories, people, deliveries', async () => {
    const page = await fixture.logIn('admin');
    await page.goto(`${fixture.env.baseUrl}/#/admin`);
    await page.getByTestId('admin-categories').waitFor();
    await page.getByTestId('admin-rosters').locator('li').first().waitFor();
    // The demo's info cases run on working days (`1wd`, `5wd`).
    expect(await page.getByTestId('sla-any-info').innerText()).toMatch(/到场时限 1 个工作日/);
    expect(await page.getByTestId('sla-any-info').innerText()).not.toMatch(/\d+wd\b/);
    expect(await page.getByTestId('admin-rosters').innerText()).not.toContain('u-fire1');
    expect(await page.getByTestId('admin-dispatch').innerText()).not.toMatch(/\bfire_safety\b/);
    await page.getByTestId('sla-any-info-edit').click();
    await page.getByTestId('sla-any-info-resolve').fill('4wh');
    expect(await page.getByTestId('sla-any-info-resolve-words').innerText()).toBe('4 个工作小时');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'codes-admin.png'), fullPage: true });
    expect(codeLikeWords(await screenText(page))).toEqual([]);
    await page.context().close();
  });

  it('shows cases, their timelines and the analytics definitions in words', async () => {
    const page = await fixture.logIn('op1');
    for (const view of Object.values(fixture.cases)) {
      await page.goto(`${fixture.env.baseUrl}/#/cases/${view.id}`);
      await page.getByTestId('timeline').waitFor();
      expect({ case: view.id, codes: codeLikeWords(await screenText(page)) }).toEqual({
        case: view.id,
        codes: [],
      });
    }
    await page.goto(`${fixture.env.baseUrl}/#/analytics`);
    await page.getByTestId('rate-response').waitFor();
    // Each figure points to its definition, written out on the page.
    const definition = await page.getByTestId('rate-response').getAttribute('aria-describedby');
    expect(await page.locator(`#${definition}`).innerText()).toMatch(/^响应率：/);
    expect(codeLikeWords(await screenText(page))).toEqual([]);
    await page.context().close();
  });
});
