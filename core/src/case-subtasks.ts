import { addWorkingMs, workingDayMs, type WorkCalendar } from './case-calendar';
import type { CaseState } from './case-types';
import { apiText, englishOf, type ApiText } from './api-texts';
import type { Problem } from './errors';
import type { Role } from './model';
import { photoListProblems } from './photo-paths';
import { rolesFor } from './permissions';
import type { SubtaskRatings } from './subtask-ratings';

/**
 * 协办: each co-handler (a person, or a department's on-duty handler) gets a sub-task of a case.
 * They accept it (签收) and report back (反馈) with a note and photos; the lead or the desk may
 * cancel one that is no longer needed. A sub-task has its own deadline, and while a required one
 * has not reported the lead cannot resolve the case.
 */
export type SubtaskState = 'created' | 'accepted' | 'reported' | 'cancelled';
export const SUBTASK_STATES: readonly SubtaskState[] = ['created', 'accepted', 'reported', 'cancelled'];
/** Still waiting on the co-handler: its clock runs. */
export const OPEN_SUBTASK_STATES: readonly SubtaskState[] = ['created', 'accepted'];

export interface CaseSubtask {
  id: number;
  caseId: string;
  /** The person who co-handles (for a department: its on-duty handler when it was added). */
  assigneeId: string;
  departmentId: string | null;
  state: SubtaskState;
  /** Whether the lead's resolve waits for this report (from the dispatch rule unless chosen). */
  required: boolean;
  /** What the co-handler is asked to do. */
  task: string;
  createdById: string;
  createdAt: number;
  dueAt: number;
  acceptedAt: number | null;
  reportedAt: number | null;
  reportNote: string | null;
  reportPhotos: string[];
  cancelledAt: number | null;
  cancelReason: string | null;
  /** When the "deadline soon" reminder went out, and when it was found overdue (each once). */
  remindedAt: number | null;
  overdueAt: number | null;
  updatedAt: number;
}

/** A sub-task as the console shows it: with its people's names, the case's title and its 好差评. */
export interface CaseSubtaskView extends CaseSubtask {
  assigneeName: string;
  createdByName: string;
  caseTitle: string;
  caseState: CaseState;
  /** Both sides' ratings once reported (decision 0032). */
  ratings: SubtaskRatings;
}

export type SubtaskCommand =
  | { action: 'accept' }
  | { action: 'report'; note: string; photos?: string[] }
  | { action: 'cancel'; reason: string };
export type SubtaskAction = SubtaskCommand['action'];

/** Who acts, and whether they lead the case the sub-task belongs to. */
export interface SubtaskActor {
  id: string;
  role: Role | 'system';
  leadsCase: boolean;
}

/** The desk's roles (they dispatch, so they may call a co-handler off). */
const DESK: readonly (Role | 'system')[] = rolesFor('case.dispatch');

interface SubtaskMove {
  from: readonly SubtaskState[];
  to: SubtaskState;
  by: (subtask: CaseSubtask, actor: SubtaskActor) => boolean;
}

const coHandler = (s: CaseSubtask, a: SubtaskActor) => a.id === s.assigneeId;

export const SUBTASK_MOVES: Record<SubtaskAction, SubtaskMove> = {
  accept: { from: ['created'], to: 'accepted', by: coHandler },
  report: { from: ['accepted'], to: 'reported', by: coHandler },
  cancel: { from: OPEN_SUBTASK_STATES, to: 'cancelled', by: (_s, a) => a.leadsCase || DESK.includes(a.role) },
};

export type SubtaskResult =
  | { ok: true; next: CaseSubtask }
  | {
      ok: false;
      code: 'invalid_transition' | 'forbidden' | 'validation_failed';
      message: string;
      /** The refusal's key, for the reader's language. */
      text: ApiText;
    };

const refuse = (code: 'invalid_transition' | 'forbidden' | 'validation_failed', text: ApiText) =>
  ({ ok: false, code, message: englishOf(text), text }) as const;

/** The one place that decides a sub-task move. Pure: "now" is passed in, nothing is stored here. */
export function transitionSubtask(
  current: CaseSubtask,
  command: SubtaskCommand,
  actor: SubtaskActor,
  now: number,
): SubtaskResult {
  const move = SUBTASK_MOVES[command.action];
  if (!move.from.includes(current.state))
    return refuse(
      'invalid_transition',
      apiText('subtask.cannotMove', { action: command.action, state: current.state }),
    );
  if (!move.by(current, actor))
    return refuse('forbidden', apiText('subtask.roleMayNot', { role: actor.role, action: command.action }));
  const next: CaseSubtask = { ...current, state: move.to, updatedAt: now };
  switch (command.action) {
    case 'accept':
      next.acceptedAt = now;
      break;
    case 'report':
      if (!command.note?.trim()) return refuse('validation_failed', apiText('subtask.reportNeedsNote'));
      next.reportedAt = now;
      next.reportNote = command.note.trim();
      next.reportPhotos = [...new Set(command.photos ?? [])];
      break;
    case 'cancel':
      if (!command.reason?.trim()) return refuse('validation_failed', apiText('subtask.cancelNeedsReason'));
      next.cancelledAt = now;
      next.cancelReason = command.reason.trim();
      break;
    default: {
      const unreachable: never = command;
      return unreachable;
    }
  }
  return { ok: true, next };
}

/** Required sub-tasks still owing their report: the lead's resolve waits for these. */
export function missingReports(subtasks: readonly CaseSubtask[]): CaseSubtask[] {
  return subtasks.filter((s) => s.required && OPEN_SUBTASK_STATES.includes(s.state));
}

/** Why the lead may not resolve yet, or null when every required report is in. */
export function resolveRefusal(subtasks: readonly CaseSubtask[]): ApiText | null {
  const missing = missingReports(subtasks).length;
  return missing === 0 ? null : apiText('subtask.reportsMissing', { count: missing });
}

/** What differs between new sub-tasks: who, for what, by whom and until when. */
export type NewSubtaskFields = Pick<
  CaseSubtask,
  'caseId' | 'assigneeId' | 'departmentId' | 'required' | 'task' | 'createdById' | 'dueAt'
>;

/** A sub-task as it is added (by a person or by a dispatch rule): waiting, nothing answered yet. */
export function newSubtask(fields: NewSubtaskFields, at: number): Omit<CaseSubtask, 'id'> {
  return {
    ...fields,
    state: 'created',
    createdAt: at,
    acceptedAt: null,
    reportedAt: null,
    reportNote: null,
    reportPhotos: [],
    cancelledAt: null,
    cancelReason: null,
    remindedAt: null,
    overdueAt: null,
    updatedAt: at,
  };
}

/** The most working days a sub-task may be given. */
export const MAX_SUBTASK_DAYS = 30;

/** A sub-task's deadline: N working days from now on the calendar. */
export function subtaskDueAt(now: number, days: number, calendar: WorkCalendar): number {
  return addWorkingMs(now, days * workingDayMs(calendar), calendar);
}

/**
 * Remind a fifth of the window ahead, at least a minute and at most a day, as the case clocks do.
 * Whole milliseconds: the time is stored as the next check, a bigint on PostgreSQL.
 */
export function subtaskReminderAt(subtask: Pick<CaseSubtask, 'createdAt' | 'dueAt'>): number {
  const fifth = Math.ceil(0.2 * (subtask.dueAt - subtask.createdAt));
  return subtask.dueAt - Math.min(86_400_000, Math.max(60_000, fifth));
}

export type SubtaskClockAction = 'remind' | 'overdue';

type Clocked = Pick<CaseSubtask, 'state' | 'createdAt' | 'dueAt' | 'remindedAt' | 'overdueAt'>;

/** What the deadline ticker owes a sub-task now: a reminder before its deadline, one overdue notice after. */
export function dueSubtaskClock(subtask: Clocked, now: number): SubtaskClockAction | null {
  if (!OPEN_SUBTASK_STATES.includes(subtask.state)) return null;
  if (subtask.overdueAt === null && now >= subtask.dueAt) return 'overdue';
  if (subtask.remindedAt === null && subtask.overdueAt === null && now >= subtaskReminderAt(subtask))
    return 'remind';
  return null;
}

/** When the ticker should look at the sub-task next, or null for never. */
export function nextSubtaskCheckAt(subtask: Clocked): number | null {
  if (!OPEN_SUBTASK_STATES.includes(subtask.state) || subtask.overdueAt !== null) return null;
  return subtask.remindedAt === null ? subtaskReminderAt(subtask) : subtask.dueAt;
}

/** Adding a co-handler: a person or a department, what to do, in how many working days. */
export interface AddCoHandlerInput {
  assigneeId: string | null;
  departmentId: string | null;
  task: string;
  days: number;
  /** Absent: the dispatch rule's setting (required unless the rule says otherwise). */
  required: boolean | null;
}

const ID = /^[\w.-]{1,64}$/;

/** Validates the body of "add a co-handler", listing every problem. */
export function parseAddCoHandler(
  body: unknown,
): { ok: true; value: AddCoHandlerInput } | { ok: false; errors: Problem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const b = body as Record<string, unknown>;
  const errors: Problem[] = [];
  const optionalId = (key: string) => {
    const value = b[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || !ID.test(value)) errors.push(apiText('field.mustBeId', { field: key }));
    return typeof value === 'string' ? value : null;
  };
  const assigneeId = optionalId('assigneeId');
  const departmentId = optionalId('departmentId');
  if ((assigneeId === null) === (departmentId === null)) errors.push(apiText('subtask.assigneeOrDepartment'));
  if (typeof b.task !== 'string' || !b.task.trim() || b.task.length > 1000)
    errors.push(apiText('field.textLengthRange', { field: 'task', min: 1, max: 1000 }));
  const days = b.days ?? 1;
  if (typeof days !== 'number' || !Number.isInteger(days) || days < 1 || days > MAX_SUBTASK_DAYS)
    errors.push(apiText('subtask.days', { max: MAX_SUBTASK_DAYS }));
  if (b.required !== undefined && b.required !== null && typeof b.required !== 'boolean')
    errors.push(apiText('field.mustBeTrueOrFalse', { field: 'required' }));
  const known = ['assigneeId', 'departmentId', 'task', 'days', 'required'];
  for (const key of Object.keys(b))
    if (!known.includes(key)) errors.push(apiText('field.unknown', { field: key }));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      assigneeId,
      departmentId,
      task: (b.task as string).trim(),
      days: days as number,
      required: typeof b.required === 'boolean' ? b.required : null,
    },
  };
}

/** Validates a sub-task move from JSON, listing every problem. */
export function parseSubtaskCommand(
  body: unknown,
): { ok: true; command: SubtaskCommand } | { ok: false; errors: Problem[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const b = body as Record<string, unknown>;
  const text = (key: string, max: number) =>
    typeof b[key] === 'string' && (b[key] as string).trim() !== '' && (b[key] as string).length <= max;
  switch (b.action) {
    case 'accept':
      return { ok: true, command: { action: 'accept' } };
    case 'report': {
      const errors: Problem[] = [];
      if (!text('note', 2000))
        errors.push(apiText('field.textLengthRange', { field: 'note', min: 1, max: 2000 }));
      if (b.photos !== undefined) errors.push(...photoListProblems(b.photos, false));
      if (errors.length > 0) return { ok: false, errors };
      return {
        ok: true,
        command: {
          action: 'report',
          note: b.note as string,
          ...(b.photos !== undefined ? { photos: b.photos as string[] } : {}),
        },
      };
    }
    case 'cancel':
      return text('reason', 1000)
        ? { ok: true, command: { action: 'cancel', reason: b.reason as string } }
        : { ok: false, errors: [apiText('field.textLengthRange', { field: 'reason', min: 1, max: 1000 })] };
    default:
      return { ok: false, errors: [apiText('subtask.actionOneOf')] };
  }
}
