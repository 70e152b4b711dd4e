import type { RequestHandler } from 'express';

/**
 * The console's Content-Security-Policy: everything from this origin, no inline script or style
 * (the build emits one script and one stylesheet; Svelte and uPlot set styles through the CSSOM,
 * which CSP allows). connect-src 'self' covers socket.io's same-origin WebSocket.
 */
export const CONSOLE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  // The favicon is a data: URL; a case's camera frame is loaded from the camera's own server,
  // whose address the device sends (plain http on a LAN too), so images may come from anywhere.
  "img-src 'self' data: http: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Node-RED's editor (engineers and admins only) loads node definitions as inline scripts,
 * evaluates code, styles inline, and runs its code editor's workers from blob: URLs.
 */
export const NODE_RED_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const HSTS = 'max-age=15552000';

const isNodeRedPath = (path: string) => path === '/flows' || path.startsWith('/flows/');

/**
 * Headers on every response the Express app sends (routes may tighten the policy, as photos do).
 * HSTS only over TLS: sent on plain http it would mean nothing, and behind a TLS-terminating
 * proxy that proxy is the one to send it.
 */
export function securityHeaders(): RequestHandler {
  return (request, response, next) => {
    response.set({
      'Content-Security-Policy': isNodeRedPath(request.path) ? NODE_RED_POLICY : CONSOLE_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
    });
    if (request.secure) response.set('Strict-Transport-Security', HSTS);
    next();
  };
}
