import { apiText, AppError } from '@gridsense/core';
import type { RequestHandler } from 'express';

/**
 * True when a browser's `Origin` names this server (the `Host` it asked). No `Origin` at all is
 * a same-origin GET or a program that is not a browser; `null` or garbage is not this server.
 */
export function isSameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  try {
    return host !== undefined && new URL(origin).host === host.toLowerCase();
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * The session cookie rides along with every request, so a state-changing call must come from
 * this origin: SameSite=Strict keeps other sites' cookies out, and this refuses their pages'
 * requests even where a browser sends the cookie anyway.
 */
export function refuseCrossSiteWrites(): RequestHandler {
  return (request, _response, next) => {
    if (SAFE_METHODS.has(request.method)) return next();
    const crossSite = request.headers['sec-fetch-site'] === 'cross-site';
    if (crossSite || !isSameOrigin(request.headers.origin, request.headers.host))
      throw new AppError('forbidden', apiText('session.crossSite'));
    next();
  };
}
