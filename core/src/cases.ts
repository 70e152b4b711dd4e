import { addWorkingMs, workingDayMs, workingMsBetween } from './case-calendar';
import { addSpan, clockSpan, isWorkingSpan, type CaseSla, type SlaClock } from './case-sla';
import {
  ACTIVE_CASE_STATES,
  CASE_STATES,
  DECLINE_REASONS,
  UPSTREAM_REASONS,
  VOID_REASONS,
  MAX_EXTENSION_DAYS,
  OPEN_CASE_STATES,
  DEFAULT_TRANSITION_POLICY,
  ESCALATION_LEVELS,
  SAFETY_CATEGORIES,
  nextEscalationLevel,
  type AutoSupervisionReason,
  type CaseAction,
  type CaseActor,
  type CaseCommand,
  type CaseEffect,
  type CaseRecord,
  type CaseState,
  type TransitionPolicy,
  type TransitionResult,
} from './case-types';
import { apiText, englishOf } from './api-texts';
import type { Problem } from './errors';
import type { Role } from './model';
import { rolesFor } from './permissions';

// The case modules, exported through this one entry (core's index exports './cases').
export * from './case-types';
export * from './case-commands';
export * from './case-calendar';
export * from './case-sla';
export * from './case-taxonomy';
export * from './case-routing';
export * from './case-rosters';
export * from './case-fusion';
export * from './case-clock';
export * from './case-stats';
export * from './case-intake';

type Party = Role | 'system';
const DISPATCHERS: readonly Party[] = ['system', 'operator', 'supervisor', 'admin'];
const CHECKERS: readonly Party[] = ['operator', 'supervisor', 'admin'];
/** Who passes or fails verification, and who closes as void / false alarm / duplicate: the permission table's. */
const VERIFIERS: readonly Party[] = rolesFor('case.verify');
const VOIDERS: readonly Party[] = rolesFor('case.void');
/** 不予立案 and 非属地 are the desk's decisions on a report before anyone works on it. */
const DECLINERS: readonly Party[] = rolesFor('case.decline');
const UPSTREAM_RETURNERS: readonly Party[] = rolesFor('case.return_upstream');
/** 非属地 while nobody has started on it: waiting for 立案, for a dispatch, or back from a 退单. */
const BEFORE_WORK: readonly CaseState[] = ['reported', 'registered', 'returned'];
/** 延期 is decided by the level above the handler; 督办 is set by supervisors or by the platform. */
const EXTENSION_DECIDERS: readonly Party[] = rolesFor('case.extend.decide');
const SUPERVISORS: readonly Party[] = ['system', ...rolesFor('case.supervise')];
const EXTENSION_REQUESTERS: readonly Party[] = rolesFor('case.extend.request');
const WORKING: readonly CaseState[] = ['accepted', 'in_progress'];

interface Move {
  from: readonly CaseState[];
  /** `same` for moves that change the case but not its state (pause, escalate). */
  to: CaseState | 'same';
  by: (record: CaseRecord, actor: CaseActor) => boolean;
}

const roles =
  (allowed: readonly Party[]) =>
  (_record: CaseRecord, actor: CaseActor): boolean =>
    allowed.includes(actor.role);
const assignee = (record: CaseRecord, actor: CaseActor) => actor.id === record.assigneeId;

export const CASE_MOVES: Record<CaseAction, Move> = {
  register: { from: ['reported'], to: 'registered', by: roles(DISPATCHERS) },
  dispatch: {
    from: ['registered', 'returned', 'reopened', 'dispatched'],
    to: 'dispatched',
    by: roles(DISPATCHERS),
  },
  accept: { from: ['dispatched'], to: 'accepted', by: assignee },
  return: { from: ['dispatched', ...WORKING], to: 'returned', by: assignee },
  arrive: { from: ['accepted'], to: 'in_progress', by: assignee },
  pause: { from: WORKING, to: 'same', by: (r, a) => assignee(r, a) || DISPATCHERS.includes(a.role) },
  resume: { from: WORKING, to: 'same', by: (r, a) => assignee(r, a) || DISPATCHERS.includes(a.role) },
  resolve: { from: WORKING, to: 'resolved', by: assignee },
  verify: { from: ['resolved'], to: 'verified', by: roles(VERIFIERS) },
  reject: { from: ['resolved'], to: 'in_progress', by: roles(VERIFIERS) },
  void: { from: ACTIVE_CASE_STATES, to: 'closed', by: roles(VOIDERS) },
  decline: { from: ['reported'], to: 'closed', by: roles(DECLINERS) },
  return_upstream: { from: BEFORE_WORK, to: 'closed', by: roles(UPSTREAM_RETURNERS) },
  close: { from: ['verified'], to: 'closed', by: roles(DISPATCHERS) },
  feedback: {
    from: ['verified', 'closed'],
    to: 'same',
    by: (r, a) => CHECKERS.includes(a.role) || (a.role !== 'system' && a.id === r.reporterId),
  },
  reopen: { from: ['resolved', 'verified', 'closed'], to: 'reopened', by: roles(CHECKERS) },
  escalate: { from: ACTIVE_CASE_STATES, to: 'same', by: roles(DISPATCHERS) },
  request_extension: {
    from: WORKING,
    to: 'same',
    by: (r, a) => assignee(r, a) && EXTENSION_REQUESTERS.includes(a.role),
  },
  approve_extension: { from: WORKING, to: 'same', by: roles(EXTENSION_DECIDERS) },
  refuse_extension: { from: WORKING, to: 'same', by: roles(EXTENSION_DECIDERS) },
  supervise: { from: OPEN_CASE_STATES, to: 'same', by: roles(SUPERVISORS) },
  unsupervise: { from: CASE_STATES, to: 'same', by: roles(rolesFor('case.supervise')) },
};

/** A refused move: its English as `message`, and its key as `text` when it has one. */
const refuse = (code: 'invalid_transition' | 'forbidden' | 'validation_failed', problem: Problem) =>
  typeof problem === 'string'
    ? ({ ok: false, code, message: problem } as const)
    : ({ ok: false, code, message: englishOf(problem), text: problem } as const);

/** The dispatch clock (派遣) starts: the case waits for the desk from now. */
function awaitDispatch(
  next: CaseRecord,
  sla: CaseSla | undefined,
  policy: TransitionPolicy,
  now: number,
): void {
  next.awaitingDispatchSince = now;
  next.dispatchDueAt = sla ? addSpan(now, clockSpan(sla, 'dispatch', next.severity), policy.calendar) : null;
}

/** Closed without handling: nobody answers for it any more, so every clock stops. */
const ENDED_UNHANDLED = {
  registerDueAt: null,
  dispatchDueAt: null,
  awaitingDispatchSince: null,
  acceptDueAt: null,
  arriveDueAt: null,
  resolveDueAt: null,
  pausedAt: null,
  pauseReason: null,
} as const satisfies Partial<CaseRecord>;

/** The case a 重复件 names: required for a duplicate, refused otherwise, never the case itself. */
function duplicateTarget(
  current: CaseRecord,
  reason: string,
  duplicateOfId: string | undefined,
): { ok: true; id: string | null } | ReturnType<typeof refuse> {
  if (reason !== 'duplicate') return { ok: true, id: null };
  const id = duplicateOfId?.trim();
  if (!id) return refuse('validation_failed', apiText('case.duplicateNeedsOriginal'));
  if (id === current.id) return refuse('validation_failed', apiText('case.duplicateOfItself'));
  return { ok: true, id };
}

const without = (clocks: readonly SlaClock[], gone: readonly SlaClock[]) =>
  clocks.filter((c) => !gone.includes(c));

/** Reopening: back to the dispatcher with a fresh resolve clock. */
function reopened(current: CaseRecord, next: CaseRecord, policy: TransitionPolicy, now: number): void {
  next.state = 'reopened';
  next.resolvedById = null;
  next.resolvedAt = null;
  next.resolvedOnTime = null;
  next.closedAt = null;
  next.closeReason = null;
  next.duplicateOfId = null;
  next.remindedClocks = [];
  next.breachActed = [];
  awaitDispatch(next, policy.sla, policy, now);
  next.resolveDueAt = policy.sla ? addSpan(now, policy.sla.resolve, policy.calendar) : current.resolveDueAt;
  next.extensionRequest = null;
  // A reopened case was not solved: it comes back under 督办 (unless it already is).
  if (current.supervisedAt === null) superviseAutomatically(next, 'reopened', now);
}

/** 督办 set by the platform itself: a reopened case was not solved. */
export function superviseAutomatically(next: CaseRecord, reason: AutoSupervisionReason, now: number): void {
  next.supervisedAt = now;
  next.supervisedById = 'system';
  next.supervisionReason = reason;
}

/** A deadline moved on by a pause: wall time for wall-clock spans, working time for calendar spans. */
function shiftForPause(
  due: number | null,
  pausedAt: number,
  now: number,
  policy: TransitionPolicy,
  working: boolean,
) {
  if (due === null) return null;
  if (!working) return due + (now - pausedAt);
  return addWorkingMs(now, workingMsBetween(pausedAt, due, policy.calendar), policy.calendar);
}

/**
 * The one place that decides every case move: who may make it, what it needs and what it
 * causes. Pure: "now" and the policy are passed in and nothing is stored or sent here.
 */
export function transition(
  current: CaseRecord,
  command: CaseCommand,
  actor: CaseActor,
  now: number,
  policy: TransitionPolicy = DEFAULT_TRANSITION_POLICY,
): TransitionResult {
  const move = CASE_MOVES[command.action];
  if (!move.from.includes(current.state))
    return refuse(
      'invalid_transition',
      apiText('case.cannotMove', { action: command.action, state: current.state }),
    );
  if (!move.by(current, actor))
    return refuse('forbidden', apiText('case.roleMayNot', { role: actor.role, action: command.action }));

  const next: CaseRecord = { ...current, updatedAt: now };
  if (move.to !== 'same') next.state = move.to;
  const effects: CaseEffect[] = [];
  const sla = policy.sla;
  switch (command.action) {
    case 'register':
      // 立案 decided: the register clock stops, the dispatch clock starts, and the rule list may route it.
      next.registerDueAt = null;
      awaitDispatch(next, sla, policy, now);
      effects.push({ type: 'redispatch' });
      break;
    case 'dispatch': {
      const coHandlerIds = [...new Set(command.coHandlerIds ?? [])].filter((id) => id !== command.assigneeId);
      Object.assign(next, {
        assigneeId: command.assigneeId,
        coHandlerIds,
        departmentId: command.departmentId ?? null,
        dispatcherId: actor.id,
        dispatchedAt: now,
        firstDispatchedAt: current.firstDispatchedAt ?? now,
        lastNotifiedAt: now,
        arriveDueAt: null,
        dispatchDueAt: null,
        awaitingDispatchSince: null,
        remindedClocks: without(current.remindedClocks, ['dispatch', 'accept', 'arrive']),
        breachActed: without(current.breachActed, ['dispatch', 'accept', 'arrive']),
      } satisfies Partial<CaseRecord>);
      if (sla) next.acceptDueAt = addSpan(now, sla.accept, policy.calendar);
      effects.push({ type: 'notify', userId: command.assigneeId, reason: 'assigned' });
      for (const id of coHandlerIds) effects.push({ type: 'notify', userId: id, reason: 'co_assigned' });
      break;
    }
    case 'accept':
      next.acceptedAt = now;
      next.acceptedOnTime = current.acceptDueAt === null ? null : now <= current.acceptDueAt;
      next.acceptDueAt = null;
      if (sla) next.arriveDueAt = addSpan(now, sla.arrive, policy.calendar);
      break;
    case 'return': {
      if (!command.reason) return refuse('validation_failed', apiText('case.returnNeedsReason'));
      Object.assign(next, {
        returnCount: current.returnCount + 1,
        returnedById: actor.id,
        assigneeId: null,
        coHandlerIds: [],
        departmentId: null,
        acceptDueAt: null,
        arriveDueAt: null,
        pausedAt: null,
        pauseReason: null,
        remindedClocks: without(current.remindedClocks, ['dispatch', 'accept', 'arrive']),
        breachActed: without(current.breachActed, ['dispatch', 'accept', 'arrive']),
      } satisfies Partial<CaseRecord>);
      awaitDispatch(next, sla, policy, now);
      effects.push({ type: 'await_dispatch' });
      const belowStreet =
        ESCALATION_LEVELS.indexOf(current.escalationLevel) < ESCALATION_LEVELS.indexOf('street');
      if (next.returnCount > policy.returnLimit && belowStreet) {
        next.escalationLevel = 'street';
        next.escalatedAt = now;
        effects.push({ type: 'escalate', level: 'street', reason: `returned ${next.returnCount} times` });
      }
      break;
    }
    case 'arrive':
      next.arrivedAt = now;
      next.arriveDueAt = null;
      break;
    case 'pause':
      if (current.pausedAt !== null) return refuse('invalid_transition', apiText('case.alreadyPaused'));
      if (!command.reason?.trim()) return refuse('validation_failed', apiText('case.pauseNeedsReason'));
      next.pausedAt = now;
      next.pauseReason = command.reason.trim();
      break;
    case 'resume': {
      if (current.pausedAt === null) return refuse('invalid_transition', apiText('case.notPaused'));
      const working = sla ? isWorkingSpan(sla.resolve) : false;
      next.arriveDueAt = shiftForPause(current.arriveDueAt, current.pausedAt, now, policy, false);
      next.resolveDueAt = shiftForPause(current.resolveDueAt, current.pausedAt, now, policy, working);
      next.pausedAt = null;
      next.pauseReason = null;
      break;
    }
    case 'resolve':
      if (!command.note?.trim()) return refuse('validation_failed', apiText('case.resolveNeedsNote'));
      if ((current.photoRequired || SAFETY_CATEGORIES.includes(current.category)) && !command.photos?.length)
        return refuse('validation_failed', apiText('case.safetyNeedsPhoto'));
      Object.assign(next, {
        resolvedById: actor.id,
        resolvedAt: now,
        resolvedOnTime: current.resolveDueAt === null ? null : now <= current.resolveDueAt,
        resolveDueAt: null,
        arriveDueAt: null,
        pausedAt: null,
        pauseReason: null,
      } satisfies Partial<CaseRecord>);
      break;
    case 'verify':
      if (actor.id === current.resolvedById) return refuse('forbidden', apiText('case.verifierNotResolver'));
      break;
    case 'reject': {
      if (actor.id === current.resolvedById) return refuse('forbidden', apiText('case.verifierNotResolver'));
      if (!command.note?.trim()) return refuse('validation_failed', apiText('case.rejectNeedsReason'));
      // 退回重办: the same handler does it again, against a fresh resolve clock.
      Object.assign(next, {
        resolvedById: null,
        resolvedAt: null,
        resolvedOnTime: null,
        remindedClocks: current.remindedClocks.filter((c) => c !== 'resolve'),
        breachActed: current.breachActed.filter((c) => c !== 'resolve'),
        resolveDueAt: sla ? addSpan(now, sla.resolve, policy.calendar) : current.resolveDueAt,
      } satisfies Partial<CaseRecord>);
      if (current.assigneeId)
        effects.push({ type: 'notify', userId: current.assigneeId, reason: 'rejected' });
      break;
    }
    case 'void': {
      if (!VOID_REASONS.includes(command.reason))
        return refuse(
          'validation_failed',
          apiText('field.oneOf', { field: 'reason', values: VOID_REASONS.join(', ') }),
        );
      const duplicate = duplicateTarget(current, command.reason, command.duplicateOfId);
      if (!duplicate.ok) return duplicate;
      if (command.reason !== 'duplicate' && !command.note?.trim())
        return refuse('validation_failed', apiText('case.voidNeedsReason'));
      // Nobody answers for it any more: its clocks stop and it never counts as handled (办结).
      Object.assign(next, {
        ...ENDED_UNHANDLED,
        closeReason: command.reason,
        duplicateOfId: duplicate.id,
        closedAt: now,
      } satisfies Partial<CaseRecord>);
      break;
    }
    case 'decline': {
      if (!DECLINE_REASONS.includes(command.reason))
        return refuse(
          'validation_failed',
          apiText('field.oneOf', { field: 'reason', values: DECLINE_REASONS.join(', ') }),
        );
      const duplicate = duplicateTarget(current, command.reason, command.duplicateOfId);
      if (!duplicate.ok) return duplicate;
      if (command.reason !== 'duplicate' && !command.note?.trim())
        return refuse('validation_failed', apiText('case.declineNeedsNote'));
      // 不予立案: never a case, so no rate counts it; the reason code goes on its timeline.
      Object.assign(next, {
        ...ENDED_UNHANDLED,
        closeReason: 'declined',
        duplicateOfId: duplicate.id,
        closedAt: now,
      } satisfies Partial<CaseRecord>);
      break;
    }
    case 'return_upstream':
      if (current.source !== 'hotline')
        return refuse('invalid_transition', apiText('case.upstreamOnlyHotline'));
      if (!UPSTREAM_REASONS.includes(command.reason))
        return refuse(
          'validation_failed',
          apiText('field.oneOf', { field: 'reason', values: UPSTREAM_REASONS.join(', ') }),
        );
      if (!command.note?.trim()) return refuse('validation_failed', apiText('case.upstreamNeedsNote'));
      // 非属地: back to the hotline that sent it; the street does not answer for it.
      Object.assign(next, {
        ...ENDED_UNHANDLED,
        closeReason: 'returned_upstream',
        closedAt: now,
      } satisfies Partial<CaseRecord>);
      break;
    case 'close':
      next.closedAt = now;
      break;
    case 'feedback': {
      const { satisfaction } = command;
      if (!Number.isInteger(satisfaction) || satisfaction < 1 || satisfaction > 5)
        return refuse('validation_failed', apiText('case.satisfactionRange'));
      next.satisfaction = satisfaction;
      next.feedbackAt = now;
      if (command.solved) {
        next.state = 'closed';
        next.closedAt = current.closedAt ?? now;
      } else {
        if (!command.comment?.trim())
          return refuse('validation_failed', apiText('case.notSolvedNeedsReason'));
        reopened(current, next, policy, now);
        effects.push({ type: 'redispatch' });
      }
      break;
    }
    case 'reopen':
      if (!command.note?.trim()) return refuse('validation_failed', apiText('case.reopenNeedsReason'));
      reopened(current, next, policy, now);
      effects.push({ type: 'redispatch' });
      break;
    case 'escalate': {
      if (!command.reason?.trim()) return refuse('validation_failed', apiText('case.escalateNeedsReason'));
      const level = command.level ?? nextEscalationLevel(current.escalationLevel);
      if (!level || ESCALATION_LEVELS.indexOf(level) <= ESCALATION_LEVELS.indexOf(current.escalationLevel))
        return refuse(
          'validation_failed',
          apiText('case.alreadyAtLevel', { level: current.escalationLevel }),
        );
      next.escalationLevel = level;
      next.escalatedAt = now;
      effects.push({ type: 'escalate', level, reason: command.reason.trim() });
      break;
    }
    case 'request_extension': {
      if (current.extensionRequest) return refuse('invalid_transition', apiText('case.extensionWaiting'));
      if (current.resolveDueAt === null)
        return refuse('invalid_transition', apiText('case.noResolveDeadline'));
      const { days } = command;
      if (!Number.isInteger(days) || days < 1 || days > MAX_EXTENSION_DAYS)
        return refuse('validation_failed', apiText('case.extensionDays', { max: MAX_EXTENSION_DAYS }));
      if (!command.reason?.trim()) return refuse('validation_failed', apiText('case.extensionNeedsReason'));
      next.extensionRequest = {
        days,
        reason: command.reason.trim(),
        requestedById: actor.id,
        requestedAt: now,
      };
      break;
    }
    case 'approve_extension':
    case 'refuse_extension': {
      const request = current.extensionRequest;
      if (!request) return refuse('invalid_transition', apiText('case.noExtensionWaiting'));
      if (actor.id === request.requestedById)
        return refuse('forbidden', apiText('case.extensionDecidedByOther'));
      next.extensionRequest = null;
      if (command.action === 'refuse_extension') {
        if (!command.reason?.trim())
          return refuse('validation_failed', apiText('case.refuseExtensionNeedsReason'));
        break;
      }
      // N working days on the calendar, from the deadline as it stands (a paused case shifts it on resume).
      if (current.resolveDueAt !== null)
        next.resolveDueAt = addWorkingMs(
          current.resolveDueAt,
          request.days * workingDayMs(policy.calendar),
          policy.calendar,
        );
      next.remindedClocks = current.remindedClocks.filter((c) => c !== 'resolve');
      next.breachActed = current.breachActed.filter((c) => c !== 'resolve');
      break;
    }
    case 'supervise':
      if (current.supervisedAt !== null)
        return refuse('invalid_transition', apiText('case.alreadySupervised'));
      if (!command.reason?.trim()) return refuse('validation_failed', apiText('case.supervisionNeedsReason'));
      next.supervisedAt = now;
      next.supervisedById = actor.id;
      next.supervisionReason = command.reason.trim();
      break;
    case 'unsupervise':
      if (current.supervisedAt === null) return refuse('invalid_transition', apiText('case.notSupervised'));
      next.supervisedAt = null;
      next.supervisedById = null;
      next.supervisionReason = null;
      break;
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
  // A waiting 延期 request is its asker's, for the work in hand: it lapses once they no longer lead
  // the case or the case leaves work (resolved, returned, closed), so it cannot stretch a later
  // deadline nor block the next lead's own request.
  const waiting = next.extensionRequest;
  if (waiting && (next.assigneeId !== waiting.requestedById || !WORKING.includes(next.state)))
    next.extensionRequest = null;
  return { ok: true, next, effects };
}
