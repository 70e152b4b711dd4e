import {
  changeLoginFailures,
  findLoginFailures,
  sweepLoginFailures,
  type LoginFailures,
  type StateDb,
} from '@gridsense/state';

/**
 * Slows password guessing down: per account and per source address, a few failures are free,
 * then each one makes the next attempt wait twice as long (up to a cap). An attempt made while
 * waiting is refused unchecked and counts as another failure, so hammering only extends the wait.
 *
 * Kept in the state database (0032_login_failures), so every web node sharing it throttles the
 * same guesses, and a restart forgets nothing.
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

/** How long `failures` make the next attempt wait at `now` (0: it may be checked now). */
export function waitOf(rule: ThrottleRule, failures: LoginFailures | undefined, now: number): number {
  if (!failures || now - failures.lastAt > rule.forgetAfterMs) return 0;
  return Math.max(0, failures.blockedUntil - now);
}

/** The failures after one more at `now`: past the free ones, each doubles the wait up to the cap. */
export function afterFailure(
  rule: ThrottleRule,
  failures: LoginFailures | undefined,
  now: number,
): LoginFailures {
  const current = failures && now - failures.lastAt <= rule.forgetAfterMs ? failures : undefined;
  const count = (current?.count ?? 0) + 1;
  const over = count - rule.freeFailures;
  const blockedUntil =
    over >= 0
      ? Math.max(
          current?.blockedUntil ?? 0,
          now + Math.min(rule.maxDelayMs, rule.firstDelayMs * 2 ** Math.min(over, 40)),
        )
      : (current?.blockedUntil ?? 0);
  return { count, blockedUntil, lastAt: now };
}

/**
 * Failures per key kept in this process only, at most `maxKeys` of them (least recent dropped):
 * for callers with no person behind them, such as EMQX's calls with a wrong shared secret.
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, LoginFailures>();

  constructor(
    private readonly rule: ThrottleRule,
    private readonly maxKeys = 50_000,
  ) {}

  /** How long this key must wait before its next attempt is checked (0: now). */
  waitMs(key: string, now: number): number {
    return waitOf(this.rule, this.failures.get(key), now);
  }

  fail(key: string, now: number): void {
    const next = afterFailure(this.rule, this.failures.get(key), now);
    // Re-inserted, so the map's order is least recent first.
    this.failures.delete(key);
    this.failures.set(key, next);
    if (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }
}

/** Rows untouched this long are swept (longer than either rule forgets). */
const SWEEP_AFTER_MS = Math.max(ACCOUNT_RULE.forgetAfterMs, ADDRESS_RULE.forgetAfterMs);
/** Sweeps run at most this often per web node, on the back of a failure. */
const SWEEP_EVERY_MS = 10 * 60_000;

/** The two limits sign-in (and a password change) go through. */
export class LoginThrottle {
  private lastSweep = 0;

  constructor(
    private readonly db: StateDb,
    private readonly account: ThrottleRule = ACCOUNT_RULE,
    private readonly address: ThrottleRule = ADDRESS_RULE,
  ) {}

  /** 0 when an attempt for this username from this address may be checked now; else how long to wait. */
  async waitMs(username: string, address: string, now: number): Promise<number> {
    const [byAccount, byAddress] = await Promise.all([
      findLoginFailures(this.db, accountKey(username)),
      findLoginFailures(this.db, addressKey(address)),
    ]);
    return Math.max(waitOf(this.account, byAccount, now), waitOf(this.address, byAddress, now));
  }

  /** An attempt refused for waiting counts against whichever limit refused it. */
  async refused(username: string, address: string, now: number): Promise<void> {
    const countIfWaiting = (rule: ThrottleRule) => (failures: LoginFailures | undefined) =>
      waitOf(rule, failures, now) > 0 ? afterFailure(rule, failures, now) : failures;
    await changeLoginFailures(this.db, accountKey(username), countIfWaiting(this.account));
    await changeLoginFailures(this.db, addressKey(address), countIfWaiting(this.address));
  }

  async failed(username: string, address: string, now: number): Promise<void> {
    await changeLoginFailures(this.db, accountKey(username), (f) => afterFailure(this.account, f, now));
    await changeLoginFailures(this.db, addressKey(address), (f) => afterFailure(this.address, f, now));
    if (now - this.lastSweep >= SWEEP_EVERY_MS) {
      this.lastSweep = now;
      await sweepLoginFailures(this.db, now - SWEEP_AFTER_MS);
    }
  }

  /** The account's failures are forgotten; the address's are not (one good account must not clear them). */
  async succeeded(username: string): Promise<void> {
    await changeLoginFailures(this.db, accountKey(username), () => undefined);
  }
}

const accountKey = (username: string) => `account:${username.toLowerCase()}`;
const addressKey = (address: string) => `address:${address}`;
