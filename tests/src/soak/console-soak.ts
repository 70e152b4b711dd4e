import type { CDPSession, Page } from 'playwright-core';

/**
 * An operator's shift compressed into navigations: the console's map and case list in turn, as
 * someone at the command centre switches between them all day. After every `sampleEvery`
 * navigations the page is collected (twice, so finalizers run) and Chromium's own DOM counters
 * are read: detached nodes a page left behind, and listeners never removed, show as growth.
 */
export interface SoakSample {
  navigations: number;
  /** Live DOM nodes in the renderer, attached or not (Memory.getDOMCounters). */
  nodes: number;
  jsEventListeners: number;
  documents: number;
  jsHeapUsedBytes: number;
}

export interface SoakOptions {
  navigations: number;
  sampleEvery: number;
  /** How long each page stays up (its clock ticks, live updates land); default none. */
  dwellMs?: number;
  /** Called after each sample (progress for the long run). */
  onSample?: (sample: SoakSample) => void;
}

/** The two pages and what shows that each has drawn. */
const STOPS = [
  { nav: 'nav-map', ready: 'map' },
  { nav: 'nav-cases', ready: 'cases-count' },
] as const;

export async function sample(cdp: CDPSession, navigations: number): Promise<SoakSample> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const counters = await cdp.send('Memory.getDOMCounters');
  const heap = await cdp.send('Runtime.getHeapUsage');
  return {
    navigations,
    nodes: counters.nodes,
    jsEventListeners: counters.jsEventListeners,
    documents: counters.documents,
    jsHeapUsedBytes: heap.usedSize,
  };
}

/** Navigates map ↔ cases `navigations` times in a signed-in page; the first sample is at 0 (on the map). */
export async function soakConsole(page: Page, options: SoakOptions): Promise<SoakSample[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  await cdp.send('Runtime.enable');
  // One round first, so what is created once per session (stores, the first page's caches) is in
  // the baseline; it ends on the map, as every even-numbered navigation does (like for like).
  for (const stop of [...STOPS].reverse()) await visit(page, stop);
  const samples = [await sample(cdp, 0)];
  options.onSample?.(samples[0]!);
  for (let n = 1; n <= options.navigations; n++) {
    await visit(page, STOPS[n % STOPS.length]!);
    if (options.dwellMs) await page.waitForTimeout(options.dwellMs);
    if (n % options.sampleEvery === 0 || n === options.navigations) {
      const next = await sample(cdp, n);
      samples.push(next);
      options.onSample?.(next);
    }
  }
  await cdp.detach();
  return samples;
}

async function visit(page: Page, stop: (typeof STOPS)[number]): Promise<void> {
  await page.getByTestId(stop.nav).click();
  await page.getByTestId(stop.ready).first().waitFor();
}

/**
 * Growth per navigation after the first samples, by least squares over the later half (the
 * start may still fill caches up to their bound): a leak is a steady slope, not noise.
 */
export function slopePerNavigation(
  samples: readonly SoakSample[],
  field: 'nodes' | 'jsEventListeners',
): number {
  const tail = samples.slice(Math.floor(samples.length / 2));
  if (tail.length < 2) return 0;
  const xs = tail.map((s) => s.navigations);
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
