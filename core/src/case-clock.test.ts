import { describe, expect, it } from 'vitest';
import { dueClockActions, nextClockCheckAt, reminderAt, type ClockTiming } from './case-clock';
import { caseIn, NOW } from './case-test-fixture';
import type { CaseRecord } from './case-types';

const MIN = 60_000;
const TIMING: ClockTiming = { repeatEveryMs: 5 * MIN, escalateEveryMs: 15 * MIN };
// Dispatched at NOW, accept within 10 min, resolve within 2 h of opening (also NOW).
const fresh = (extra: Partial<CaseRecord> = {}) =>
  caseIn('dispatched', {
    openedAt: NOW,
    dispatchedAt: NOW,
    lastNotifiedAt: NOW,
    acceptDueAt: NOW + 10 * MIN,
    resolveDueAt: NOW + 120 * MIN,
    ...extra,
  });

describe('the deadline clock, from stored state only', () => {
  it('reminds a fifth of the window ahead, at least a minute and at most a day', () => {
    expect(reminderAt(fresh(), 'accept', NOW + 10 * MIN)).toBe(NOW + 8 * MIN);
    expect(reminderAt(fresh(), 'accept', NOW + 2 * MIN)).toBe(NOW + MIN);
    expect(reminderAt(fresh(), 'resolve', NOW + 30 * 86_400_000)).toBe(NOW + 29 * 86_400_000);
    // A window that is no multiple of 5 ms still gives a whole millisecond (a bigint column).
    expect(reminderAt(fresh(), 'accept', NOW + 10 * MIN + 1)).toBe(NOW + 8 * MIN);
  });

  it.each<[string, Partial<CaseRecord>, number, unknown[]]>([
    ['nothing due yet', {}, NOW + 4 * MIN, []],
    ['repeat to the assignee after 5 min', {}, NOW + 5 * MIN, [{ type: 'repeat' }]],
    [
      'accept reminder at 8 min (repeat due too)',
      {},
      NOW + 8 * MIN,
      [{ type: 'remind', clock: 'accept', dueAt: NOW + 10 * MIN }, { type: 'repeat' }],
    ],
    ['no second reminder', { remindedClocks: ['accept'], lastNotifiedAt: NOW + 8 * MIN }, NOW + 9 * MIN, []],
    [
      'accept breached: escalate to the community',
      { remindedClocks: ['accept'], lastNotifiedAt: NOW + 8 * MIN },
      NOW + 10 * MIN,
      [{ type: 'escalate', clock: 'accept', dueAt: NOW + 10 * MIN, to: 'community' }],
    ],
    [
      'just escalated: the next level waits an interval',
      {
        remindedClocks: ['accept'],
        lastNotifiedAt: NOW + 20 * MIN,
        escalationLevel: 'community',
        escalatedAt: NOW + 10 * MIN,
      },
      NOW + 24 * MIN,
      [],
    ],
    [
      'still not accepted an interval later: the street',
      {
        remindedClocks: ['accept'],
        lastNotifiedAt: NOW + 25 * MIN,
        escalationLevel: 'community',
        escalatedAt: NOW + 10 * MIN,
      },
      NOW + 25 * MIN,
      [{ type: 'escalate', clock: 'accept', dueAt: NOW + 10 * MIN, to: 'street' }],
    ],
    [
      'at the district there is nowhere higher',
      {
        remindedClocks: ['accept'],
        lastNotifiedAt: NOW + 60 * MIN,
        escalationLevel: 'district',
        escalatedAt: NOW + 40 * MIN,
      },
      NOW + 61 * MIN,
      [],
    ],
    [
      'escalated earlier for bouncing: a later breach still escalates',
      {
        state: 'returned',
        lastNotifiedAt: null,
        acceptDueAt: null,
        escalationLevel: 'street',
        escalatedAt: NOW + 5 * MIN,
        remindedClocks: ['resolve'],
      },
      NOW + 120 * MIN,
      [{ type: 'escalate', clock: 'resolve', dueAt: NOW + 120 * MIN, to: 'district' }],
    ],
    ['paused: silent', { pausedAt: NOW }, NOW + 30 * MIN, []],
    ['under a parent case: silent', { parentId: 'p' }, NOW + 30 * MIN, []],
    [
      'an accepted case is not repeated but its resolve clock reminds',
      { state: 'accepted', acceptDueAt: null, acceptedAt: NOW + MIN },
      NOW + 97 * MIN,
      [{ type: 'remind', clock: 'resolve', dueAt: NOW + 120 * MIN }],
    ],
    [
      'a reminder missed while down is skipped once the deadline passed',
      { state: 'accepted', acceptDueAt: null, lastNotifiedAt: null },
      NOW + 121 * MIN,
      [{ type: 'escalate', clock: 'resolve', dueAt: NOW + 120 * MIN, to: 'community' }],
    ],
  ])('%s', (_name, extra, now, expected) => {
    expect(dueClockActions(fresh(extra), TIMING, now)).toEqual(expected);
  });

  it.each<[string, Partial<CaseRecord>, number, number | null]>([
    ['the first repeat', {}, NOW, NOW + 5 * MIN],
    ['the accept reminder once repeated', { lastNotifiedAt: NOW + 5 * MIN }, NOW + 5 * MIN, NOW + 8 * MIN],
    [
      'the breach once reminded',
      { lastNotifiedAt: NOW + 9 * MIN, remindedClocks: ['accept'] },
      NOW + 9 * MIN,
      NOW + 10 * MIN,
    ],
    ['paused: never', { pausedAt: NOW }, NOW, null],
    [
      'closed, no deadlines: never',
      { state: 'closed', acceptDueAt: null, resolveDueAt: null, lastNotifiedAt: null },
      NOW,
      null,
    ],
  ])('next check: %s', (_name, extra, now, expected) => {
    expect(nextClockCheckAt(fresh(extra), TIMING, now)).toBe(expected);
  });

  it('after doing what was due, the next check is always in the future (no busy loop)', () => {
    let record = fresh();
    let now = NOW;
    const seen: string[] = [];
    for (let step = 0; step < 40; step++) {
      const next = nextClockCheckAt(record, TIMING, now);
      if (next === null) break;
      expect(next).toBeGreaterThan(now - 1);
      now = Math.max(now, next);
      for (const action of dueClockActions(record, TIMING, now)) {
        seen.push(action.type === 'escalate' ? `escalate:${action.to}` : action.type);
        if (action.type === 'remind')
          record = { ...record, remindedClocks: [...record.remindedClocks, action.clock] };
        if (action.type === 'repeat') record = { ...record, lastNotifiedAt: now };
        if (action.type === 'escalate') record = { ...record, escalationLevel: action.to, escalatedAt: now };
      }
      now += 1;
    }
    expect(seen.filter((s) => s.startsWith('escalate'))).toEqual([
      'escalate:community',
      'escalate:street',
      'escalate:district',
    ]);
    expect(seen.filter((s) => s === 'remind')).toHaveLength(2);
  });
});
