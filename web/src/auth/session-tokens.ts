import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stateless session tokens: `userId.expiresAt.hmac`, signed with a key generated at first start.
 * The signature also covers the user's password hash, so a new password ends every session
 * signed before it without a session table.
 */
export class SessionTokens {
  constructor(
    private readonly key: string,
    private readonly ttlMs: number = 12 * 3600_000,
  ) {}

  issue(userId: string, passwordHash: string, now: number): string {
    const body = `${Buffer.from(userId).toString('base64url')}.${now + this.ttlMs}`;
    return `${body}.${this.sign(body, passwordHash)}`;
  }

  /** Whom a token claims to be, unchecked: look up their password hash, then `verify`. */
  claimedUserId(token: string): string | undefined {
    const parts = token.split('.');
    return parts.length === 3 ? Buffer.from(parts[0]!, 'base64url').toString('utf8') : undefined;
  }

  /** False when the token is forged, malformed, expired or from before a password change. */
  verify(token: string, passwordHash: string, now: number): boolean {
    const parts = token.split('.');
    if (parts.length !== 3) return false;
    const [user, expires, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${user}.${expires}`, passwordHash));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return false;
    return Number(expires) > now;
  }

  private sign(body: string, passwordHash: string): string {
    return createHmac('sha256', this.key).update(`${body}.${passwordHash}`).digest('base64url');
  }
}
