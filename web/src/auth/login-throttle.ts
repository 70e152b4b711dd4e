/**
 * Slows password guessing down: per account and per source address, a few failures are free,
 * then each one makes the next attempt wait twice as long (up to a cap). An attempt made while
 * waiting is refused unchecked and counts as another failure, so hammering only extends the wait.
 *
 * Kept in memory: it holds for one web process and starts afresh on a restart (the delays are
 * short enough that this loses little). Several web processes would need it in the database.
 */
export interface ThrottleRule {
  /** Failures allowed before the first delay. */
  freeFailures: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** Failures are forgotten after this long without an attempt. */
  forgetAfterMs: number;
}

/** After 5 failures for one name: 1 s, 2 s, 4 s … up to 15 minutes. A success forgets them. */
export const ACCOUNT_RULE: ThrottleRule = {
  freeFailures: 5,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 3600_000,
};

/** One address trying many names (an office shares one address, so more room before delays). */
export const ADDRESS_RULE: ThrottleRule = {
  freeFailures: 20,
  firstDelayMs: 1000,
  maxDelayMs: 15 * 60_000,
  forgetAfterMs: 3600_000,
};

interface Failures {
  count: number;
  blockedUntil: number;
  lastAt: number;
}

/** Failures per key (a username or an address), at most `maxKeys` of them, least recent dropped first. */
export class AttemptLimiter {
  private readonly failures = new Map<string, Failures>();

  constructor(
    private readonly rule: ThrottleRule,
    private readonly maxKeys = 50_000,
  ) {}

  /** How long this key must wait before its next attempt is checked (0: now). */
  waitMs(key: string, now: number): number {
    const entry = this.failures.get(key);
    if (!entry) return 0;
    if (now - entry.lastAt >= this.rule.forgetAfterMs) {
      this.failures.delete(key);
      return 0;
    }
    return Math.max(0, entry.blockedUntil - now);
  }

  fail(key: string, now: number): void {
    const entry = this.failures.get(key) ?? { count: 0, blockedUntil: 0, lastAt: now };
    entry.count++;
    entry.lastAt = now;
    const over = entry.count - this.rule.freeFailures;
    if (over >= 0) {
      const delay = Math.min(this.rule.maxDelayMs, this.rule.firstDelayMs * 2 ** Math.min(over, 40));
      entry.blockedUntil = Math.max(entry.blockedUntil, now + delay);
    }
    // Re-inserted, so the map's order is least recent first.
    this.failures.delete(key);
    this.failures.set(key, entry);
    if (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  forget(key: string): void {
    this.failures.delete(key);
  }
}

/** The two limits sign-in (and a password change) go through. */
export class LoginThrottle {
  private readonly accounts: AttemptLimiter;
  private readonly addresses: AttemptLimiter;

  constructor(account: ThrottleRule = ACCOUNT_RULE, address: ThrottleRule = ADDRESS_RULE) {
    this.accounts = new AttemptLimiter(account);
    this.addresses = new AttemptLimiter(address);
  }

  /** 0 when an attempt for this username from this address may be checked now; else how long to wait. */
  waitMs(username: string, address: string, now: number): number {
    return Math.max(this.accounts.waitMs(username.toLowerCase(), now), this.addresses.waitMs(address, now));
  }

  /** An attempt refused for waiting counts against whichever limit refused it. */
  refused(username: string, address: string, now: number): void {
    const name = username.toLowerCase();
    if (this.accounts.waitMs(name, now) > 0) this.accounts.fail(name, now);
    if (this.addresses.waitMs(address, now) > 0) this.addresses.fail(address, now);
  }

  failed(username: string, address: string, now: number): void {
    this.accounts.fail(username.toLowerCase(), now);
    this.addresses.fail(address, now);
  }

  /** The account's failures are forgotten; the address's are not (one good account must not clear them). */
  succeeded(username: string): void {
    this.accounts.forget(username.toLowerCase());
  }
}
