import { describe, expect, it } from 'vitest';
import { AttemptLimiter, LoginThrottle } from './login-throttle';

const MINUTE = 60_000;

describe('login throttle', () => {
  it('lets 5 failures through, then doubles the wait from 1 s', () => {
    const throttle = new LoginThrottle();
    let now = 0;
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) {
      now += throttle.waitMs('worker07', '10.0.0.1', now);
      throttle.failed('worker07', '10.0.0.1', now);
      waits.push(throttle.waitMs('worker07', '10.0.0.1', now));
    }
    expect(waits).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000]);
  });

  it('refuses even the right password for a while after 25 wrong ones in a row, then lets it try', () => {
    const throttle = new LoginThrottle();
    const now = 1_000_000;
    for (let i = 0; i < 25; i++) {
      const address = `10.0.0.${i}`;
      if (throttle.waitMs('Worker07', address, now) === 0) throttle.failed('worker07', address, now);
      else throttle.refused('Worker07', address, now);
    }
    // Attempts refused while waiting count too: 25 in a row reach the 15-minute cap.
    expect(throttle.waitMs('worker07', '10.0.0.99', now)).toBe(15 * MINUTE);
    expect(throttle.waitMs('worker07', '10.0.0.99', now + 15 * MINUTE + 1)).toBe(0);
    throttle.succeeded('WORKER07');
    expect(throttle.waitMs('worker07', '10.0.0.99', now + 15 * MINUTE + 2)).toBe(0);
  });

  it('slows one address trying many names after 20 failures, without touching other addresses', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 20; i++) throttle.failed(`user${i}`, '10.0.0.7', 0);
    expect(throttle.waitMs('op1', '10.0.0.7', 0)).toBe(1000);
    expect(throttle.waitMs('op1', '10.0.0.8', 0)).toBe(0);
    // A success for one account does not clear the address.
    throttle.succeeded('op1');
    expect(throttle.waitMs('op2', '10.0.0.7', 500)).toBeGreaterThan(0);
  });

  it('forgets failures after an hour without attempts', () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 6; i++) throttle.failed('eng1', '10.0.0.1', 0);
    expect(throttle.waitMs('eng1', '10.0.0.2', 60 * MINUTE - 1)).toBe(0);
    throttle.failed('eng1', '10.0.0.2', 60 * MINUTE);
    expect(throttle.waitMs('eng1', '10.0.0.2', 60 * MINUTE)).toBeGreaterThan(0);
    expect(throttle.waitMs('eng1', '10.0.0.2', 3 * 60 * MINUTE)).toBe(0);
    throttle.failed('eng1', '10.0.0.2', 3 * 60 * MINUTE);
    expect(throttle.waitMs('eng1', '10.0.0.2', 3 * 60 * MINUTE)).toBe(0);
  });

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
