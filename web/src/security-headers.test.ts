import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_POLICY, NODE_RED_POLICY, securityHeaders } from './security-headers';

/** The middleware on a real loopback server; a proxy's X-Forwarded-Proto stands in for TLS. */
describe('security headers', () => {
  let server: Server;
  let base: string;

  beforeAll(async () => {
    const app = express();
    // With a trusted proxy, `request.secure` follows X-Forwarded-Proto: the test's way to say "TLS".
    app.set('trust proxy', true);
    app.use(securityHeaders());
    app.get(/.*/, (_request, response) => {
      response.send('ok');
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the console policy and the framing, sniffing, referrer and opener headers', async () => {
    const response = await fetch(`${base}/`);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-security-policy': CONSOLE_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
      'referrer-policy': 'no-referrer',
      'cross-origin-opener-policy': 'same-origin',
    });
    expect(CONSOLE_POLICY).toContain("script-src 'self';");
    expect(CONSOLE_POLICY).toContain("frame-ancestors 'none'");
    expect(CONSOLE_POLICY).not.toContain('unsafe-');
  });

  it('gives Node-RED its own policy under /flows only', async () => {
    for (const path of ['/flows', '/flows/', '/flows/red/red.min.js'])
      expect((await fetch(`${base}${path}`)).headers.get('content-security-policy'), path).toBe(
        NODE_RED_POLICY,
      );
    expect((await fetch(`${base}/flowsheet`)).headers.get('content-security-policy')).toBe(CONSOLE_POLICY);
    expect(NODE_RED_POLICY).toContain("frame-ancestors 'none'");
  });

  it('sends HSTS only when the request came over TLS', async () => {
    expect((await fetch(`${base}/`)).headers.get('strict-transport-security')).toBeNull();
    const overTls = await fetch(`${base}/`, { headers: { 'x-forwarded-proto': 'https' } });
    expect(overTls.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}$/);
  });
});
