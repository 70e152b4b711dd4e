import type { CaseSubtaskView, DispatchPeopleView, SubtaskCommand, User } from '@gridsense/core';
import { can, OPEN_SUBTASK_STATES } from '@gridsense/core';
import { request } from './api';

const segment = encodeURIComponent;

/** 协办 over the API: a case's sub-tasks, adding a co-handler, their moves, one's own queue. */
export const cohandleApi = {
  list: (caseId: string) => request<CaseSubtaskView[]>('GET', `/api/cases/${segment(caseId)}/subtasks`),
  add: (
    caseId: string,
    body: {
      assigneeId?: string;
      departmentId?: string;
      task: string;
      days: number;
      required: boolean;
    },
  ) => request<CaseSubtaskView[]>('POST', `/api/cases/${segment(caseId)}/subtasks`, body),
  act: (caseId: string, subtaskId: number, command: SubtaskCommand) =>
    request<CaseSubtaskView[]>(
      'POST',
      `/api/cases/${segment(caseId)}/subtasks/${subtaskId}/actions`,
      command,
    ),
  mine: () => request<CaseSubtaskView[]>('GET', '/api/subtasks/mine'),
  /** People the desk may give the case to (the lead of a grid cannot ask; then only departments). */
  people: (gridId: string) => request<DispatchPeopleView>('GET', `/api/grids/${segment(gridId)}/people`),
};

/** The moves the console offers a person on one sub-task (the server decides again). */
export function subtaskMoves(
  subtask: CaseSubtaskView,
  user: User,
  leadId: string | null,
): ('accept' | 'report' | 'cancel')[] {
  const moves: ('accept' | 'report' | 'cancel')[] = [];
  if (subtask.assigneeId === user.id && subtask.state === 'created') moves.push('accept');
  if (subtask.assigneeId === user.id && subtask.state === 'accepted') moves.push('report');
  const manages = user.id === leadId || can(user, 'case.dispatch');
  if (manages && OPEN_SUBTASK_STATES.includes(subtask.state)) moves.push('cancel');
  return moves;
}

/** Whether the person may add co-handlers to the case: its lead, or the desk. */
export function mayAddCoHandlers(user: User, leadId: string | null): boolean {
  return user.id === leadId || can(user, 'case.dispatch');
}
