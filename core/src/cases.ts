import type { Role, Severity } from './model';

/** 上报 → 立案 → 派遣 → 签收 → 处置 → 办结 → 核查 → 结案, plus 退单 and reopen. */
export type CaseState =
  | 'reported'
  | 'registered'
  | 'dispatched'
  | 'accepted'
  | 'in_progress'
  | 'resolved'
  | 'verified'
  | 'closed'
  | 'returned';

export const CASE_STATES: readonly CaseState[] = [
  'reported',
  'registered',
  'dispatched',
  'accepted',
  'in_progress',
  'resolved',
  'verified',
  'closed',
  'returned',
];

export const OPEN_CASE_STATES: readonly CaseState[] = CASE_STATES.filter((s) => s !== 'closed');

export type CaseSource = 'auto' | 'patrol' | 'hotline';

export interface CaseRecord {
  id: string;
  title: string;
  category: string;
  severity: Severity;
  state: CaseState;
  source: CaseSource;
  gridId: string;
  deviceId: string | null;
  ruleId: string | null;
  assigneeId: string | null;
  resolvedById: string | null;
  returnCount: number;
  occurrences: number;
  /** Whether the condition that raised the case is still present (it may clear first). */
  riskActive: boolean;
  openedAt: number;
  updatedAt: number;
  acceptDueAt: number | null;
  resolveDueAt: number | null;
}

export type ReturnReason = 'not_my_grid' | 'wrong_category' | 'duplicate' | 'needs_department' | 'other';
export const RETURN_REASONS: readonly ReturnReason[] = [
  'not_my_grid',
  'wrong_category',
  'duplicate',
  'needs_department',
  'other',
];

export type CaseCommand =
  | { action: 'register' }
  | { action: 'dispatch'; assigneeId: string }
  | { action: 'accept' }
  | { action: 'return'; reason: ReturnReason; note?: string }
  | { action: 'arrive' }
  | { action: 'resolve'; note: string; photos?: string[] }
  | { action: 'verify'; note?: string }
  | { action: 'close' }
  | { action: 'reopen'; note: string };

export type CaseAction = CaseCommand['action'];

/** Who acts: a person (scope already checked by the service) or the platform itself. */
export interface CaseActor {
  id: string;
  role: Role | 'system';
}

export type CaseEffect =
  | { type: 'notify'; userId: string; reason: 'assigned' | 'returned' | 'reopened' }
  /** Back to the dispatcher's queue (a return never goes sideways to another worker). */
  | { type: 'await_dispatch' }
  /** Dispatch again automatically (e.g. reopened after feedback). */
  | { type: 'redispatch' };

export type TransitionResult =
  | { ok: true; next: CaseRecord; effects: CaseEffect[] }
  | { ok: false; code: 'invalid_transition' | 'forbidden' | 'validation_failed'; message: string };

/** Categories whose resolution needs on-site photo evidence. */
export const SAFETY_CATEGORIES: readonly string[] = [
  'fire_safety',
  'gas_safety',
  'structural_safety',
  'flood',
];

const DISPATCHERS: readonly (Role | 'system')[] = ['system', 'operator', 'supervisor', 'admin'];

interface Move {
  from: readonly CaseState[];
  to: CaseState;
  /** Who may make the move; `assignee` means only the current assignee. */
  by: readonly (Role | 'system')[] | 'assignee';
}

const MOVES: Record<CaseAction, Move> = {
  register: { from: ['reported'], to: 'registered', by: DISPATCHERS },
  dispatch: { from: ['registered', 'returned', 'dispatched'], to: 'dispatched', by: DISPATCHERS },
  accept: { from: ['dispatched'], to: 'accepted', by: 'assignee' },
  return: { from: ['dispatched', 'accepted'], to: 'returned', by: 'assignee' },
  arrive: { from: ['accepted'], to: 'in_progress', by: 'assignee' },
  resolve: { from: ['accepted', 'in_progress'], to: 'resolved', by: 'assignee' },
  verify: { from: ['resolved'], to: 'verified', by: ['operator', 'supervisor', 'admin'] },
  close: { from: ['verified'], to: 'closed', by: DISPATCHERS },
  reopen: {
    from: ['resolved', 'verified', 'closed'],
    to: 'registered',
    by: ['operator', 'supervisor', 'admin'],
  },
};

/**
 * The one place that decides every case move: who may make it, what it needs and what it
 * causes. Pure: "now" is passed in and nothing is stored or sent here.
 */
export function transition(
  current: CaseRecord,
  command: CaseCommand,
  actor: CaseActor,
  now: number,
): TransitionResult {
  const move = MOVES[command.action];
  if (!move.from.includes(current.state)) {
    return {
      ok: false,
      code: 'invalid_transition',
      message: `cannot ${command.action} a ${current.state} case`,
    };
  }
  const allowed = move.by === 'assignee' ? actor.id === current.assigneeId : move.by.includes(actor.role);
  if (!allowed)
    return { ok: false, code: 'forbidden', message: `${actor.role} may not ${command.action} this case` };

  const next: CaseRecord = { ...current, state: move.to, updatedAt: now };
  const effects: CaseEffect[] = [];
  switch (command.action) {
    case 'register':
    case 'arrive':
    case 'close':
      break;
    case 'dispatch':
      next.assigneeId = command.assigneeId;
      effects.push({ type: 'notify', userId: command.assigneeId, reason: 'assigned' });
      break;
    case 'accept':
      next.acceptDueAt = null;
      break;
    case 'return':
      if (!command.reason)
        return { ok: false, code: 'validation_failed', message: 'a return needs a reason code' };
      next.returnCount = current.returnCount + 1;
      next.assigneeId = null;
      effects.push({ type: 'await_dispatch' });
      break;
    case 'resolve': {
      if (!command.note?.trim())
        return { ok: false, code: 'validation_failed', message: 'resolving needs a note' };
      if (SAFETY_CATEGORIES.includes(current.category) && !command.photos?.length) {
        return { ok: false, code: 'validation_failed', message: 'a safety case needs at least one photo' };
      }
      next.resolvedById = actor.id;
      next.resolveDueAt = null;
      break;
    }
    case 'verify':
      if (actor.id === current.resolvedById) {
        return {
          ok: false,
          code: 'forbidden',
          message: 'verification must be by someone other than the resolver',
        };
      }
      break;
    case 'reopen':
      if (!command.note?.trim())
        return { ok: false, code: 'validation_failed', message: 'reopening needs a reason' };
      next.resolvedById = null;
      effects.push({ type: 'redispatch' });
      break;
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
  return { ok: true, next, effects };
}

/** Validates a command from an API body, listing every problem. */
export function parseCaseCommand(
  input: unknown,
): { ok: true; command: CaseCommand } | { ok: false; errors: string[] } {
  if (typeof input !== 'object' || input === null) return { ok: false, errors: ['body must be an object'] };
  const body = input as Record<string, unknown>;
  const errors: string[] = [];
  const optionalString = (key: string) => {
    if (body[key] !== undefined && typeof body[key] !== 'string') errors.push(`${key} must be a string`);
  };
  switch (body.action) {
    case 'register':
    case 'accept':
    case 'arrive':
    case 'close':
      break;
    case 'dispatch':
      if (typeof body.assigneeId !== 'string' || !body.assigneeId) errors.push('assigneeId is required');
      break;
    case 'return':
      if (!RETURN_REASONS.includes(body.reason as ReturnReason))
        errors.push(`reason must be one of ${RETURN_REASONS.join(', ')}`);
      optionalString('note');
      break;
    case 'resolve':
      if (typeof body.note !== 'string') errors.push('note is required');
      if (
        body.photos !== undefined &&
        (!Array.isArray(body.photos) || body.photos.some((p) => typeof p !== 'string'))
      ) {
        errors.push('photos must be a list of photo URLs');
      }
      break;
    case 'verify':
      optionalString('note');
      break;
    case 'reopen':
      if (typeof body.note !== 'string') errors.push('note is required');
      break;
    default:
      errors.push(`action must be one of ${Object.keys(MOVES).join(', ')}`);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, command: body as unknown as CaseCommand };
}
