import { describe, expect, it } from 'vitest';
import { assessPlace, assessUnits, type AssessedCase } from './assessment';
import type { AssigneeSegment } from './case-segments';
import { computeCaseStats } from './case-stats';
import { ratesOf } from './case-unit-rates';
import { ACTORS, beijing, caseIn, NOW, POLICY } from './case-test-fixture';
import { parseCaseCommand, transition, type CaseRecord } from './cases';
import { inEnglish, type Problem } from './errors';

/** A validation result with its problems as the API words them in English. */
const worded = (result: { ok: boolean; errors?: readonly Problem[] }) =>
  result.errors ? { ...result, errors: inEnglish(result.errors) } : result;

/** 不予立案 and 非属地: what the moves need and cause, and how every figure leaves them out. */
const { operator, supervisor } = ACTORS;
const CLOCKS_STOPPED = {
  registerDueAt: null,
  dispatchDueAt: null,
  awaitingDispatchSince: null,
  acceptDueAt: null,
  arriveDueAt: null,
  resolveDueAt: null,
  pausedAt: null,
  pauseReason: null,
} satisfies Partial<CaseRecord>;

/** A hotline call waiting in the 待立案 queue on its register clock. */
const waiting = (extra: Partial<CaseRecord> = {}) =>
  caseIn('reported', {
    source: 'hotline',
    assigneeId: null,
    dispatchedAt: null,
    firstDispatchedAt: null,
    resolvedById: null,
    registerDueAt: NOW + 600_000,
    acceptDueAt: null,
    resolveDueAt: NOW + 7_200_000,
    ...extra,
  });

describe('不予立案 (decline)', () => {
  it('closes a waiting report as declined with every clock stopped and no effect', () => {
    const result = transition(
      waiting(),
      { action: 'decline', reason: 'insufficient_info', note: '无具体地址，回拨未接通' },
      operator,
      NOW,
      POLICY,
    );
    expect(result).toEqual({
      ok: true,
      next: waiting({
        ...CLOCKS_STOPPED,
        state: 'closed',
        closeReason: 'declined',
        closedAt: NOW,
        updatedAt: NOW,
      }),
      effects: [],
    });
  });

  it('a duplicate names the case it repeats and needs no note', () => {
    const result = transition(
      waiting(),
      { action: 'decline', reason: 'duplicate', duplicateOfId: ' c-0 ' },
      supervisor,
      NOW,
      POLICY,
    );
    expect(result).toMatchObject({ ok: true, next: { closeReason: 'declined', duplicateOfId: 'c-0' } });
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a reason without a note',
      { reason: 'not_governance' },
      'declining to register needs a note saying why',
    ],
    ['a blank note', { reason: 'other', note: '  ' }, 'declining to register needs a note saying why'],
    ['a duplicate of nothing', { reason: 'duplicate' }, 'a duplicate must name the case it repeats'],
    [
      'a duplicate of itself',
      { reason: 'duplicate', duplicateOfId: 'c-1' },
      'a case cannot be a duplicate of itself',
    ],
    [
      'a reason of 作废',
      { reason: 'false_alarm', note: '误报' },
      'reason must be one of duplicate, not_governance, insufficient_info, other',
    ],
  ])('refuses %s', (_name, fields, message) => {
    const command = { action: 'decline', ...fields } as never;
    expect(transition(waiting(), command, operator, NOW, POLICY)).toMatchObject({
      ok: false,
      code: 'validation_failed',
      message,
    });
  });
});

describe('非属地 (return_upstream)', () => {
  it.each(['reported', 'registered', 'returned'] as const)(
    'closes a hotline case that is %s as returned upstream, its clocks stopped',
    (state) => {
      const before = waiting({ state, dispatchDueAt: NOW + 900_000, awaitingDispatchSince: NOW - 60_000 });
      const result = transition(
        before,
        { action: 'return_upstream', reason: 'outside_remit', note: '属供电公司' },
        supervisor,
        NOW,
        POLICY,
      );
      expect(result).toEqual({
        ok: true,
        next: {
          ...before,
          ...CLOCKS_STOPPED,
          state: 'closed',
          closeReason: 'returned_upstream',
          closedAt: NOW,
          updatedAt: NOW,
        },
        effects: [],
      });
    },
  );

  it('is for hotline cases only: a patrol report came from no upstream', () => {
    const patrol = waiting({ source: 'patrol' });
    const command = { action: 'return_upstream', reason: 'other_district', note: '属邻区' } as const;
    expect(transition(patrol, command, operator, NOW, POLICY)).toMatchObject({
      ok: false,
      code: 'invalid_transition',
      message: 'only a hotline case is returned upstream',
    });
  });

  it('needs a note saying where the matter belongs, and a reason of its own list', () => {
    const bare = { action: 'return_upstream', reason: 'other_district', note: ' ' } as const;
    expect(transition(waiting(), bare, operator, NOW, POLICY)).toMatchObject({
      ok: false,
      message: 'returning upstream needs a note saying where it belongs',
    });
    expect(worded(parseCaseCommand({ action: 'return_upstream', reason: 'not_governance' }))).toEqual({
      ok: false,
      errors: ['reason must be one of other_district, outside_remit', 'note is required'],
    });
  });
});

describe('parseCaseCommand for the outcomes', () => {
  it.each<[Record<string, unknown>, string[] | null]>([
    [{ action: 'decline', reason: 'not_governance', note: '家庭纠纷' }, null],
    [{ action: 'decline', reason: 'duplicate', duplicateOfId: 'C-1' }, null],
    [{ action: 'decline', reason: 'duplicate' }, ['duplicateOfId is required']],
    [{ action: 'decline', reason: 'other', duplicateOfId: 'C-1' }, ['duplicateOfId is only for a duplicate']],
    [
      { action: 'void', reason: 'declined', note: 'x' },
      ['reason must be one of void, false_alarm, duplicate'],
    ],
    [{ action: 'return_upstream', reason: 'other_district', note: '属邻区' }, null],
  ])('%o → %o', (body, errors) => {
    const parsed = parseCaseCommand(body);
    expect(worded(parsed)).toEqual(errors ? { ok: false, errors } : { ok: true, command: body });
  });
});

describe('declined and upstream-returned cases leave every figure and are counted apart', () => {
  const H = 3_600_000;
  const DAY = beijing(2026, 3, 9);
  const at = (hours: number) => DAY + hours * H;
  // One handled case (accepted late, resolved on time, rated 5), one declined and one returned
  // upstream whose stored deadlines (had they not been cleared) have passed.
  const handled = caseIn('closed', {
    gridId: 'G01',
    assigneeId: 'w1',
    openedAt: at(1),
    acceptDueAt: at(1.5),
    acceptedAt: at(2),
    acceptedOnTime: false,
    resolveDueAt: at(10),
    resolvedAt: at(5),
    resolvedOnTime: true,
    closedAt: at(6),
    satisfaction: 5,
  });
  const declined = caseIn('closed', {
    gridId: 'G01',
    source: 'hotline',
    assigneeId: null,
    openedAt: at(2),
    acceptDueAt: at(3),
    resolveDueAt: at(4),
    closedAt: at(2.5),
    closeReason: 'declined',
  });
  const upstream = caseIn('closed', {
    gridId: 'G01',
    source: 'hotline',
    assigneeId: 'w1',
    openedAt: at(3),
    acceptDueAt: at(3.2),
    resolveDueAt: at(4),
    closedAt: at(3.5),
    closeReason: 'returned_upstream',
  });
  const now = at(30);

  it('in the analytics: the rates are the handled case’s alone; voided lists each reason', () => {
    const stats = computeCaseStats([handled, declined, upstream], { from: DAY, to: DAY + 24 * H, now });
    expect(stats.opened).toBe(3);
    expect(stats.overdue).toBe(0);
    expect(stats.responseRate).toEqual({ numerator: 0, denominator: 1, value: 0 });
    expect(stats.onTimeResolutionRate).toEqual({ numerator: 1, denominator: 1, value: 1 });
    expect(stats.mttaMs).toBe(1 * H);
    expect(stats.voided).toEqual({
      void: 0,
      false_alarm: 0,
      duplicate: 0,
      declined: 1,
      returned_upstream: 1,
    });
    expect(stats.trend).toEqual([{ day: '2026-03-09', opened: 3, resolved: 1, closed: 1 }]);
  });

  it('per unit: handled 1, declined 1, returned upstream 1, nothing overdue', () => {
    expect(ratesOf([handled, declined, upstream], now)).toMatchObject({
      handled: 1,
      voided: 0,
      declined: 1,
      returnedUpstream: 1,
      overdue: 0,
      responseRate: { numerator: 0, denominator: 1 },
      onTimeResolutionRate: { numerator: 1, denominator: 1 },
    });
  });

  it('in 考核: the grid and the worker are assessed on the handled case only', () => {
    const assessed = (c: CaseRecord, segments: AssigneeSegment[]): AssessedCase => ({
      ...c,
      segments,
      solved: null,
    });
    const segment = (dispatchedAt: number, extra: Partial<AssigneeSegment>): AssigneeSegment => ({
      personId: 'w1',
      departmentId: null,
      dispatchedAt,
      acceptDueAt: dispatchedAt + H,
      acceptedAt: null,
      respondedOnTime: false,
      redo: false,
      endedAt: null,
      end: null,
      resolveDueAt: at(4),
      delayMs: 0,
      ...extra,
    });
    const cases = [
      assessed(handled, [segment(at(1), { acceptedAt: at(2), endedAt: at(5), end: 'resolved' })]),
      assessed(declined, []),
      // Dispatched, returned by w1 late, then returned upstream by the desk: w1 is not charged.
      assessed(upstream, [segment(at(3), { endedAt: at(3.4), end: 'returned', delayMs: 2 * H })]),
    ];
    const grid = assessPlace('grid', 'G01', cases, now);
    expect(grid).toMatchObject({
      counted: 1,
      overdue: 0,
      returns: 0,
      responseRate: { numerator: 0, denominator: 1 },
      onTimeResolutionRate: { numerator: 1, denominator: 1 },
      excluded: { declined: 1, returned_upstream: 1 },
    });
    const worker = assessUnits(cases, (c) => c.gridId, now).worker.find((w) => w.key === 'w1')!;
    expect(worker).toMatchObject({
      counted: 1,
      returns: 0,
      delayMs: 0,
      excluded: { returned_upstream: 1 },
    });
  });
});
