import type { CDPSession, Page } from 'playwright-core';
import { findDetached, type DetachedReport, type HeapSnapshot } from './heap-detached';

/**
 * An operator's shift compressed into rounds of navigation. After every `sampleEvery` rounds the
 * page is collected (twice, so finalizers run) and Chromium's own counters are read
 * (`Memory.getDOMCounters`): DOM nodes, attached or not, documents and JS event listeners. Nodes
 * a page left behind, and listeners never removed, show as growth. Every sample is taken on the
 * map in Chinese, like for like.
 */
export interface SoakSample {
  rounds: number;
  navigations: number;
  /** Live DOM nodes in the renderer, attached or not (Memory.getDOMCounters). */
  nodes: number;
  /** Of those, in the page's document tree: what is on screen (grows as cases arrive). */
  inDocument: number;
  /**
   * The rest: detached nodes, and the parsed templates Svelte keeps one of per block (bounded).
   * A page kept after it was left grows this by its size every round.
   */
  outsideDocument: number;
  jsEventListeners: number;
  documents: number;
  jsHeapUsedBytes: number;
}

/**
 * - `map-cases`: 一张图 ↔ 工单, two navigations a round (the walkthrough's first report);
 * - `shift`: 一张图 → 工单 → the first case's page → 一张图, switching to English on the list and
 *   back to 中文 on the case page: three navigations and two language switches a round.
 */
export type SoakRoute = 'map-cases' | 'shift';

export interface SoakOptions {
  route?: SoakRoute;
  rounds: number;
  sampleEvery: number;
  /** How long each page stays up (its clock ticks, live updates land); default none. */
  dwellMs?: number;
  /** Called after each sample (progress for the long run). */
  onSample?: (sample: SoakSample) => void;
}

type Step = { navigates: boolean; run: (page: Page) => Promise<void> };

const visit = (nav: string, ready: string): Step => ({
  navigates: true,
  run: async (page) => {
    await page.getByTestId(nav).click();
    await page.getByTestId(ready).first().waitFor();
  },
});

/** The first case in the list, as an operator opens one; none yet: stays on the list. */
const firstCase: Step = {
  navigates: true,
  run: async (page) => {
    const link = page.locator('[data-testid="case-table"] tbody td.title a').first();
    if ((await link.count()) === 0) return;
    await link.click();
    await page.getByTestId('case-title').waitFor();
  },
};

const language = (locale: 'zh-CN' | 'en'): Step => ({
  navigates: false,
  run: async (page) => {
    await page.getByTestId(`lang-${locale}`).click();
    await page.waitForFunction(`document.documentElement.lang === '${locale}'`);
  },
});

const ROUTES: Record<SoakRoute, Step[]> = {
  'map-cases': [visit('nav-cases', 'cases-count'), visit('nav-map', 'map')],
  shift: [
    visit('nav-cases', 'cases-count'),
    language('en'),
    firstCase,
    language('zh-CN'),
    visit('nav-map', 'map'),
  ],
};

const COUNT_DOCUMENT_NODES = `(() => {
  const walker = document.createTreeWalker(document, NodeFilter.SHOW_ALL);
  let count = 1;
  while (walker.nextNode()) count++;
  return count;
})()`;

export async function sample(
  cdp: CDPSession,
  page: Page,
  at: { rounds: number; navigations: number },
): Promise<SoakSample> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const counters = await cdp.send('Memory.getDOMCounters');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const inDocument = (await page.evaluate(COUNT_DOCUMENT_NODES)) as number;
  return {
    ...at,
    nodes: counters.nodes,
    inDocument,
    outsideDocument: counters.nodes - inDocument,
    jsEventListeners: counters.jsEventListeners,
    documents: counters.documents,
    jsHeapUsedBytes: heap.usedSize,
  };
}

/** Runs `rounds` rounds of the route in a signed-in page on the map; the first sample is at 0. */
export async function soakConsole(page: Page, options: SoakOptions): Promise<SoakSample[]> {
  const steps = ROUTES[options.route ?? 'map-cases'];
  const perRound = steps.filter((step) => step.navigates).length;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('Runtime.enable');
  const round = async () => {
    for (const step of steps) {
      await step.run(page);
      if (options.dwellMs && step.navigates) await page.waitForTimeout(options.dwellMs);
    }
  };
  // One round first, so what is created once per session (stores, templates, the first page's
  // caches) is in the baseline; every round ends on the map, as every sample is taken.
  await round();
  const samples = [await sample(cdp, page, { rounds: 0, navigations: 0 })];
  options.onSample?.(samples[0]!);
  for (let n = 1; n <= options.rounds; n++) {
    await round();
    if (n % options.sampleEvery === 0 || n === options.rounds) {
      const next = await sample(cdp, page, { rounds: n, navigations: n * perRound });
      samples.push(next);
      options.onSample?.(next);
    }
  }
  await cdp.detach();
  return samples;
}

/**
 * Growth per round after the first samples, by least squares over the later half (the start
 * may still fill caches up to their bound): a leak is a steady slope, not noise.
 */
export function slopePerRound(
  samples: readonly SoakSample[],
  field: 'nodes' | 'outsideDocument' | 'jsEventListeners',
): number {
  const tail = samples.slice(Math.floor(samples.length / 2));
  if (tail.length < 2) return 0;
  const xs = tail.map((s) => s.rounds);
  const ys = tail.map((s) => s[field]);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    den += (xs[i]! - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * What holds the page's detached DOM nodes, from a heap snapshot: counts by kind and a few
 * retainer paths (for a failing soak's message, or `--retainers` on the CLI).
 */
export async function explainDetached(page: Page, paths = 3): Promise<DetachedReport> {
  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  await cdp.detach();
  return findDetached(JSON.parse(chunks.join('')) as HeapSnapshot, paths);
}

export function describeDetached(report: DetachedReport): string {
  const kinds = report.byName
    .slice(0, 8)
    .map(([name, count]) => `${count} ${name.slice(0, 60)}`)
    .join(', ');
  const paths = report.paths.map((path) => path.join(' ')).join('\n');
  return `${report.total} detached DOM nodes (${kinds})\n${paths}`;
}
