import { createHmac, timingSafeEqual } from 'node:crypto';

/** Stateless session tokens: `userId.expiresAt.hmac`, signed with a key generated at first start. */
export class SessionTokens {
  constructor(
    private readonly key: string,
    private readonly ttlMs: number = 12 * 3600_000,
  ) {}

  issue(userId: string, now: number): string {
    const body = `${Buffer.from(userId).toString('base64url')}.${now + this.ttlMs}`;
    return `${body}.${this.sign(body)}`;
  }

  /** The user id, or undefined when the token is forged, malformed or expired. */
  verify(token: string, now: number): string | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [user, expires, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${user}.${expires}`));
    const actual = Buffer.from(signature);
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) return undefined;
    if (!(Number(expires) > now)) return undefined;
    return Buffer.from(user, 'base64url').toString('utf8');
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}
