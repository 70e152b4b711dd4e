import type { StateDb } from '@gridsense/state';
import { openTestStateDb, openTestStateDbAgain, stateDialects } from '@gridsense/state/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { afterFailure, AttemptLimiter, LoginThrottle, waitOf } from './login-throttle';

const MINUTE = 60_000;
const RULE = { freeFailures: 2, firstDelayMs: 1000, maxDelayMs: 4000, forgetAfterMs: MINUTE };

describe('the throttle rule', () => {
  it.each([
    // failures before (count, blockedUntil, lastAt) → after one more at `now`
    { before: undefined, now: 0, after: { count: 1, blockedUntil: 0, lastAt: 0 } },
    {
      before: { count: 1, blockedUntil: 0, lastAt: 0 },
      now: 10,
      after: { count: 2, blockedUntil: 1010, lastAt: 10 },
    },
    {
      before: { count: 2, blockedUntil: 1010, lastAt: 10 },
      now: 20,
      after: { count: 3, blockedUntil: 2020, lastAt: 20 },
    },
    // The cap: 2 ** 3 s is held at 4 s.
    {
      before: { count: 4, blockedUntil: 0, lastAt: 0 },
      now: 0,
      after: { count: 5, blockedUntil: 4000, lastAt: 0 },
    },
    // An hour's silence forgets them: the next failure is the first again.
    {
      before: { count: 9, blockedUntil: 5000, lastAt: 0 },
      now: MINUTE + 1,
      after: { count: 1, blockedUntil: 0, lastAt: MINUTE + 1 },
    },
  ])('$before.count failures, one more at $now', ({ before, now, after }) => {
    expect(afterFailure(RULE, before, now)).toEqual(after);
  });

  it.each([
    { failures: undefined, now: 0, wait: 0 },
    { failures: { count: 3, blockedUntil: 2000, lastAt: 0 }, now: 500, wait: 1500 },
    { failures: { count: 3, blockedUntil: 2000, lastAt: 0 }, now: 2500, wait: 0 },
    { failures: { count: 3, blockedUntil: 2 * MINUTE, lastAt: 0 }, now: MINUTE + 1, wait: 0 },
  ])('waits $wait ms at $now', ({ failures, now, wait }) => {
    expect(waitOf(RULE, failures, now)).toBe(wait);
  });
});

describe('the in-memory limiter', () => {
  it('holds at most its number of keys, dropping the least recent', () => {
    const limiter = new AttemptLimiter(
      { freeFailures: 0, firstDelayMs: 1000, maxDelayMs: 1000, forgetAfterMs: MINUTE },
      2,
    );
    limiter.fail('a', 0);
    limiter.fail('b', 0);
    limiter.fail('a', 1);
    limiter.fail('c', 2);
    expect([limiter.waitMs('a', 3), limiter.waitMs('b', 3), limiter.waitMs('c', 3)]).toEqual([998, 0, 999]);
  });
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('login throttle on %s', (dialect) => {
  async function throttleOnNewDb() {
    const db = await openTestStateDb(dialect);
    open.push(db);
    return { db, throttle: new LoginThrottle(db) };
  }

  it('lets 5 failures through, then doubles the wait from 1 s', async () => {
    const { throttle } = await throttleOnNewDb();
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      now += await throttle.waitMs('worker07', '10.0.0.1', now);
      await throttle.failed('worker07', '10.0.0.1', now);
      waits.push(await throttle.waitMs('worker07', '10.0.0.1', now));
    }
    expect(waits).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000]);
  });

  it('refuses even the right password for a while after 25 wrong ones in a row, then lets it try', async () => {
    const { throttle } = await throttleOnNewDb();
    const now = 1_000_000;
    for (let i = 0; i < 25; i++) {
      const address = `10.0.0.${i}`;
      if ((await throttle.waitMs('Worker07', address, now)) === 0)
        await throttle.failed('worker07', address, now);
      else await throttle.refused('Worker07', address, now);
    }
    // Attempts refused while waiting count too: 25 in a row reach the 15-minute cap.
    expect(await throttle.waitMs('worker07', '10.0.0.99', now)).toBe(15 * MINUTE);
    expect(await throttle.waitMs('worker07', '10.0.0.99', now + 15 * MINUTE + 1)).toBe(0);
    await throttle.succeeded('WORKER07');
    expect(await throttle.waitMs('worker07', '10.0.0.99', now + 15 * MINUTE + 2)).toBe(0);
  });

  it('slows one address trying many names after 20 failures, without touching other addresses', async () => {
    const { throttle } = await throttleOnNewDb();
    for (let i = 0; i < 20; i++) await throttle.failed(`user${i}`, '10.0.0.7', 0);
    expect(await throttle.waitMs('op1', '10.0.0.7', 0)).toBe(1000);
    expect(await throttle.waitMs('op1', '10.0.0.8', 0)).toBe(0);
    // A success for one account does not clear the address.
    await throttle.succeeded('op1');
    expect(await throttle.waitMs('op2', '10.0.0.7', 500)).toBeGreaterThan(0);
  });

  it('forgets failures after an hour without attempts', async () => {
    const { throttle } = await throttleOnNewDb();
    for (let i = 0; i < 6; i++) await throttle.failed('eng1', '10.0.0.1', 0);
    expect(await throttle.waitMs('eng1', '10.0.0.2', 60 * MINUTE - 1)).toBe(0);
    await throttle.failed('eng1', '10.0.0.2', 60 * MINUTE);
    expect(await throttle.waitMs('eng1', '10.0.0.2', 60 * MINUTE)).toBeGreaterThan(0);
    expect(await throttle.waitMs('eng1', '10.0.0.2', 3 * 60 * MINUTE)).toBe(0);
    await throttle.failed('eng1', '10.0.0.2', 3 * 60 * MINUTE);
    expect(await throttle.waitMs('eng1', '10.0.0.2', 3 * 60 * MINUTE)).toBe(0);
  });

  it('sweeps the rows of keys without an attempt for an hour', async () => {
    const { db, throttle } = await throttleOnNewDb();
    for (let i = 0; i < 30; i++) await throttle.failed(`user${i}`, '10.0.0.1', 0);
    const rows = async () => (await db.selectFrom('login_failures').select('key').execute()).length;
    expect(await rows()).toBe(31);
    // A failure two hours later, from another node's throttle: the old rows go, its own stay.
    await new LoginThrottle(db).failed('late', '10.0.0.2', 120 * MINUTE);
    expect(await rows()).toBe(2);
  });

  // Two web nodes on one database: guesses spread over them add up, none lost to a race.
  it('counts failures made through two web nodes at once', async () => {
    const { db } = await throttleOnNewDb();
    // SQLite serves one process: its second node shares the handle.
    const other = dialect === 'postgres' ? await openTestStateDbAgain(db, dialect) : db;
    if (other !== db) open.push(other);
    const nodes = [new LoginThrottle(db), new LoginThrottle(other)];
    await Promise.all(
      Array.from({ length: 8 }, (_, i) => nodes[i % 2]!.failed('fire1', `10.0.1.${i}`, 1000)),
    );
    // 8 failures: the 5th waits 1 s, each after doubles it, so the 8th waits 8 s.
    expect(await nodes[0]!.waitMs('fire1', '10.0.2.1', 1000)).toBe(8000);
    expect(await nodes[1]!.waitMs('fire1', '10.0.2.1', 1000)).toBe(8000);
  });
});
