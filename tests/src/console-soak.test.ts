import { rm } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseView } from '@gridsense/core';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { waitForOpenCases } from './harness/demo-activity';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';
import {
  describeDetached,
  explainDetached,
  slopePerRound,
  soakConsole,
  type SoakSample,
} from './soak/console-soak';
import {
  keepAlarmsComing,
  keepDistrictBusy,
  openSoakPage,
  populateDistrict,
  startLiveDistrict,
} from './soak/soak-setup';

/**
 * A shortened operator shift (the 12-hour run is `tests/src/soak/console-soak-cli.ts`, its
 * figures in docs/benchmarks.md): whatever an operator does all day must leave nothing behind.
 * Chromium's own DOM counters are read after forced GC (`Memory.getDOMCounters`): they count
 * detached nodes too, which the page's own tree does not show.
 */
const table = (samples: SoakSample[]) =>
  JSON.stringify(
    samples.map((s) => [s.rounds, s.nodes, s.inDocument, s.outsideDocument, s.jsEventListeners, s.documents]),
  );

/** On failure, what holds the detached nodes (heap snapshot retainer paths) goes into the message. */
async function why(page: Page, failing: boolean): Promise<string> {
  return failing ? `\n${describeDetached(await explainDetached(page))}` : '';
}

describe.skipIf(chromiumTestMode() === 'skip')('the console over a shift of navigation', () => {
  let browser: Browser;
  let consoleDir: string;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  describe('a populated district, one device flipping status every second', () => {
    let env: TestPlatform;
    let stopLive: () => Promise<void> = async () => {};

    beforeAll(async () => {
      env = await startTestPlatform({ staticDir: consoleDir });
      await populateDistrict(env, 8);
      stopLive = keepDistrictBusy(env, 1000);
    }, 120_000);

    afterAll(async () => {
      await stopLive();
      await env?.stop();
    });

    it('keeps DOM nodes and listeners flat across 80 map ↔ cases navigations (after forced GC)', async () => {
      const page = await openSoakPage(browser, env, 'op1');
      const samples = await soakConsole(page, { route: 'map-cases', rounds: 40, sampleEvery: 5 });
      const report = table(samples);
      const first = samples[0]!;
      const last = samples.at(-1)!;
      const nodesSlope = slopePerRound(samples, 'nodes');
      const detail = await why(page, last.nodes - first.nodes >= 150 || nodesSlope >= 2);
      expect(last.nodes - first.nodes, report + detail).toBeLessThan(150);
      expect(last.jsEventListeners - first.jsEventListeners, report).toBeLessThan(10);
      // The leak was ~1,500 nodes a navigation; bounded growth is well under one node.
      expect(nodesSlope, report + detail).toBeLessThan(2);
      expect(slopePerRound(samples, 'jsEventListeners'), report).toBeLessThan(0.2);
      await page.context().close();
    }, 900_000);

    it('would see a leak: nodes a page keeps after leaving it show as growth', async () => {
      const page = await openSoakPage(browser, env, 'op1');
      // A deliberate leak: each page's main content kept, detached, after the next navigation.
      await page.evaluate(`
        window.__kept = [];
        addEventListener('hashchange', () => window.__kept.push(document.querySelector('main').cloneNode(true)));
      `);
      const samples = await soakConsole(page, { route: 'map-cases', rounds: 10, sampleEvery: 5 });
      expect(samples.at(-1)!.outsideDocument - samples[0]!.outsideDocument).toBeGreaterThan(5000);
      expect(slopePerRound(samples, 'outsideDocument')).toBeGreaterThan(200);
      const held = await explainDetached(page, 1);
      expect(held.total).toBeGreaterThan(5000);
      // The retainer path names the owner: the window's __kept array.
      expect(held.paths[0]!.join(' ')).toContain('__kept');
      await page.context().close();
    }, 600_000);
  });

  describe('the demo running live: simulator on, cases arriving', () => {
    let env: TestPlatform;

    beforeAll(async () => {
      env = await startLiveDistrict(consoleDir, 1000);
    }, 120_000);

    afterAll(async () => {
      await env?.stop();
    });

    it('keeps nodes outside the page, listeners and documents flat over map → cases → case → map rounds with the language switched', async () => {
      // The simulator's first risk opens a case within seconds; the case page step needs one. A
      // smoke alarm from another grid every 3 s makes sure more keep coming during the run.
      const op = await env.login('op1');
      const atStart = (await waitForOpenCases(op, 1, 60_000)).length;
      const stopAlarms = keepAlarmsComing(env, 3000);
      const page = await openSoakPage(browser, env, 'op1');
      const samples = await soakConsole(page, { route: 'shift', rounds: 16, sampleEvery: 4 }).finally(
        stopAlarms,
      );
      const report = table(samples);
      // Cases kept arriving while it ran: the pages had live pushes to take in.
      const atEnd = (await op.call<CaseView[]>('GET', '/api/cases?scope=open')).body.length;
      expect(atEnd, 'open cases at the end').toBeGreaterThan(atStart);
      const first = samples[0]!;
      const last = samples.at(-1)!;
      // What is on screen grows as cases arrive; what is outside it must not. A page kept after
      // it was left is hundreds of nodes a round (the report: ~1,500 a navigation); Svelte's
      // template cache grows once, when a kind of block shows for the first time.
      const outsideSlope = slopePerRound(samples, 'outsideDocument');
      const outsideGrowth = last.outsideDocument - first.outsideDocument;
      const detail = await why(page, outsideSlope >= 60 || outsideGrowth >= 1000);
      expect(outsideSlope, report + detail).toBeLessThan(60);
      expect(outsideGrowth, report + detail).toBeLessThan(1000);
      expect(slopePerRound(samples, 'jsEventListeners'), report).toBeLessThan(0.5);
      expect(last.jsEventListeners - first.jsEventListeners, report).toBeLessThan(20);
      expect(last.documents, report).toBeLessThanOrEqual(first.documents + 1);
      await page.context().close();
    }, 900_000);
  });
});
