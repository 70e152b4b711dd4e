import { describe, expect, it } from 'vitest';
import { dueClockActions, nextClockCheckAt, type ClockTiming } from './case-clock';
import { breachedClocks } from './case-overdue';
import {
  breachActionsFor,
  clockSpan,
  DEFAULT_SLAS,
  pickSla,
  validateSla,
  type CaseSla,
  type SlaEntry,
} from './case-sla';
import { registersAutomatically, type CaseCategoryNode } from './case-taxonomy';
import { ACTORS, caseIn, NOW, POLICY } from './case-test-fixture';
import type { CaseRecord } from './case-types';
import { transition } from './cases';
import { inEnglish } from './errors';

const MIN = 60_000;
const row = (category: string, accept: string, extra: Partial<CaseSla> = {}): SlaEntry => ({
  category,
  severity: 'warning',
  sla: { ...DEFAULT_SLAS.warning, accept, ...extra },
});

describe('the SLA row of a case: the most specific node wins', () => {
  const entries: SlaEntry[] = [
    row('*', '40m'),
    row('city_appearance', '30m'),
    row('city_appearance.litter', '20m'),
    row('city_appearance.litter.bins', '10m'),
  ];
  it.each<[string, { category: string; subcategory?: string | null; caseType?: string | null }, string]>([
    [
      'the type row',
      {
        category: 'city_appearance',
        subcategory: 'city_appearance.litter',
        caseType: 'city_appearance.litter.bins',
      },
      '10m',
    ],
    [
      'the subcategory row for another type',
      {
        category: 'city_appearance',
        subcategory: 'city_appearance.litter',
        caseType: 'city_appearance.litter.bags',
      },
      '20m',
    ],
    [
      'the category row for another subcategory',
      { category: 'city_appearance', subcategory: 'city_appearance.paint', caseType: null },
      '30m',
    ],
    ['the category row with no subcategory', { category: 'city_appearance' }, '30m'],
    ['the * row for another category', { category: 'flood', subcategory: 'flood.street' }, '40m'],
  ])('%s', (_, target, accept) => {
    expect(pickSla(entries, target, 'warning').accept).toBe(accept);
  });

  it('a row of another severity never applies', () => {
    expect(pickSla(entries, { category: 'city_appearance' }, 'critical')).toEqual(DEFAULT_SLAS.critical);
  });

  it('a row stored before the register and dispatch clocks gets them from its severity', () => {
    const old = {
      accept: '5m',
      arrive: '1h',
      resolve: '4h',
      repeatEveryMinutes: 5,
      escalateEveryMinutes: 10,
    };
    const sla = pickSla([{ category: 'flood', severity: 'info', sla: old }], 'flood', 'info');
    expect(sla).toMatchObject({ ...old, register: '2wh', dispatch: '2wh' });
    expect(clockSpan(old, 'dispatch', 'critical')).toBe('15m');
    expect(clockSpan({ ...old, dispatch: '3h' }, 'dispatch', 'critical')).toBe('3h');
  });
});

describe('what a breach does, per clock', () => {
  it.each<[Partial<CaseSla>, string, readonly string[]]>([
    [{}, 'accept', ['escalate']],
    [{ breach: { accept: ['remind', 'supervise'] } }, 'accept', ['remind', 'supervise']],
    [{ breach: { accept: ['remind'] } }, 'resolve', ['escalate']],
    [{ breach: { dispatch: [] } }, 'dispatch', []],
  ])('%j: %s breach → %j', (sla, clock, actions) => {
    expect(breachActionsFor(sla, clock as 'accept')).toEqual(actions);
  });

  it.each<[unknown, string[]]>([
    [{ register: '1h', dispatch: '2wh', breach: { dispatch: ['remind', 'escalate'] } }, []],
    [{ register: null }, []],
    [{ register: '2x' }, ['register must be a span like 15m, 2h, 1d, 4wh or 3wd']],
    [{ breach: [] }, ['breach must be an object']],
    [{ breach: { lunch: ['remind'] } }, ['unknown field breach.lunch']],
    [{ breach: { accept: ['shout'] } }, ['breach.accept must be a list of remind, escalate, supervise']],
    [
      { breach: { accept: ['remind', 'remind'] } },
      ['breach.accept must be a list of remind, escalate, supervise'],
    ],
  ])('validates %j', (extra, errors) => {
    const result = validateSla({
      ...DEFAULT_SLAS.info,
      register: undefined,
      dispatch: undefined,
      ...(extra as object),
    });
    expect(result.ok ? [] : inEnglish(result.errors)).toEqual(errors);
  });

  it('stores only known keys, and no null for a clock left out', () => {
    const result = validateSla({ ...DEFAULT_SLAS.info, register: null, dispatch: undefined, extra: 1 });
    expect(result.ok && result.sla).toEqual({
      accept: '2h',
      arrive: '1wd',
      resolve: '3wd',
      repeatEveryMinutes: 60,
      escalateEveryMinutes: 240,
    });
  });
});

describe('the ticker owes a breached clock its configured actions, once', () => {
  const timing = (breach: ClockTiming['breach']): ClockTiming => ({
    repeatEveryMs: 60 * MIN,
    escalateEveryMs: 15 * MIN,
    breach,
  });
  // A hotline report waiting for 立案 since NOW, register within 10 min.
  const waiting = (extra: Partial<CaseRecord> = {}) =>
    caseIn('reported', {
      source: 'hotline',
      assigneeId: null,
      dispatcherId: null,
      dispatchedAt: null,
      lastNotifiedAt: null,
      openedAt: NOW,
      registerDueAt: NOW + 10 * MIN,
      acceptDueAt: null,
      resolveDueAt: null,
      remindedClocks: ['register'],
      ...extra,
    });

  it.each<[string, ClockTiming['breach'], Partial<CaseRecord>, number, unknown[]]>([
    ['nothing before the deadline', { register: ['remind'] }, {}, NOW + 9 * MIN, []],
    [
      'the overdue notice at the deadline',
      { register: ['remind'] },
      {},
      NOW + 10 * MIN,
      [{ type: 'breach', clock: 'register', dueAt: NOW + 10 * MIN, actions: ['remind'] }],
    ],
    ['never twice', { register: ['remind'] }, { breachActed: ['register'] }, NOW + 30 * MIN, []],
    [
      'notice, 督办 and escalation together',
      { register: ['remind', 'escalate', 'supervise'] },
      {},
      NOW + 10 * MIN,
      [
        { type: 'breach', clock: 'register', dueAt: NOW + 10 * MIN, actions: ['remind', 'supervise'] },
        { type: 'escalate', clock: 'register', dueAt: NOW + 10 * MIN, to: 'community' },
      ],
    ],
    [
      'escalation alone keeps its interval after the once-only actions',
      { register: ['remind', 'escalate'] },
      { breachActed: ['register'], escalationLevel: 'community', escalatedAt: NOW + 10 * MIN },
      NOW + 25 * MIN,
      [{ type: 'escalate', clock: 'register', dueAt: NOW + 10 * MIN, to: 'street' }],
    ],
    ['a clock set to do nothing stays quiet', { register: [] }, {}, NOW + 60 * MIN, []],
    [
      'a clock not named escalates, as before',
      undefined,
      {},
      NOW + 10 * MIN,
      [{ type: 'escalate', clock: 'register', dueAt: NOW + 10 * MIN, to: 'community' }],
    ],
    [
      'the dispatch clock of a returned case',
      { dispatch: ['supervise'] },
      {
        state: 'returned',
        registerDueAt: null,
        awaitingDispatchSince: NOW,
        dispatchDueAt: NOW + 20 * MIN,
        remindedClocks: ['dispatch'],
      },
      NOW + 20 * MIN,
      [{ type: 'breach', clock: 'dispatch', dueAt: NOW + 20 * MIN, actions: ['supervise'] }],
    ],
    ['a paused case makes no noise', { register: ['remind'] }, { pausedAt: NOW }, NOW + 60 * MIN, []],
  ])('%s', (_, breach, extra, now, expected) => {
    expect(dueClockActions(waiting(extra), timing(breach), now)).toEqual(expected);
  });

  it('schedules the next look at a pending breach, and none once it is taken', () => {
    const t = timing({ register: ['remind'] });
    expect(nextClockCheckAt(waiting(), t, NOW + 5 * MIN)).toBe(NOW + 10 * MIN);
    expect(nextClockCheckAt(waiting({ breachActed: ['register'] }), t, NOW + 11 * MIN)).toBeNull();
  });

  it('reminds before the dispatch deadline from when the wait began, not from opening', () => {
    const returned = waiting({
      state: 'returned',
      openedAt: NOW - 7 * 86_400_000,
      registerDueAt: null,
      awaitingDispatchSince: NOW,
      dispatchDueAt: NOW + 100 * MIN,
      remindedClocks: [],
    });
    // A fifth of the 100-minute wait: 80 min in, not a day ahead (the case is a week old).
    expect(nextClockCheckAt(returned, timing({}), NOW)).toBe(NOW + 80 * MIN);
  });

  it('counts a register or dispatch clock run out as overdue', () => {
    expect(breachedClocks(waiting(), NOW + 11 * MIN)).toEqual(['register']);
    expect(breachedClocks({ ...waiting(), registerDueAt: undefined }, NOW + 11 * MIN)).toEqual([]);
  });
});

describe('the register and dispatch clocks through the case moves', () => {
  const sla = { ...POLICY.sla!, register: '30m', dispatch: '20m' };
  const policy = { ...POLICY, sla };

  it('registering stops the register clock, starts the dispatch clock and asks for routing', () => {
    const result = transition(
      caseIn('reported', { registerDueAt: NOW + MIN, assigneeId: null }),
      { action: 'register' },
      ACTORS.operator,
      NOW,
      policy,
    );
    expect(result).toMatchObject({
      ok: true,
      next: {
        state: 'registered',
        registerDueAt: null,
        awaitingDispatchSince: NOW,
        dispatchDueAt: NOW + 20 * MIN,
      },
      effects: [{ type: 'redispatch' }],
    });
  });

  it('dispatching stops the dispatch clock and forgets its breach', () => {
    const registered = caseIn('registered', {
      awaitingDispatchSince: NOW - 30 * MIN,
      dispatchDueAt: NOW - 10 * MIN,
      remindedClocks: ['dispatch'],
      breachActed: ['dispatch', 'resolve'],
    });
    const result = transition(
      registered,
      { action: 'dispatch', assigneeId: 'w1' },
      ACTORS.operator,
      NOW,
      policy,
    );
    expect(result).toMatchObject({
      ok: true,
      next: {
        dispatchDueAt: null,
        awaitingDispatchSince: null,
        remindedClocks: [],
        breachActed: ['resolve'],
      },
    });
  });

  it('a return starts a fresh dispatch clock for the desk', () => {
    const accepted = caseIn('accepted', { breachActed: ['accept', 'dispatch'], remindedClocks: ['accept'] });
    const result = transition(
      accepted,
      { action: 'return', reason: 'not_my_grid' },
      ACTORS.worker,
      NOW,
      policy,
    );
    expect(result).toMatchObject({
      ok: true,
      next: {
        state: 'returned',
        awaitingDispatchSince: NOW,
        dispatchDueAt: NOW + 20 * MIN,
        breachActed: [],
        remindedClocks: [],
      },
    });
  });

  it('declining to register (作废) stops every clock', () => {
    const result = transition(
      caseIn('reported', { registerDueAt: NOW + MIN }),
      { action: 'void', reason: 'void', note: '不属于受理范围' },
      ACTORS.supervisor,
      NOW,
      policy,
    );
    expect(result).toMatchObject({ ok: true, next: { registerDueAt: null, dispatchDueAt: null } });
  });
});

describe('who skips the 待立案 queue', () => {
  const nodes: CaseCategoryNode[] = [
    {
      key: 'city_appearance',
      level: 'category',
      name: '市容',
      safety: false,
      matches: [],
      autoRegister: false,
    },
    { key: 'flood', level: 'category', name: '内涝', safety: true, matches: [], autoRegister: true },
    { key: 'traffic', level: 'category', name: '交通', safety: false, matches: [] },
  ];
  it.each<[string, 'auto' | 'patrol' | 'hotline', boolean]>([
    ['city_appearance', 'auto', true],
    ['city_appearance', 'patrol', false],
    ['city_appearance.litter', 'hotline', false],
    ['flood', 'hotline', true],
    ['flood.street', 'patrol', true],
    // Without the flag a human report waits for 立案: the desk decides.
    ['traffic', 'hotline', false],
    ['unknown', 'patrol', false],
  ])('%s from %s → %s', (category, source, expected) => {
    expect(registersAutomatically(nodes, category, source)).toBe(expected);
  });
});
