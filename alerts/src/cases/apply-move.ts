import {
  AppError,
  transition,
  type CaseActor,
  type CaseCommand,
  type CaseEffect,
  type CaseRecord,
  type ReturnReason,
  type SlaClock,
  type TransitionResult,
} from '@gridsense/core';
import type { CaseWrite, NewTimelineEntry } from '@gridsense/state';
import type { Notice } from './notices';
import { transitionPolicy, type CasePolicy } from './policy';
import { commitCase } from './commit-case';
import type { CaseContext } from './context';
import { noticesForEffects } from './notices-for-effects';
import { timelineEntry } from './timeline-entry';

/**
 * A change to one case under way: the moves made so far, with the timeline entries and notices they
 * call for, stored together by `commitChange`. One pass may make several moves in one change:
 * intake's 立案 then 派遣, a person's move then the rule list's re-dispatch, the ticker's escalations.
 */
export interface CaseChange {
  /** The stored version the change started from; absent for a case being opened. */
  readonly previous?: CaseRecord;
  /** The case as the change has left it so far. */
  current: CaseRecord;
  /** When its moves are made. */
  readonly at: number;
  readonly entries: NewTimelineEntry[];
  readonly notices: Notice[];
}

type EntryData = Record<string, unknown> | null;

export interface MoveOptions {
  /** The timeline entry's note. */
  note?: string | null;
  /** The timeline entry's data; a function when it shows where the move left the case. */
  data?: EntryData | ((next: CaseRecord) => EntryData);
  /** What the notices tell besides who moved it: the 退单's reason, the clock the ticker escalates for. */
  noticeContext?: { returnReason?: ReturnReason; overdueClock?: SlaClock };
}

/** What a move did: the case before and after it, and its effects. */
export interface AppliedMove {
  before: CaseRecord;
  next: CaseRecord;
  effects: readonly CaseEffect[];
}

/**
 * Makes one move in a change: the one transition function, the move's timeline entry, the notices
 * its effects call for. A move the rules refuse is an `AppError` (use `tryMove` where a refusal just
 * means no move). Nothing is stored until `commitChange`.
 */
export async function applyMove(...move: Parameters<typeof tryMove>): Promise<AppliedMove> {
  const applied = await tryMove(...move);
  if (!applied.ok) throw new AppError(applied.code, applied.text ?? applied.message);
  return applied;
}

/** `applyMove` for a move that may be refused: a refusal leaves the change as it was. */
export async function tryMove(
  ctx: CaseContext,
  policy: CasePolicy,
  change: CaseChange,
  command: CaseCommand,
  actor: CaseActor & { name: string },
  options: MoveOptions = {},
): Promise<({ ok: true } & AppliedMove) | Extract<TransitionResult, { ok: false }>> {
  const before = change.current;
  const result = transition(before, command, actor, change.at, transitionPolicy(policy, before));
  if (!result.ok) return result;
  const { next, effects } = result;
  const data = typeof options.data === 'function' ? options.data(next) : (options.data ?? null);
  change.entries.push(timelineEntry(actor, command.action, before, next, options.note ?? null, data));
  change.notices.push(
    ...(await noticesForEffects(ctx, policy, before, next, effects, {
      actorName: actor.name,
      ...options.noticeContext,
    })),
  );
  change.current = next;
  return { ok: true, before, next, effects };
}

/**
 * Stores a change: the case as its moves left it, their timeline entries and notices, and whatever
 * else the write carries (sources, a caller, a 协办 sub-task's rows).
 */
export function commitChange(
  ctx: CaseContext,
  policy: CasePolicy,
  change: CaseChange,
  action: string,
  write: Omit<CaseWrite, 'nextCheckAt' | 'entries'> = {},
): Promise<void> {
  return commitCase(ctx, policy, {
    next: change.current,
    ...(change.previous ? { previous: change.previous } : {}),
    write: { ...write, entries: change.entries },
    notices: change.notices,
    action,
  });
}
