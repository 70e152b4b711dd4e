import { newSubtask, OPEN_SUBTASK_STATES, subtaskDueAt, type CaseRecord } from '@gridsense/core';
import {
  coReportsRequired,
  findUserNames,
  insertSubtask,
  listCaseSubtasks,
  type NewTimelineEntry,
  type StateDb,
} from '@gridsense/state';
import type { Suggestion } from './directory';
import type { Notice } from './notices';
import type { CasePolicy } from './policy';
import { SYSTEM, type CaseContext } from './context';
import { timelineEntry } from './timeline-entry';

/**
 * Working days a co-handler named by the rule list has to report back. The case's own resolve
 * deadline comes first when it is sooner: the lead cannot resolve before a required report.
 */
export const RULE_SUBTASK_DAYS = 1;

/** The sub-tasks a rule's dispatch owes its co-handlers, ready to go into that dispatch's write. */
export interface RuleSubtasks {
  /** Who gets one. */
  people: string[];
  entries: NewTimelineEntry[];
  notices: Notice[];
  /** Stores them in the dispatch's transaction (`CaseWrite.alongside`). */
  insert: (tx: StateDb) => Promise<void>;
}

/**
 * 协办 from the rule list (一个事项一个清单): when the platform dispatches a case by a dispatch rule,
 * each department or person the rule names as co-handler gets a sub-task at once, as if the desk
 * had added them — the rule's note as the task (else the case's title), required as the rule
 * says, one timeline entry each. The grid, community and street desks a rule names co-handle
 * along the hierarchy as before, with no report owed (they answer for the case by escalation).
 * Someone who still has an open sub-task on the case (a reopened case) gets no second one.
 */
export async function planRuleSubtasks(
  ctx: CaseContext,
  policy: CasePolicy,
  dispatched: CaseRecord,
  suggestion: Suggestion,
  at: number,
): Promise<RuleSubtasks> {
  const open = (await listCaseSubtasks(ctx.db, dispatched.id))
    .filter((s) => OPEN_SUBTASK_STATES.includes(s.state))
    .map((s) => s.assigneeId);
  const owing = suggestion.owingReports.filter(
    (o) => dispatched.coHandlerIds.includes(o.userId) && !open.includes(o.userId),
  );
  const people = owing.map((o) => o.userId);
  if (people.length === 0) return { people, entries: [], notices: [], insert: async () => undefined };

  const [required, names] = await Promise.all([
    coReportsRequired(ctx.db, suggestion.ruleId),
    findUserNames(ctx.db, people),
  ]);
  const ownDue = subtaskDueAt(at, RULE_SUBTASK_DAYS, policy.calendar);
  const resolveDue = dispatched.resolveDueAt;
  const dueAt = resolveDue !== null && resolveDue > at ? Math.min(ownDue, resolveDue) : ownDue;
  const task = suggestion.ruleNote?.trim() || dispatched.title;
  const subtasks = owing.map(({ userId: assigneeId, departmentId }) =>
    newSubtask(
      { caseId: dispatched.id, assigneeId, departmentId, required, task, createdById: SYSTEM.id, dueAt },
      at,
    ),
  );
  return {
    people,
    entries: subtasks.map((subtask) =>
      timelineEntry(SYSTEM, 'cohandler_added', dispatched, dispatched, task, {
        assigneeId: subtask.assigneeId,
        assigneeName: names.get(subtask.assigneeId) ?? subtask.assigneeId,
        departmentId: subtask.departmentId,
        dueAt,
        required,
        ruleId: suggestion.ruleId,
      }),
    ),
    notices: subtasks.map((subtask) => ({
      kind: 'co_assigned',
      record: dispatched,
      to: [subtask.assigneeId],
      text: { key: 'subtask.added', params: { title: dispatched.title, task, dueAt } },
    })),
    insert: async (tx) => {
      for (const subtask of subtasks) await insertSubtask(tx, subtask);
    },
  };
}

/**
 * Adds the sub-tasks' entries and notices to a dispatch's: each co-handler hears of their
 * sub-task (what and by when) instead of the dispatch's bare 协办 notice.
 */
export function withRuleSubtasks(
  change: { entries: NewTimelineEntry[]; notices: Notice[] },
  plan: RuleSubtasks,
): void {
  change.entries.push(...plan.entries);
  const bare = (n: Notice) =>
    n.text.key === 'case.coAssigned' && n.to.every((id) => plan.people.includes(id));
  const kept = change.notices.filter((n) => !bare(n));
  change.notices.splice(0, change.notices.length, ...kept, ...plan.notices);
}
