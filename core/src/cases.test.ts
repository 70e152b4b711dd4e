import { describe, expect, it } from 'vitest';
import { ACTORS, caseIn, NOW, POLICY } from './case-test-fixture';
import {
  CASE_ACTIONS,
  CASE_STATES,
  transition,
  type CaseAction,
  type CaseActor,
  type CaseCommand,
  type CaseRecord,
  type CaseState,
} from './cases';

const { worker, otherWorker, operator, supervisor, admin, system, handler } = ACTORS;

/** A valid command and a permitted actor for every action. */
const VALID: Record<CaseAction, [CaseCommand, CaseActor]> = {
  register: [{ action: 'register' }, operator],
  dispatch: [{ action: 'dispatch', assigneeId: 'w2' }, operator],
  accept: [{ action: 'accept' }, worker],
  return: [{ action: 'return', reason: 'not_my_grid' }, worker],
  arrive: [{ action: 'arrive' }, worker],
  pause: [{ action: 'pause', reason: '等待燃气公司关阀' }, worker],
  resume: [{ action: 'resume' }, worker],
  resolve: [{ action: 'resolve', note: 'valve closed', photos: ['https://x/p.jpg'] }, worker],
  verify: [{ action: 'verify' }, supervisor],
  reject: [{ action: 'reject', note: '现场仍有异味' }, supervisor],
  void: [{ action: 'void', reason: 'false_alarm', note: '传感器被蒸汽误触发' }, operator],
  decline: [{ action: 'decline', reason: 'not_governance', note: '家庭纠纷' }, operator],
  return_upstream: [{ action: 'return_upstream', reason: 'other_district', note: '属邻区' }, supervisor],
  close: [{ action: 'close' }, operator],
  feedback: [{ action: 'feedback', satisfaction: 5, solved: true }, operator],
  reopen: [{ action: 'reopen', note: 'smell is back' }, supervisor],
  escalate: [{ action: 'escalate', reason: '群众多次来电' }, operator],
  request_extension: [{ action: 'request_extension', days: 3, reason: '等待配件到货' }, worker],
  approve_extension: [{ action: 'approve_extension' }, supervisor],
  refuse_extension: [{ action: 'refuse_extension', reason: '现场条件已具备' }, operator],
  supervise: [{ action: 'supervise', reason: '群众反复投诉' }, supervisor],
  unsupervise: [{ action: 'unsupervise' }, supervisor],
};

/** What a case needs to be in for the action's preconditions besides its state. */
const PENDING = { days: 2, reason: '等待配件', requestedById: 'w1', requestedAt: NOW - 60_000 };
const SUPERVISED = { supervisedAt: NOW - 60_000, supervisedById: 'sv1', supervisionReason: '反复投诉' };
const SETUP: Partial<Record<CaseAction, Partial<CaseRecord>>> = {
  resume: { pausedAt: NOW - 60_000 },
  approve_extension: { extensionRequest: PENDING },
  refuse_extension: { extensionRequest: PENDING },
  unsupervise: SUPERVISED,
  // 非属地 is for calls that came down the hotline.
  return_upstream: { source: 'hotline' },
};

const ACTIVE: CaseState[] = [
  'reported',
  'registered',
  'dispatched',
  'accepted',
  'in_progress',
  'returned',
  'reopened',
];

/** The workflow: 上报 → 立案 → 派遣 → 签收 → 处置 → 办结 → 核查 → 结案, plus 退单, reopen, pause, escalate. */
const ALLOWED: Record<CaseAction, Partial<Record<CaseState, CaseState>>> = {
  register: { reported: 'registered' },
  dispatch: {
    registered: 'dispatched',
    returned: 'dispatched',
    reopened: 'dispatched',
    dispatched: 'dispatched',
  },
  accept: { dispatched: 'accepted' },
  return: { dispatched: 'returned', accepted: 'returned', in_progress: 'returned' },
  arrive: { accepted: 'in_progress' },
  pause: { accepted: 'accepted', in_progress: 'in_progress' },
  resume: { accepted: 'accepted', in_progress: 'in_progress' },
  resolve: { accepted: 'resolved', in_progress: 'resolved' },
  verify: { resolved: 'verified' },
  reject: { resolved: 'in_progress' },
  void: Object.fromEntries(ACTIVE.map((s) => [s, 'closed'])),
  decline: { reported: 'closed' },
  return_upstream: { reported: 'closed', registered: 'closed', returned: 'closed' },
  close: { verified: 'closed' },
  feedback: { verified: 'closed', closed: 'closed' },
  reopen: { resolved: 'reopened', verified: 'reopened', closed: 'reopened' },
  escalate: Object.fromEntries(ACTIVE.map((s) => [s, s])),
  request_extension: { accepted: 'accepted', in_progress: 'in_progress' },
  approve_extension: { accepted: 'accepted', in_progress: 'in_progress' },
  refuse_extension: { accepted: 'accepted', in_progress: 'in_progress' },
  supervise: Object.fromEntries(CASE_STATES.filter((s) => s !== 'closed').map((s) => [s, s])),
  unsupervise: Object.fromEntries(CASE_STATES.map((s) => [s, s])),
};

describe('transition: every state × action', () => {
  const pairs = CASE_STATES.flatMap((state) =>
    CASE_ACTIONS.map((action) => [state, action, ALLOWED[action][state] ?? null] as const),
  );
  it('covers 10 states × 22 actions', () => expect(pairs).toHaveLength(220));

  it.each(pairs)('%s + %s → %s', (state, action, expected) => {
    const [command, actor] = VALID[action];
    const before = caseIn(state, SETUP[action]);
    const result = transition(before, command, actor, NOW, POLICY);
    if (expected === null) expect(result).toMatchObject({ ok: false, code: 'invalid_transition' });
    else expect(result).toMatchObject({ ok: true, next: { state: expected, updatedAt: NOW } });
    expect(before).toEqual(caseIn(state, SETUP[action]));
  });
});

describe('transition: who may act', () => {
  const reporter: CaseActor = { id: 'rep1', role: 'grid_worker' };
  it.each<[CaseAction, CaseState, CaseActor, boolean]>([
    ['register', 'reported', system, true],
    ['register', 'reported', admin, true],
    ['register', 'reported', worker, false],
    ['register', 'reported', handler, false],
    ['dispatch', 'registered', system, true],
    ['dispatch', 'registered', supervisor, true],
    ['dispatch', 'registered', { id: 'e1', role: 'engineer' }, false],
    ['dispatch', 'registered', worker, false],
    ['accept', 'dispatched', otherWorker, false],
    ['accept', 'dispatched', admin, false],
    ['accept', 'dispatched', { id: 'w1', role: 'handler' }, true],
    ['return', 'dispatched', otherWorker, false],
    ['return', 'in_progress', operator, false],
    ['arrive', 'accepted', operator, false],
    ['pause', 'in_progress', operator, true],
    ['pause', 'in_progress', system, true],
    ['pause', 'in_progress', otherWorker, false],
    ['resume', 'accepted', supervisor, true],
    ['resume', 'accepted', otherWorker, false],
    ['resolve', 'in_progress', otherWorker, false],
    ['resolve', 'in_progress', operator, false],
    ['verify', 'resolved', operator, true],
    ['verify', 'resolved', admin, true],
    ['verify', 'resolved', system, false],
    ['verify', 'resolved', otherWorker, false],
    ['reject', 'resolved', supervisor, true],
    ['reject', 'resolved', operator, true],
    ['reject', 'resolved', system, false],
    ['reject', 'resolved', otherWorker, false],
    ['reject', 'resolved', handler, false],
    ['void', 'dispatched', operator, true],
    ['void', 'dispatched', supervisor, true],
    ['void', 'dispatched', admin, true],
    ['void', 'dispatched', system, false],
    ['void', 'dispatched', worker, false],
    ['void', 'dispatched', handler, false],
    ['decline', 'reported', operator, true],
    ['decline', 'reported', supervisor, true],
    ['decline', 'reported', admin, true],
    ['decline', 'reported', system, false],
    ['decline', 'reported', worker, false],
    ['decline', 'reported', handler, false],
    ['return_upstream', 'registered', operator, true],
    ['return_upstream', 'returned', supervisor, true],
    ['return_upstream', 'reported', admin, true],
    ['return_upstream', 'reported', system, false],
    ['return_upstream', 'reported', worker, false],
    ['return_upstream', 'registered', handler, false],
    ['close', 'verified', system, true],
    ['close', 'verified', worker, false],
    ['feedback', 'verified', supervisor, true],
    ['feedback', 'verified', reporter, true],
    ['feedback', 'verified', otherWorker, false],
    ['feedback', 'verified', system, false],
    ['reopen', 'closed', admin, true],
    ['reopen', 'closed', system, false],
    ['reopen', 'closed', worker, false],
    ['escalate', 'dispatched', system, true],
    ['escalate', 'dispatched', supervisor, true],
    ['escalate', 'dispatched', worker, false],
    ['escalate', 'dispatched', handler, false],
    ['request_extension', 'in_progress', worker, true],
    ['request_extension', 'in_progress', { id: 'w1', role: 'handler' }, true],
    ['request_extension', 'in_progress', otherWorker, false],
    ['request_extension', 'in_progress', supervisor, false],
    ['request_extension', 'in_progress', { id: 'w1', role: 'operator' }, false],
    ['approve_extension', 'in_progress', supervisor, true],
    ['approve_extension', 'in_progress', operator, true],
    ['approve_extension', 'in_progress', admin, true],
    ['approve_extension', 'in_progress', worker, false],
    ['approve_extension', 'in_progress', otherWorker, false],
    ['approve_extension', 'in_progress', handler, false],
    ['approve_extension', 'in_progress', system, false],
    ['refuse_extension', 'accepted', supervisor, true],
    ['refuse_extension', 'accepted', worker, false],
    ['refuse_extension', 'accepted', handler, false],
    ['supervise', 'dispatched', supervisor, true],
    ['supervise', 'dispatched', admin, true],
    ['supervise', 'dispatched', system, true],
    ['supervise', 'dispatched', operator, false],
    ['supervise', 'dispatched', worker, false],
    ['supervise', 'dispatched', handler, false],
    ['unsupervise', 'dispatched', supervisor, true],
    ['unsupervise', 'dispatched', system, false],
    ['unsupervise', 'dispatched', operator, false],
    ['unsupervise', 'dispatched', worker, false],
  ])('%s a %s case by %o → allowed %s', (action, state, actor, allowed) => {
    const record = caseIn(state, { ...SETUP[action], reporterId: 'rep1' });
    const result = transition(record, VALID[action][0], actor, NOW, POLICY);
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

// register asks for routing (`redispatch`; case-clocks.test.ts).
it.each<CaseAction>(['arrive', 'close', 'verify', 'pause'])('%s has no side effects', (action) => {
  const from = (Object.keys(ALLOWED[action]) as CaseState[])[0]!;
  const [command, actor] = VALID[action];
  expect(transition(caseIn(from), command, actor, NOW)).toMatchObject({ ok: true, effects: [] });
});
