import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';
import { slopePerNavigation, soakConsole } from './soak/console-soak';
import { keepDistrictBusy, openSoakPage, populateDistrict } from './soak/soak-setup';

/**
 * A shortened operator shift (the 12-hour run is `tests/src/soak/console-soak-cli.ts`, its
 * figure in docs/benchmarks.md): switching map ↔ cases must leave nothing behind.
 */
describe.skipIf(chromiumTestMode() === 'skip')('the console over a shift of navigation', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let stopLive: () => Promise<void> = async () => {};

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    browser = await launchChromium();
    await populateDistrict(env, 8);
    stopLive = keepDistrictBusy(env, 1000);
  }, 180_000);

  afterAll(async () => {
    await stopLive();
    await browser?.close();
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it('keeps DOM nodes and listeners flat across map ↔ cases navigations (after forced GC)', async () => {
    const page = await openSoakPage(browser, env, 'op1');
    const samples = await soakConsole(page, { navigations: 80, sampleEvery: 10 });
    const report = JSON.stringify(
      samples.map(({ navigations, nodes, jsEventListeners }) => [navigations, nodes, jsEventListeners]),
    );
    // Samples at even counts are all on the map page: like for like, the last is where the first was.
    const first = samples[0]!;
    const last = samples.at(-1)!;
    expect(last.nodes - first.nodes, report).toBeLessThan(150);
    expect(last.jsEventListeners - first.jsEventListeners, report).toBeLessThan(10);
    // The leak was ~1,500 nodes a navigation; bounded growth is well under one node.
    expect(slopePerNavigation(samples, 'nodes'), report).toBeLessThan(1);
    expect(slopePerNavigation(samples, 'jsEventListeners'), report).toBeLessThan(0.1);
    await page.context().close();
  }, 900_000);

  it('would see a leak: nodes a page keeps after leaving it show as growth', async () => {
    const page = await openSoakPage(browser, env, 'op1');
    // A deliberate leak: each page's main content kept, detached, after the next navigation.
    await page.evaluate(`
      window.__kept = [];
      addEventListener('hashchange', () => window.__kept.push(document.querySelector('main').cloneNode(true)));
    `);
    const samples = await soakConsole(page, { navigations: 20, sampleEvery: 10 });
    expect(samples.at(-1)!.nodes - samples[0]!.nodes).toBeGreaterThan(5000);
    expect(slopePerNavigation(samples, 'nodes')).toBeGreaterThan(100);
    await page.context().close();
  }, 600_000);
});
