import type { Request, Response } from 'express';
import type { IncomingMessage } from 'node:http';

export const SESSION_COOKIE = 'gs_session';

/**
 * The session token travels only in this cookie: HttpOnly (page scripts never see it),
 * SameSite=Strict (other sites' pages cannot send it), Secure when the request came over TLS.
 */
export function setSessionCookie(
  response: Response,
  request: Request,
  token: string,
  maxAgeMs: number,
): void {
  response.cookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.secure,
    path: '/',
    maxAge: maxAgeMs,
  });
}

export function clearSessionCookie(response: Response, request: Request): void {
  response.clearCookie(SESSION_COOKIE, {
    httpOnly: true,
    sameSite: 'strict',
    secure: request.secure,
    path: '/',
  });
}

/** The session token from the cookie (HTTP requests and socket.io handshakes alike). */
export function readSessionToken(request: IncomingMessage): string | undefined {
  const cookies = request.headers.cookie?.split(';') ?? [];
  for (const cookie of cookies) {
    const [name, ...value] = cookie.trim().split('=');
    if (name === SESSION_COOKIE) return decodeCookieValue(value.join('='));
  }
  return undefined;
}

/** A cookie value that does not decode (a stray `%`) is no token, not an error. */
function decodeCookieValue(raw: string): string | undefined {
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
