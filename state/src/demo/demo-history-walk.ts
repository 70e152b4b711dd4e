import {
  transition,
  type CaseCommand,
  type CaseRecord,
  type TimelineEntry,
  type TransitionPolicy,
} from '@gridsense/core';
import type { HistoryActor } from './demo-history-cast';

export type HistoryEntry = Omit<TimelineEntry, 'id' | 'caseId'>;

/** What the console's timeline shows of a move: its reason or note, and its particulars (as intake writes them). */
function describeMove(command: CaseCommand): { note: string | null; data: Record<string, unknown> | null } {
  switch (command.action) {
    case 'dispatch':
      return {
        note: command.note ?? null,
        data: {
          assigneeId: command.assigneeId,
          coHandlerIds: command.coHandlerIds ?? [],
          departmentId: command.departmentId ?? null,
        },
      };
    case 'return':
      return { note: command.note ?? null, data: { reason: command.reason } };
    case 'feedback':
      return {
        note: command.comment ?? null,
        data: { satisfaction: command.satisfaction, solved: command.solved },
      };
    case 'escalate':
      return { note: command.reason, data: { level: command.level ?? null } };
    case 'void':
    case 'decline':
      return {
        note: command.note ?? null,
        data: {
          reason: command.reason,
          ...(command.duplicateOfId ? { duplicateOfId: command.duplicateOfId } : {}),
        },
      };
    case 'return_upstream':
      return { note: command.note, data: { reason: command.reason } };
    case 'request_extension':
      return { note: command.reason, data: { days: command.days } };
    case 'supervise':
      return { note: command.reason, data: null };
    case 'register':
    case 'accept':
    case 'arrive':
    case 'pause':
    case 'resume':
    case 'resolve':
    case 'verify':
    case 'reject':
    case 'close':
    case 'reopen':
    case 'approve_extension':
    case 'refuse_extension':
    case 'unsupervise':
      return { note: 'note' in command ? (command.note ?? null) : null, data: null };
  }
}

/**
 * Walks one case through its life, every move through core's `transition` (so the history can
 * hold nothing the state machine would refuse), stopping for good at the first move that would
 * happen after `now`: recent cases stay open wherever their life had got to.
 */
export class CaseWalk {
  readonly entries: HistoryEntry[] = [];
  private stopped = false;

  constructor(
    public record: CaseRecord,
    private readonly policy: TransitionPolicy,
    private readonly now: number,
    opening: { actor: HistoryActor; note: string | null; data: Record<string, unknown> },
  ) {
    this.entries.push({
      at: record.openedAt,
      actorId: opening.actor.id,
      actorName: opening.actor.name,
      action: 'report',
      fromState: null,
      toState: record.state,
      note: opening.note,
      data: opening.data,
    });
  }

  /** When the case last moved. */
  get at(): number {
    return this.record.updatedAt;
  }

  get done(): boolean {
    return this.stopped;
  }

  /**
   * Makes a move `afterMs` after the last one; false once the walk has reached `now`. A move the
   * table refuses is a bug in the generator, so it throws instead of writing an impossible case.
   */
  step(command: CaseCommand, actor: HistoryActor, afterMs: number): boolean {
    if (this.stopped) return false;
    const at = this.at + Math.max(60_000, Math.round(afterMs));
    if (at > this.now) {
      this.stopped = true;
      return false;
    }
    const result = transition(this.record, command, actor, at, this.policy);
    if (!result.ok)
      throw new Error(
        `demo history: ${command.action} refused on ${this.record.id} (${this.record.state}): ${result.message}`,
      );
    this.entries.push({
      at,
      actorId: actor.id,
      actorName: actor.name,
      action: command.action,
      fromState: this.record.state,
      toState: result.next.state,
      ...describeMove(command),
    });
    this.record = result.next;
    return true;
  }

  /** Ends the walk here (a case left as it stands, e.g. stalled on the ground). */
  stop(): void {
    this.stopped = true;
  }
}
