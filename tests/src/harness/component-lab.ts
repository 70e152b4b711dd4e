import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';

/**
 * The component lab (web/client/lab/) built with the console's own Vite config, so widgets are
 * tested in real Chromium exactly as they ship. Pages get it from an intercepted origin: no server.
 */
const LAB_ORIGIN = 'http://lab.test';
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export async function buildComponentLab(): Promise<string> {
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-lab-'));
  await build({
    configFile: path.resolve(import.meta.dirname, '../../../web/vite.config.ts'),
    build: {
      outDir,
      emptyOutDir: true,
      rolldownOptions: { input: path.resolve(import.meta.dirname, '../../../web/client/lab/index.html') },
    },
    logLevel: 'warn',
  });
  return outDir;
}

export type LabComponent = 'CaseTimeline' | 'DeadlineCountdown' | 'GridMap';

export interface LabPage {
  page: Page;
  mount(name: LabComponent, props: Record<string, unknown>, locale?: 'zh-CN' | 'en'): Promise<void>;
  /** The callbacks the widget made so far, as [name, ...arguments]. */
  events(): Promise<unknown[][]>;
}

/** A fresh page on the lab; with `clockAt`, the page runs on Playwright's fake clock, paused at that time. */
export async function openLab(
  browser: Browser,
  labDir: string,
  options: { clockAt?: number; viewport?: { width: number; height: number } } = {},
): Promise<LabPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 900, height: 700 },
    timezoneId: 'Asia/Shanghai',
  });
  await context.route(`${LAB_ORIGIN}/**`, async (route) => {
    const file = path.join(labDir, decodeURIComponent(new URL(route.request().url()).pathname));
    if (!file.startsWith(labDir)) return route.fulfill({ status: 403 });
    try {
      const body = await readFile(file);
      await route.fulfill({ body, contentType: TYPES[path.extname(file)] ?? 'application/octet-stream' });
    } catch {
      await route.fulfill({ status: 404 });
    }
  });
  const page = await context.newPage();
  if (options.clockAt !== undefined) await page.clock.install({ time: options.clockAt - 5000 });
  await page.goto(`${LAB_ORIGIN}/lab/index.html`);
  await page.waitForFunction('"lab" in window');
  // Stopped on the dot: the console's clock ticks on whole seconds, so it now reads exactly clockAt.
  if (options.clockAt !== undefined) await page.clock.pauseAt(options.clockAt);
  return {
    page,
    async mount(name, props, locale = 'zh-CN') {
      await page.evaluate(
        ({ name, props, locale }) => {
          (globalThis as unknown as { lab: { mount(...args: unknown[]): void } }).lab.mount(
            name,
            props,
            locale,
          );
        },
        { name, props, locale },
      );
    },
    events: () => page.evaluate(() => (globalThis as unknown as { lab: { events: unknown[][] } }).lab.events),
  };
}
