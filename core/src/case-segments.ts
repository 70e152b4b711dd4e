/**
 * Per-person charging (考核到人): a case passes through several hands (派单 → 退单 → 再派单), and
 * each assignee answers for their own stretch of it — how fast they responded, whether they
 * returned it, and how much of the case's lateness fell while it was theirs — instead of the
 * final assignee answering for everything. Pure: the timeline and the deadlines come in.
 */

/** One timeline entry, as stored (`case_events`): who did what when, with the move's data. */
export interface TimelineStep {
  at: number;
  actorId: string;
  action: string;
  data: Record<string, unknown> | null;
}

export type SegmentEnd = 'returned' | 'resolved' | 'redispatched' | 'closed';

/** One person's stretch of a case: from being dispatched it to handing it on (or now). */
export interface AssigneeSegment {
  personId: string;
  /** The lead's department at dispatch, when the dispatch named one. */
  departmentId: string | null;
  dispatchedAt: number;
  /** The accept deadline of this dispatch (each dispatch restarts the accept clock). */
  acceptDueAt: number | null;
  acceptedAt: number | null;
  /**
   * Responded (accepted, or returned with a reason) by the accept deadline: true / false; null
   * while the deadline has not passed unanswered, or for a redo after 核查不通过 (no new response owed).
   */
  respondedOnTime: boolean | null;
  /** A redo after 核查不通过: the resolver's again, with no new dispatch or acceptance. */
  redo: boolean;
  endedAt: number | null;
  end: SegmentEnd | null;
  /** The case's resolve deadline as it stood when the segment ended (or now). */
  resolveDueAt: number | null;
  /** Milliseconds of this segment that lay past that resolve deadline. */
  delayMs: number;
}

/**
 * The case's deadlines, rebuilt along its timeline: the stored case keeps only the running clock's
 * deadline (a resolved case none), while a past segment is judged by the deadline of its time.
 */
export interface CaseDeadlines {
  /** The accept deadline a dispatch at `dispatchedAt` sets (the case's SLA on the calendar). */
  acceptDueAfter: (dispatchedAt: number) => number | null;
  /** The resolve deadline of a clock started at `start`: opening, reopening, 退回重办. */
  resolveDueAfter: (start: number) => number | null;
  openedAt: number;
  /** An approved 延期 of `days` working days moves the deadline. */
  extend: (dueAt: number, days: number) => number;
  /**
   * The stored deadline of a still unresolved case, which has every pause and extension in it:
   * it replaces the rebuilt one for the clock running now.
   */
  currentResolveDueAt: number | null;
}

interface OpenSegment {
  personId: string;
  departmentId: string | null;
  dispatchedAt: number;
  acceptDueAt: number | null;
  acceptedAt: number | null;
  /** A redo after 核查不通过: already the person's, no response owed. */
  redo: boolean;
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function finish(
  open: OpenSegment,
  end: SegmentEnd | null,
  endedAt: number | null,
  due: number | null,
  now: number,
): AssigneeSegment {
  const until = endedAt ?? now;
  const respondedAt = open.acceptedAt ?? (end === 'returned' ? endedAt : null);
  let respondedOnTime: boolean | null = null;
  if (!open.redo && open.acceptDueAt !== null) {
    if (respondedAt !== null) respondedOnTime = respondedAt <= open.acceptDueAt;
    else if (open.acceptDueAt < until) respondedOnTime = false;
  }
  const delayMs = due === null ? 0 : Math.max(0, until - Math.max(open.dispatchedAt, due));
  return {
    personId: open.personId,
    departmentId: open.departmentId,
    dispatchedAt: open.dispatchedAt,
    acceptDueAt: open.acceptDueAt,
    acceptedAt: open.acceptedAt,
    respondedOnTime,
    redo: open.redo,
    endedAt,
    end,
    resolveDueAt: due,
    delayMs,
  };
}

/**
 * The assignees' segments of one case, in order. A dispatch opens a segment for its assignee
 * (closing the one before as redispatched), and so does a lead's handover; accept stamps it;
 * return, resolve, void and close end it; 核查不通过 (reject) opens a redo segment for whoever
 * resolved. The resolve clock restarts at a reopen or a 退回重办, moves on by the paused time at a
 * resume, and by the days of an approved 延期.
 */
export function chargeSegments(
  steps: readonly TimelineStep[],
  deadlines: CaseDeadlines,
  now: number,
): AssigneeSegment[] {
  const segments: AssigneeSegment[] = [];
  // Plain fields, not closure-assigned locals: the walk reads them after `close` changes them.
  const walk: {
    open: OpenSegment | null;
    lastResolved: AssigneeSegment | null;
    due: number | null;
    pausedAt: number | null;
    askedDays: number;
  } = {
    open: null,
    lastResolved: null,
    due: deadlines.resolveDueAfter(deadlines.openedAt),
    pausedAt: null,
    askedDays: 0,
  };
  const close = (end: SegmentEnd, at: number) => {
    if (!walk.open) return;
    const segment = finish(walk.open, end, at, walk.due, now);
    segments.push(segment);
    if (end === 'resolved') walk.lastResolved = segment;
    walk.open = null;
  };
  for (const step of steps) {
    switch (step.action) {
      case 'dispatch': {
        const personId = text(step.data?.assigneeId);
        if (personId === null) break;
        close('redispatched', step.at);
        walk.open = {
          personId,
          departmentId: text(step.data?.departmentId),
          dispatchedAt: step.at,
          acceptDueAt: deadlines.acceptDueAfter(step.at),
          acceptedAt: null,
          redo: false,
        };
        break;
      }
      case 'handover': {
        // A lead handed over at a shift or boundary change: their stretch ends, the next begins
        // (or the case waits at the desk when nobody took it).
        if (step.data?.role !== 'lead') break;
        close('redispatched', step.at);
        const personId = text(step.data.toUserId);
        if (personId === null) break;
        walk.open = {
          personId,
          departmentId: null,
          dispatchedAt: step.at,
          acceptDueAt: deadlines.acceptDueAfter(step.at),
          acceptedAt: null,
          redo: false,
        };
        break;
      }
      case 'accept':
        if (walk.open && walk.open.acceptedAt === null) walk.open.acceptedAt = step.at;
        break;
      case 'return':
        close('returned', step.at);
        break;
      case 'resolve':
        close('resolved', step.at);
        break;
      case 'void':
      case 'decline':
      case 'return_upstream':
      case 'close':
        close('closed', step.at);
        break;
      case 'reopen':
        walk.due = deadlines.resolveDueAfter(step.at);
        break;
      case 'pause':
        walk.pausedAt = step.at;
        break;
      case 'resume':
        if (walk.due !== null && walk.pausedAt !== null) walk.due += step.at - walk.pausedAt;
        walk.pausedAt = null;
        break;
      case 'request_extension':
        walk.askedDays = typeof step.data?.days === 'number' ? step.data.days : 0;
        break;
      case 'approve_extension':
        if (walk.due !== null && walk.askedDays > 0) walk.due = deadlines.extend(walk.due, walk.askedDays);
        break;
      case 'reject': {
        walk.due = deadlines.resolveDueAfter(step.at);
        const resolver = walk.lastResolved;
        if (walk.open || !resolver) break;
        walk.open = {
          personId: resolver.personId,
          departmentId: resolver.departmentId,
          dispatchedAt: step.at,
          acceptDueAt: null,
          acceptedAt: step.at,
          redo: true,
        };
        break;
      }
      default:
        break;
    }
  }
  if (walk.open)
    // A paused case's lateness stops growing while it waits.
    segments.push(
      finish(walk.open, null, null, deadlines.currentResolveDueAt ?? walk.due, walk.pausedAt ?? now),
    );
  return segments;
}

/** 解决率's input: the latest 回访 says whether the matter was solved (true/false), or null. */
export function solvedByCallback(steps: readonly TimelineStep[]): boolean | null {
  let solved: boolean | null = null;
  for (const step of steps)
    if (step.action === 'feedback' && typeof step.data?.solved === 'boolean') solved = step.data.solved;
  return solved;
}
