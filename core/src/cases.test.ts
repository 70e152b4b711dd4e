import { describe, expect, it } from 'vitest';
import {
  CASE_STATES,
  SAFETY_CATEGORIES,
  parseCaseCommand,
  transition,
  type CaseAction,
  type CaseActor,
  type CaseCommand,
  type CaseRecord,
  type CaseState,
} from './cases';

const NOW = 1_795_300_000_000;
const worker: CaseActor = { id: 'w1', role: 'grid_worker' };
const otherWorker: CaseActor = { id: 'w2', role: 'grid_worker' };
const operator: CaseActor = { id: 'op1', role: 'operator' };
const supervisor: CaseActor = { id: 'sv1', role: 'supervisor' };
const admin: CaseActor = { id: 'ad1', role: 'admin' };
const system: CaseActor = { id: 'system', role: 'system' };

const caseIn = (state: CaseState, extra: Partial<CaseRecord> = {}): CaseRecord => ({
  id: 'c-1',
  title: 'Gas leak at building 3',
  category: 'gas_safety',
  severity: 'critical',
  state,
  source: 'auto',
  gridId: 'g-1',
  deviceId: 'gd-1',
  ruleId: 'r-gas',
  assigneeId: 'w1',
  resolvedById: 'w1',
  returnCount: 0,
  occurrences: 1,
  riskActive: true,
  openedAt: NOW - 3_600_000,
  updatedAt: NOW - 60_000,
  acceptDueAt: NOW + 600_000,
  resolveDueAt: NOW + 7_200_000,
  ...extra,
});

/** A valid command and a permitted actor for every action. */
const VALID: Record<CaseAction, [CaseCommand, CaseActor]> = {
  register: [{ action: 'register' }, operator],
  dispatch: [{ action: 'dispatch', assigneeId: 'w2' }, operator],
  accept: [{ action: 'accept' }, worker],
  return: [{ action: 'return', reason: 'not_my_grid' }, worker],
  arrive: [{ action: 'arrive' }, worker],
  resolve: [{ action: 'resolve', note: 'valve closed', photos: ['https://x/p.jpg'] }, worker],
  verify: [{ action: 'verify' }, supervisor],
  close: [{ action: 'close' }, operator],
  reopen: [{ action: 'reopen', note: 'smell is back' }, supervisor],
};

/** The workflow: 上报 → 立案 → 派遣 → 签收 → 处置 → 办结 → 核查 → 结案, plus 退单 and reopen. */
const ALLOWED: Record<CaseAction, Partial<Record<CaseState, CaseState>>> = {
  register: { reported: 'registered' },
  dispatch: { registered: 'dispatched', returned: 'dispatched', dispatched: 'dispatched' },
  accept: { dispatched: 'accepted' },
  return: { dispatched: 'returned', accepted: 'returned' },
  arrive: { accepted: 'in_progress' },
  resolve: { accepted: 'resolved', in_progress: 'resolved' },
  verify: { resolved: 'verified' },
  close: { verified: 'closed' },
  reopen: { resolved: 'registered', verified: 'registered', closed: 'registered' },
};

describe('transition: every state × action', () => {
  const pairs = CASE_STATES.flatMap((state) =>
    (Object.keys(VALID) as CaseAction[]).map(
      (action) => [state, action, ALLOWED[action][state] ?? null] as const,
    ),
  );
  it('covers 9 states × 9 actions', () => expect(pairs).toHaveLength(81));

  it.each(pairs)('%s + %s → %s', (state, action, expected) => {
    const [command, actor] = VALID[action];
    const before = caseIn(state);
    const result = transition(before, command, actor, NOW);
    if (expected === null) {
      expect(result).toMatchObject({ ok: false, code: 'invalid_transition' });
    } else {
      expect(result).toMatchObject({ ok: true, next: { state: expected, updatedAt: NOW } });
    }
    expect(before).toEqual(caseIn(state));
  });
});

describe('transition: who may act', () => {
  it.each<[CaseAction, CaseState, CaseActor, boolean]>([
    ['register', 'reported', system, true],
    ['register', 'reported', admin, true],
    ['register', 'reported', worker, false],
    ['register', 'reported', { id: 'h1', role: 'handler' }, false],
    ['dispatch', 'registered', system, true],
    ['dispatch', 'registered', supervisor, true],
    ['dispatch', 'registered', { id: 'e1', role: 'engineer' }, false],
    ['dispatch', 'registered', worker, false],
    ['accept', 'dispatched', otherWorker, false],
    ['accept', 'dispatched', admin, false],
    ['accept', 'dispatched', { id: 'w1', role: 'handler' }, true],
    ['return', 'dispatched', otherWorker, false],
    ['arrive', 'accepted', operator, false],
    ['resolve', 'in_progress', otherWorker, false],
    ['verify', 'resolved', operator, true],
    ['verify', 'resolved', admin, true],
    ['verify', 'resolved', system, false],
    ['verify', 'resolved', otherWorker, false],
    ['close', 'verified', system, true],
    ['close', 'verified', worker, false],
    ['reopen', 'closed', admin, true],
    ['reopen', 'closed', system, false],
    ['reopen', 'closed', worker, false],
  ])('%s a %s case by %o → allowed %s', (action, state, actor, allowed) => {
    const result = transition(caseIn(state), VALID[action][0], actor, NOW);
    if (allowed) expect(result.ok).toBe(true);
    else expect(result).toMatchObject({ ok: false, code: 'forbidden' });
  });

  it('forbids verification by the person who resolved the case', () => {
    const resolvedByOperator = caseIn('resolved', { assigneeId: 'op1', resolvedById: 'op1' });
    expect(transition(resolvedByOperator, { action: 'verify' }, operator, NOW)).toMatchObject({
      ok: false,
      code: 'forbidden',
    });
    expect(transition(resolvedByOperator, { action: 'verify' }, supervisor, NOW)).toMatchObject({
      ok: true,
      next: { state: 'verified' },
    });
  });
});

describe('transition: what each move needs and causes', () => {
  it('dispatch sets the assignee and notifies them', () => {
    const result = transition(caseIn('returned', { assigneeId: null }), VALID.dispatch[0], operator, NOW);
    expect(result).toEqual({
      ok: true,
      next: caseIn('dispatched', { assigneeId: 'w2', updatedAt: NOW }),
      effects: [{ type: 'notify', userId: 'w2', reason: 'assigned' }],
    });
  });

  it('accept clears the accept deadline', () => {
    const result = transition(caseIn('dispatched'), { action: 'accept' }, worker, NOW);
    expect(result).toEqual({
      ok: true,
      next: caseIn('accepted', { acceptDueAt: null, updatedAt: NOW }),
      effects: [],
    });
  });

  it.each<CaseState>(['dispatched', 'accepted'])(
    'return from %s counts the return, clears the assignee and goes back to dispatch',
    (state) => {
      const result = transition(caseIn(state, { returnCount: 2 }), VALID.return[0], worker, NOW);
      expect(result).toEqual({
        ok: true,
        next: caseIn('returned', { returnCount: 3, assigneeId: null, updatedAt: NOW }),
        effects: [{ type: 'await_dispatch' }],
      });
    },
  );

  it('return without a reason code is a validation error', () => {
    const command = { action: 'return' } as CaseCommand;
    expect(transition(caseIn('accepted'), command, worker, NOW)).toMatchObject({ code: 'validation_failed' });
  });

  it('resolve records the resolver and clears the resolve deadline', () => {
    const result = transition(caseIn('in_progress', { resolvedById: null }), VALID.resolve[0], worker, NOW);
    expect(result).toEqual({
      ok: true,
      next: caseIn('resolved', { resolvedById: 'w1', resolveDueAt: null, updatedAt: NOW }),
      effects: [],
    });
  });

  it.each<[string, string, Omit<Extract<CaseCommand, { action: 'resolve' }>, 'action'>, boolean]>([
    ['no note', 'litter', { note: '' }, false],
    ['whitespace note', 'litter', { note: '  \n ' }, false],
    ['note, non-safety category, no photo', 'litter', { note: 'cleared' }, true],
    ...SAFETY_CATEGORIES.map(
      (category) =>
        [`${category} without photos`, category, { note: 'done' }, false] as [
          string,
          string,
          { note: string },
          boolean,
        ],
    ),
    ['safety category with an empty photo list', 'fire_safety', { note: 'done', photos: [] }, false],
    ['safety category with a photo', 'fire_safety', { note: 'done', photos: ['https://x/1.jpg'] }, true],
  ])('resolve with %s → ok %s', (_name, category, fields, ok) => {
    const result = transition(
      caseIn('in_progress', { category }),
      { action: 'resolve', ...fields },
      worker,
      NOW,
    );
    if (ok) expect(result).toMatchObject({ ok: true, next: { state: 'resolved' } });
    else expect(result).toMatchObject({ ok: false, code: 'validation_failed' });
  });

  it.each<CaseState>(['resolved', 'verified', 'closed'])('reopen from %s asks for a redispatch', (state) => {
    const result = transition(caseIn(state), VALID.reopen[0], supervisor, NOW);
    expect(result).toEqual({
      ok: true,
      next: caseIn('registered', { resolvedById: null, updatedAt: NOW }),
      effects: [{ type: 'redispatch' }],
    });
  });

  it.each(['', '   '])('reopen with note %j is a validation error', (note) => {
    expect(transition(caseIn('closed'), { action: 'reopen', note }, supervisor, NOW)).toMatchObject({
      ok: false,
      code: 'validation_failed',
    });
  });

  it.each<CaseAction>(['register', 'arrive', 'close', 'verify'])('%s has no side effects', (action) => {
    const from = (Object.keys(ALLOWED[action]) as CaseState[])[0]!;
    const [command, actor] = VALID[action];
    expect(transition(caseIn(from), command, actor, NOW)).toMatchObject({ ok: true, effects: [] });
  });
});

describe('parseCaseCommand', () => {
  const actions = 'register, dispatch, accept, return, arrive, resolve, verify, close, reopen';
  it.each<[string, unknown, string[]]>([
    ['null', null, ['body must be an object']],
    ['a string', 'register', ['body must be an object']],
    ['no action', {}, [`action must be one of ${actions}`]],
    ['unknown action', { action: 'escalate' }, [`action must be one of ${actions}`]],
    ['dispatch without assignee', { action: 'dispatch' }, ['assigneeId is required']],
    ['dispatch with empty assignee', { action: 'dispatch', assigneeId: '' }, ['assigneeId is required']],
    ['dispatch with numeric assignee', { action: 'dispatch', assigneeId: 7 }, ['assigneeId is required']],
    [
      'return with a bad reason and note',
      { action: 'return', reason: 'bored', note: 5 },
      [
        'reason must be one of not_my_grid, wrong_category, duplicate, needs_department, other',
        'note must be a string',
      ],
    ],
    [
      'resolve without note and bad photos',
      { action: 'resolve', photos: [1] },
      ['note is required', 'photos must be a list of photo URLs'],
    ],
    [
      'resolve with photos not a list',
      { action: 'resolve', note: 'x', photos: 'a.jpg' },
      ['photos must be a list of photo URLs'],
    ],
    ['verify with a numeric note', { action: 'verify', note: 5 }, ['note must be a string']],
    ['reopen without note', { action: 'reopen' }, ['note is required']],
  ])('rejects %s', (_name, input, errors) => {
    expect(parseCaseCommand(input)).toEqual({ ok: false, errors });
  });

  it.each<CaseCommand>([
    ...(['register', 'accept', 'arrive', 'close', 'verify'] as const).map((action) => ({ action })),
    { action: 'dispatch', assigneeId: 'w2' },
    { action: 'return', reason: 'duplicate', note: 'see c-9' },
    { action: 'resolve', note: 'done', photos: ['https://x/1.jpg'] },
    { action: 'verify', note: 'checked on site' },
    { action: 'reopen', note: 'again' },
  ])('accepts %o', (command) => {
    expect(parseCaseCommand(command)).toEqual({ ok: true, command });
  });
});
