import type { OverviewView } from '@gridsense/core';
import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildConsole } from './harness/console-build';
import { DESKTOP, fillSignIn } from './harness/console-fixture';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/** A 1 × 1 grey PNG: what an intranet tile server answers, as far as the browser cares. */
const TILE_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNoAAAAggCBd81ytgAAAABJRU5ErkJggg==',
  'base64',
);

/**
 * GRIDSENSE_MAP_TILES draws a base map from the operator's own tile server under the grids: the
 * console asks that server for the tiles covering the district at a zoom as sharp as the drawing,
 * and credits it. Nothing else is fetched from anywhere.
 */
describe.skipIf(chromiumTestMode() === 'skip')('the map over a configured base map', () => {
  let env: TestPlatform;
  let browser: Browser;
  let consoleDir: string;
  let tiles: Server;
  const asked: string[] = [];

  beforeAll(async () => {
    tiles = createServer((request, response) => {
      asked.push(request.url ?? '');
      response.writeHead(200, { 'content-type': 'image/png' }).end(TILE_PNG);
    });
    await new Promise<void>((resolve) => tiles.listen(0, '127.0.0.1', resolve));
    const { port } = tiles.address() as AddressInfo;
    consoleDir = await buildConsole();
    env = await startTestPlatform({
      staticDir: consoleDir,
      env: {
        GRIDSENSE_MAP_TILES: `http://127.0.0.1:${port}/tiles/{z}/{x}/{y}.png`,
        GRIDSENSE_MAP_TILES_ATTRIBUTION: '© 测试底图',
      },
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await env?.stop();
    await new Promise((resolve) => tiles?.close(resolve));
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it('hands the tile source to the console with the overview', async () => {
    const op = await env.login('op1');
    const overview = await op.call<OverviewView>('GET', '/api/overview');
    expect(overview.body.baseMap).toEqual({
      tiles: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/tiles\/\{z\}\/\{x\}\/\{y\}\.png$/),
      attribution: '© 测试底图',
    });
  });

  it('draws the tiles covering the district under the grids, and credits them', async () => {
    const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${env.baseUrl}/#/login`);
    await fillSignIn(page, env, 'op1');
    await page.getByTestId('map').waitFor();
    const images = page.locator('[data-testid^="tile-"]');
    await expect.poll(() => images.count()).toBeGreaterThan(0);
    const drawn = await images.evaluateAll((nodes) =>
      nodes.map((node) => ({
        href: node.getAttribute('href') ?? '',
        width: Number(node.getAttribute('width')),
        height: Number(node.getAttribute('height')),
      })),
    );
    // One zoom for all, each tile a square on screen (a district is too small for Mercator's stretch
    // to show), every one of them fetched from the configured server and nothing else.
    const zooms = new Set(drawn.map((tile) => /\/tiles\/(\d+)\//.exec(tile.href)?.[1]));
    expect(zooms.size).toBe(1);
    const zoom = Number([...zooms][0]);
    expect(zoom).toBeGreaterThanOrEqual(12);
    expect(zoom).toBeLessThanOrEqual(18);
    for (const tile of drawn) expect(Math.abs(tile.width / tile.height - 1)).toBeLessThan(0.02);
    await expect.poll(() => new Set(asked).size).toBe(drawn.length);
    expect(asked.every((path) => /^\/tiles\/\d+\/\d+\/\d+\.png$/.test(path))).toBe(true);
    // The grids stay on top and clickable.
    await page.getByTestId('grid-G01').click();
    await expect.poll(() => page.getByTestId('grid-G01').getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('map-attribution').innerText()).toBe('© 测试底图');
    await context.close();
  });
});
