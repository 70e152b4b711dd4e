import { AppError, type User } from '@gridsense/core';
import { findUserById, type StateDb } from '@gridsense/state';
import type { IncomingMessage } from 'node:http';
import type { SessionTokens } from './session-tokens';

export const SESSION_COOKIE = 'gs_session';

/** The session token from `Authorization: Bearer …` or the session cookie. */
export function readToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length).trim();
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

export async function userFromToken(
  db: StateDb,
  tokens: SessionTokens,
  token: string | undefined,
  now: number,
): Promise<User> {
  const userId = token ? tokens.claimedUserId(token) : undefined;
  const record = userId ? await findUserById(db, userId) : undefined;
  if (!token || !record || !tokens.verify(token, record.passwordHash, now))
    throw new AppError('unauthenticated', 'please log in');
  const { passwordHash: _hash, ...user } = record;
  return user;
}
