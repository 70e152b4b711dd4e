import { describe, expect, it } from 'vitest';
import { ACTORS, beijing, caseIn, NOW, POLICY } from './case-test-fixture';
import { SAFETY_CATEGORIES, transition, type CaseCommand, type CaseRecord, type CaseState } from './cases';

/** What each move needs and what it causes (which moves exist: cases.test.ts). */
const { worker, operator, supervisor, system } = ACTORS;
const VALID = {
  dispatch: { action: 'dispatch', assigneeId: 'w2' },
  return: { action: 'return', reason: 'not_my_grid' },
  pause: { action: 'pause', reason: '等待燃气公司关阀' },
  resolve: { action: 'resolve', note: 'valve closed', photos: ['https://x/p.jpg'] },
  feedback: { action: 'feedback', satisfaction: 5, solved: true },
  reopen: { action: 'reopen', note: 'smell is back' },
} as const satisfies Record<string, CaseCommand>;

describe('transition: dispatch, accept, arrive', () => {
  it('dispatch sets lead, co-handlers, dispatcher and a fresh accept clock, and notifies them', () => {
    const command: CaseCommand = {
      action: 'dispatch',
      assigneeId: 'w2',
      coHandlerIds: ['h1', 'w2', 'h1'],
      departmentId: 'dept-fire',
    };
    const result = transition(
      caseIn('returned', { assigneeId: null, remindedClocks: ['accept', 'resolve'] }),
      command,
      operator,
      NOW,
      POLICY,
    );
    expect(result).toEqual({
      ok: true,
      next: caseIn('dispatched', {
        assigneeId: 'w2',
        coHandlerIds: ['h1'],
        departmentId: 'dept-fire',
        dispatcherId: 'op1',
        dispatchedAt: NOW,
        lastNotifiedAt: NOW,
        acceptDueAt: NOW + 600_000,
        remindedClocks: ['resolve'],
        updatedAt: NOW,
      }),
      effects: [
        { type: 'notify', userId: 'w2', reason: 'assigned' },
        { type: 'notify', userId: 'h1', reason: 'co_assigned' },
      ],
    });
  });

  it('the first dispatch time is kept across re-dispatches', () => {
    const first = transition(
      caseIn('registered', { firstDispatchedAt: null }),
      VALID.dispatch,
      system,
      NOW,
      POLICY,
    );
    const again = first.ok && transition(first.next, VALID.dispatch, operator, NOW + 5000, POLICY);
    expect(again).toMatchObject({ ok: true, next: { firstDispatchedAt: NOW, dispatchedAt: NOW + 5000 } });
  });

  it.each<[string, number, boolean]>([
    ['before the deadline', NOW + 599_999, true],
    ['at the deadline', NOW + 600_000, true],
    ['after the deadline', NOW + 600_001, false],
  ])('accept %s records whether it was on time and starts the arrive clock', (_name, at, onTime) => {
    const result = transition(
      caseIn('dispatched', { acceptDueAt: NOW + 600_000 }),
      { action: 'accept' },
      worker,
      at,
      POLICY,
    );
    expect(result).toMatchObject({
      ok: true,
      next: { acceptedAt: at, acceptedOnTime: onTime, acceptDueAt: null, arriveDueAt: at + 30 * 60_000 },
    });
  });

  it('accept without a policy leaves the arrive clock alone', () => {
    const result = transition(caseIn('dispatched'), { action: 'accept' }, worker, NOW);
    expect(result).toMatchObject({ ok: true, next: { arriveDueAt: null, acceptDueAt: null } });
  });

  it('arrive stops the arrive clock', () => {
    const result = transition(
      caseIn('accepted', { arriveDueAt: NOW + 5 }),
      { action: 'arrive' },
      worker,
      NOW,
      POLICY,
    );
    expect(result).toMatchObject({
      ok: true,
      next: { state: 'in_progress', arrivedAt: NOW, arriveDueAt: null },
      effects: [],
    });
  });
});

describe('transition: return (退单)', () => {
  it.each<CaseState>(['dispatched', 'accepted', 'in_progress'])(
    'return from %s counts the return, clears the handlers and goes back to the dispatcher',
    (state) => {
      const before = caseIn(state, {
        returnCount: 1,
        coHandlerIds: ['h1'],
        departmentId: 'd1',
        arriveDueAt: NOW + 1,
      });
      const result = transition(before, VALID.return, worker, NOW, POLICY);
      expect(result).toEqual({
        ok: true,
        next: {
          ...before,
          state: 'returned',
          returnCount: 2,
          returnedById: 'w1',
          assigneeId: null,
          coHandlerIds: [],
          departmentId: null,
          acceptDueAt: null,
          arriveDueAt: null,
          // The desk's dispatch clock starts (the severity's default: 15 min for critical).
          awaitingDispatchSince: NOW,
          dispatchDueAt: NOW + 900_000,
          updatedAt: NOW,
        },
        effects: [{ type: 'await_dispatch' }],
      });
    },
  );

  it.each<[number, CaseRecord['escalationLevel'], boolean]>([
    [0, 'grid', false],
    [1, 'grid', false],
    [2, 'grid', true],
    [2, 'community', true],
    [5, 'street', false],
    [2, 'district', false],
  ])(
    'with %i earlier returns at the %s level, escalating to the street: %s',
    (returnCount, level, escalates) => {
      const result = transition(
        caseIn('dispatched', { returnCount, escalationLevel: level }),
        VALID.return,
        worker,
        NOW,
        POLICY,
      );
      if (!result.ok) throw new Error(result.message);
      expect(result.next.escalationLevel).toBe(escalates ? 'street' : level);
      expect(result.effects.some((e) => e.type === 'escalate')).toBe(escalates);
      if (escalates)
        expect(result.effects).toContainEqual({
          type: 'escalate',
          level: 'street',
          reason: `returned ${returnCount + 1} times`,
        });
    },
  );

  it('return without a reason code is a validation error', () => {
    const command = { action: 'return' } as CaseCommand;
    expect(transition(caseIn('accepted'), command, worker, NOW)).toMatchObject({ code: 'validation_failed' });
  });
});

describe('transition: pause while waiting on a department', () => {
  it('pause needs a reason and cannot pause twice', () => {
    expect(transition(caseIn('accepted'), { action: 'pause', reason: ' ' }, worker, NOW)).toMatchObject({
      code: 'validation_failed',
    });
    expect(transition(caseIn('accepted', { pausedAt: NOW - 1 }), VALID.pause, worker, NOW)).toMatchObject({
      code: 'invalid_transition',
    });
    expect(transition(caseIn('accepted'), VALID.pause, worker, NOW)).toMatchObject({
      ok: true,
      next: { pausedAt: NOW, pauseReason: '等待燃气公司关阀' },
    });
  });

  it('resume without a pause is refused', () => {
    expect(transition(caseIn('accepted'), { action: 'resume' }, worker, NOW)).toMatchObject({
      code: 'invalid_transition',
    });
  });

  it('resume moves a wall-clock deadline by the time paused', () => {
    const paused = caseIn('in_progress', {
      pausedAt: NOW - 600_000,
      arriveDueAt: NOW - 300_000,
      resolveDueAt: NOW + 1000,
    });
    expect(transition(paused, { action: 'resume' }, worker, NOW, POLICY)).toMatchObject({
      ok: true,
      next: { pausedAt: null, pauseReason: null, arriveDueAt: NOW + 300_000, resolveDueAt: NOW + 601_000 },
    });
  });

  it('resume keeps the working time left on a working-day deadline (a weekend does not count)', () => {
    // Paused Fri 16:00, due Tue 10:00: 9.5 working hours left. Resumed Mon 11:00 → due Tue 15:00.
    const policy = { ...POLICY, sla: { ...POLICY.sla!, resolve: '3wd' } };
    const paused = caseIn('in_progress', {
      pausedAt: beijing(2026, 3, 6, 16),
      resolveDueAt: beijing(2026, 3, 10, 10),
    });
    expect(transition(paused, { action: 'resume' }, worker, beijing(2026, 3, 9, 11), policy)).toMatchObject({
      ok: true,
      next: { resolveDueAt: beijing(2026, 3, 10, 15) },
    });
  });
});

describe('transition: resolve, verify, close, feedback, reopen', () => {
  it.each<[string, number, boolean]>([
    ['on time', NOW + 7_200_000, true],
    ['late', NOW + 7_200_001, false],
  ])('resolve %s records the resolver and whether it met the deadline', (_name, at, onTime) => {
    const result = transition(
      caseIn('in_progress', { resolvedById: null, pausedAt: NOW - 5, pauseReason: 'x' }),
      VALID.resolve,
      worker,
      at,
    );
    expect(result).toMatchObject({
      ok: true,
      next: {
        resolvedById: 'w1',
        resolvedAt: at,
        resolvedOnTime: onTime,
        resolveDueAt: null,
        pausedAt: null,
        pauseReason: null,
      },
      effects: [],
    });
  });

  it.each<
    [string, Partial<CaseRecord>, Omit<Extract<CaseCommand, { action: 'resolve' }>, 'action'>, boolean]
  >([
    ['no note', { category: 'litter' }, { note: '' }, false],
    ['whitespace note', { category: 'litter' }, { note: '  \n ' }, false],
    ['note, non-safety category, no photo', { category: 'litter' }, { note: 'cleared' }, true],
    ...SAFETY_CATEGORIES.map(
      (category) =>
        [`${category} without photos`, { category }, { note: 'done' }, false] as [
          string,
          Partial<CaseRecord>,
          { note: string },
          boolean,
        ],
    ),
    [
      'a category the taxonomy marks as safety, without photos',
      { category: 'elevator', photoRequired: true },
      { note: 'done' },
      false,
    ],
    [
      'safety category with an empty photo list',
      { category: 'fire_safety' },
      { note: 'done', photos: [] },
      false,
    ],
    [
      'safety category with a photo',
      { category: 'fire_safety' },
      { note: 'done', photos: ['https://x/1.jpg'] },
      true,
    ],
  ])('resolve with %s → ok %s', (_name, extra, fields, ok) => {
    const result = transition(caseIn('in_progress', extra), { action: 'resolve', ...fields }, worker, NOW);
    if (ok) expect(result).toMatchObject({ ok: true, next: { state: 'resolved' } });
    else expect(result).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it('close records when', () => {
    expect(transition(caseIn('verified'), { action: 'close' }, operator, NOW)).toMatchObject({
      ok: true,
      next: { closedAt: NOW },
      effects: [],
    });
  });

  it.each([0, 6, 3.5, Number.NaN])('feedback with satisfaction %s is a validation error', (satisfaction) => {
    expect(
      transition(caseIn('verified'), { action: 'feedback', satisfaction, solved: true }, operator, NOW),
    ).toMatchObject({
      code: 'validation_failed',
    });
  });

  it('feedback "solved" closes and records the satisfaction; on a closed case it keeps the closing time', () => {
    expect(transition(caseIn('verified'), VALID.feedback, operator, NOW)).toMatchObject({
      ok: true,
      next: { state: 'closed', satisfaction: 5, feedbackAt: NOW, closedAt: NOW },
      effects: [],
    });
    expect(
      transition(
        caseIn('closed', { closedAt: NOW - 9 }),
        { action: 'feedback', satisfaction: 3, solved: true },
        operator,
        NOW,
      ),
    ).toMatchObject({
      ok: true,
      next: { state: 'closed', satisfaction: 3, closedAt: NOW - 9 },
    });
  });

  it('feedback "not solved" needs a reason, then reopens with a fresh resolve clock', () => {
    const notSolved = { action: 'feedback', satisfaction: 1, solved: false } as const;
    expect(transition(caseIn('closed'), notSolved, operator, NOW, POLICY)).toMatchObject({
      code: 'validation_failed',
    });
    const result = transition(
      caseIn('closed', { closedAt: NOW - 9, resolvedAt: NOW - 99 }),
      { ...notSolved, comment: '还在冒烟' },
      operator,
      NOW,
      POLICY,
    );
    expect(result).toMatchObject({
      ok: true,
      next: {
        state: 'reopened',
        satisfaction: 1,
        closedAt: null,
        resolvedAt: null,
        resolvedById: null,
        resolveDueAt: NOW + 7_200_000,
      },
      effects: [{ type: 'redispatch' }],
    });
  });

  it.each<CaseState>(['resolved', 'verified', 'closed'])('reopen from %s asks for a redispatch', (state) => {
    const result = transition(
      caseIn(state, { resolveDueAt: null, remindedClocks: ['resolve'] }),
      VALID.reopen,
      supervisor,
      NOW,
      POLICY,
    );
    expect(result).toEqual({
      ok: true,
      next: caseIn('reopened', {
        resolvedById: null,
        resolveDueAt: NOW + 7_200_000,
        remindedClocks: [],
        awaitingDispatchSince: NOW,
        dispatchDueAt: NOW + 900_000,
        updatedAt: NOW,
        // 督办 by the platform: a reopened case was not solved.
        supervisedAt: NOW,
        supervisedById: 'system',
        supervisionReason: 'reopened',
      }),
      effects: [{ type: 'redispatch' }],
    });
  });

  it.each(['', '   '])('reopen with note %j is a validation error', (note) => {
    expect(transition(caseIn('closed'), { action: 'reopen', note }, supervisor, NOW)).toMatchObject({
      ok: false,
      code: 'validation_failed',
    });
  });
});

describe('transition: escalate (吹哨)', () => {
  it.each<
    [
      CaseRecord['escalationLevel'],
      CaseRecord['escalationLevel'] | undefined,
      CaseRecord['escalationLevel'] | null,
    ]
  >([
    ['grid', undefined, 'community'],
    ['community', undefined, 'street'],
    ['street', undefined, 'district'],
    ['district', undefined, null],
    ['grid', 'street', 'street'],
    ['street', 'community', null],
    ['street', 'street', null],
  ])('from %s to %s → %s', (from, level, expected) => {
    const command: CaseCommand = { action: 'escalate', reason: '超时未签收', ...(level ? { level } : {}) };
    const result = transition(caseIn('dispatched', { escalationLevel: from }), command, system, NOW);
    if (expected === null) expect(result).toMatchObject({ ok: false, code: 'validation_failed' });
    else
      expect(result).toEqual({
        ok: true,
        next: caseIn('dispatched', { escalationLevel: expected, escalatedAt: NOW, updatedAt: NOW }),
        effects: [{ type: 'escalate', level: expected, reason: '超时未签收' }],
      });
  });

  it('escalating needs a reason', () => {
    expect(transition(caseIn('dispatched'), { action: 'escalate', reason: '' }, operator, NOW)).toMatchObject(
      { code: 'validation_failed' },
    );
  });
});

describe('transition: verification fails (核查不通过, 退回重办)', () => {
  const resolved = () =>
    caseIn('resolved', {
      resolvedById: 'w1',
      resolvedAt: NOW - 5000,
      resolvedOnTime: true,
      resolveDueAt: null,
      remindedClocks: ['accept', 'resolve'],
    });

  it('goes back to the same handler, in progress, with a fresh resolve clock, and tells them', () => {
    const result = transition(
      resolved(),
      { action: 'reject', note: '现场仍有异味' },
      supervisor,
      NOW,
      POLICY,
    );
    expect(result).toEqual({
      ok: true,
      next: caseIn('in_progress', {
        resolvedById: null,
        resolvedAt: null,
        resolvedOnTime: null,
        resolveDueAt: NOW + 7_200_000,
        remindedClocks: ['accept'],
        updatedAt: NOW,
      }),
      effects: [{ type: 'notify', userId: 'w1', reason: 'rejected' }],
    });
  });

  it.each(['', '  '])('needs a reason (note %j)', (note) => {
    expect(transition(resolved(), { action: 'reject', note }, supervisor, NOW)).toMatchObject({
      ok: false,
      code: 'validation_failed',
    });
  });

  it('is not for the person who resolved it', () => {
    const byOperator = caseIn('resolved', { assigneeId: 'op1', resolvedById: 'op1' });
    expect(transition(byOperator, { action: 'reject', note: 'x' }, operator, NOW)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
  });
});

describe('transition: closing without handling (作废, 误报, 重复件)', () => {
  const open = () =>
    caseIn('accepted', { acceptDueAt: null, arriveDueAt: NOW + 5, pausedAt: NOW - 9, pauseReason: 'x' });

  it.each<[string, CaseCommand, Partial<CaseRecord> | null]>([
    ['void with a reason', { action: 'void', reason: 'void', note: '测试数据' }, { closeReason: 'void' }],
    [
      'false alarm with a reason',
      { action: 'void', reason: 'false_alarm', note: '蒸汽误报' },
      { closeReason: 'false_alarm' },
    ],
    [
      'duplicate naming its case',
      { action: 'void', reason: 'duplicate', duplicateOfId: ' c-0 ' },
      { closeReason: 'duplicate', duplicateOfId: 'c-0' },
    ],
    ['void without a reason', { action: 'void', reason: 'void', note: ' ' }, null],
    ['false alarm without a reason', { action: 'void', reason: 'false_alarm' }, null],
    ['duplicate naming no case', { action: 'void', reason: 'duplicate', duplicateOfId: ' ' }, null],
    ['duplicate of itself', { action: 'void', reason: 'duplicate', duplicateOfId: 'c-1' }, null],
    ['an unknown reason', { action: 'void', reason: 'done', note: 'x' } as unknown as CaseCommand, null],
  ])('%s', (_name, command, expected) => {
    const result = transition(open(), command, operator, NOW, POLICY);
    if (expected === null) expect(result).toMatchObject({ ok: false, code: 'validation_failed' });
    else
      expect(result).toEqual({
        ok: true,
        next: caseIn('closed', {
          duplicateOfId: null,
          ...expected,
          closedAt: NOW,
          acceptDueAt: null,
          arriveDueAt: null,
          resolveDueAt: null,
          pausedAt: null,
          pauseReason: null,
          updatedAt: NOW,
        }),
        effects: [],
      });
  });

  it('reopening a voided case forgets why it was closed', () => {
    const voided = caseIn('closed', { closeReason: 'duplicate', duplicateOfId: 'c-0', closedAt: NOW - 5 });
    expect(transition(voided, VALID.reopen, supervisor, NOW, POLICY)).toMatchObject({
      ok: true,
      next: { state: 'reopened', closeReason: null, duplicateOfId: null, closedAt: null },
    });
  });
});
