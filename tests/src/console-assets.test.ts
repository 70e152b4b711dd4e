import { request as httpRequest } from 'node:http';
import { rm } from 'node:fs/promises';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_POLICY } from '../../web/src/security-headers';
import { buildConsole } from './harness/console-build';
import { startTestPlatform, type TestPlatform } from './harness/test-platform';

/** The console's files as a phone on a slow network gets them: compressed, and hashed ones once. */

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A plain request whose body arrives as sent (fetch would decompress it out of sight). */
function get(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

describe('the console served to a phone', () => {
  let env: TestPlatform;
  let consoleDir: string;
  let script: string;

  beforeAll(async () => {
    consoleDir = await buildConsole();
    env = await startTestPlatform({ staticDir: consoleDir });
    const page = (await get(`${env.baseUrl}/`)).body.toString('utf8');
    script = /<script[^>]+src="([^"]+)"/.exec(page)![1]!;
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
    if (consoleDir) await rm(consoleDir, { recursive: true, force: true });
  });

  it('sends the script Brotli- or gzip-compressed as the browser accepts, the same bytes once decoded', async () => {
    expect(script).toMatch(/^\/assets\/.+\.js$/);
    const plain = await get(`${env.baseUrl}${script}`, { 'accept-encoding': 'identity' });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(100_000);

    const br = await get(`${env.baseUrl}${script}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['vary']).toMatch(/accept-encoding/i);
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(Number(br.headers['content-length'])).toBe(br.body.length);
    expect(br.body.length).toBeLessThan(plain.body.length / 3);
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);

    const gz = await get(`${env.baseUrl}${script}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.body.length).toBeLessThan(plain.body.length / 3);
    expect(gunzipSync(gz.body).equals(plain.body)).toBe(true);

    // The stylesheet too.
    const page = (await get(`${env.baseUrl}/`)).body.toString('utf8');
    const stylesheet = /<link[^>]+href="(\/assets\/[^"]+\.css)"/.exec(page)![1]!;
    const css = await get(`${env.baseUrl}${stylesheet}`, { 'accept-encoding': 'br' });
    expect(css.headers['content-encoding']).toBe('br');
    expect(css.headers['content-type']).toMatch(/^text\/css/);

    const refused = await get(`${env.baseUrl}${script}`, { 'accept-encoding': 'br;q=0, gzip' });
    expect(refused.headers['content-encoding']).toBe('gzip');
  });

  it('lets hashed assets be kept a year and has the page and the service worker revalidated', async () => {
    const asset = await get(`${env.baseUrl}${script}`, { 'accept-encoding': 'br' });
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    for (const path of ['/', '/index.html', '/cases', '/sw.js']) {
      const response = await get(`${env.baseUrl}${path}`, { 'accept-encoding': 'br' });
      expect(response.status, path).toBe(200);
      expect(response.headers['cache-control'], path).toBe('no-cache');
      expect(response.headers['etag'], path).toMatch(/^(W\/)?"[^"]+"$/);
    }
    // A repeat visit with the page's ETag costs no body.
    const page = await get(`${env.baseUrl}/`, { 'accept-encoding': 'br' });
    const again = await get(`${env.baseUrl}/`, { 'if-none-match': String(page.headers['etag']) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('keeps the security headers, and a missing hashed file is a 404, never the page', async () => {
    for (const path of [script, '/', '/cases']) {
      const response = await get(`${env.baseUrl}${path}`, { 'accept-encoding': 'br' });
      expect(response.headers['content-security-policy'], path).toBe(CONSOLE_POLICY);
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['x-frame-options'], path).toBe('DENY');
    }
    const missing = await get(`${env.baseUrl}/assets/index-00000000.js`);
    expect(missing.status).toBe(404);
    expect(missing.body.toString('utf8')).not.toContain('<script');
  });
});
