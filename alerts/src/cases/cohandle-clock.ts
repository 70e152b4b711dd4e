import { ACTIVE_CASE_STATES, AppError, dueSubtaskClock, type CaseSubtask } from '@gridsense/core';
import {
  findCase,
  findUserNames,
  listSubtasksDueForCheck,
  stopSubtaskClock,
  updateSubtask,
} from '@gridsense/state';
import type { Notice } from './notices';
import type { CasePolicy } from './policy';
import { commitCase } from './commit-case';
import { SYSTEM, type CaseContext } from './context';
import { timelineEntry } from './timeline-entry';

/**
 * 协办 clocks, run by the deadline ticker on each pass: like the cases, each sub-task stores when
 * it next needs a look, so a restart loses and repeats nothing. A fifth of its window ahead the
 * co-handler is reminded; at the deadline the co-handler and the lead hear it is overdue, once.
 */
export async function checkSubtaskClocks(
  ctx: CaseContext,
  policy: CasePolicy,
  onError: (e: unknown, context: string) => void,
): Promise<number> {
  let acted = 0;
  // Bounded, so sub-tasks that keep failing cannot hold the pass forever.
  for (let page = 0; page < 20; page++) {
    const due = await listSubtasksDueForCheck(ctx.db, ctx.now(), 100);
    for (const subtask of due) {
      try {
        if (await checkSubtask(ctx, policy, subtask)) acted++;
      } catch (error) {
        // Someone moved the case or the sub-task meanwhile: the next pass looks again.
        if (!(error instanceof AppError && error.code === 'conflict'))
          onError(error, `clock for sub-task ${subtask.id}`);
      }
    }
    if (due.length < 100) break;
  }
  return acted;
}

async function checkSubtask(ctx: CaseContext, policy: CasePolicy, subtask: CaseSubtask): Promise<boolean> {
  const now = ctx.now();
  const record = await findCase(ctx.db, subtask.caseId);
  const action = dueSubtaskClock(subtask, now);
  // A case no longer being handled (resolved, closed) owes its co-handlers no more noise; nothing
  // owed at the stored check time means nothing ever will be (the times come from the same rule).
  if (!record || !ACTIVE_CASE_STATES.includes(record.state) || action === null) {
    await stopSubtaskClock(ctx.db, subtask.id);
    return false;
  }
  const next: CaseSubtask =
    action === 'remind'
      ? { ...subtask, remindedAt: now, updatedAt: now }
      : { ...subtask, remindedAt: subtask.remindedAt ?? now, overdueAt: now, updatedAt: now };
  const names = await findUserNames(ctx.db, [subtask.assigneeId]);
  const name = names.get(subtask.assigneeId) ?? subtask.assigneeId;
  const caseNext = { ...record, updatedAt: now };
  const notice: Notice =
    action === 'remind'
      ? {
          kind: 'reminder',
          record: caseNext,
          to: [subtask.assigneeId],
          text: { key: 'subtask.reminder', params: { task: subtask.task, dueAt: subtask.dueAt } },
        }
      : {
          kind: 'reminder',
          record: caseNext,
          to: [subtask.assigneeId, ...(record.assigneeId ? [record.assigneeId] : [])],
          text: { key: 'subtask.overdue', params: { name, task: subtask.task } },
        };
  await commitCase(ctx, policy, {
    next: caseNext,
    previous: record,
    write: {
      entries: [
        timelineEntry(
          SYSTEM,
          `subtask_${action === 'remind' ? 'reminded' : 'overdue'}`,
          record,
          caseNext,
          null,
          {
            subtaskId: subtask.id,
            assigneeId: subtask.assigneeId,
            assigneeName: name,
            dueAt: subtask.dueAt,
          },
        ),
      ],
      alongside: (tx) => updateSubtask(tx, next, subtask),
    },
    notices: [notice],
    action: 'subtask_clock',
  });
  return true;
}
