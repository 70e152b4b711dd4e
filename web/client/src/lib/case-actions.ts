import { transition } from '@gridsense/core';
import type { CaseAction, CaseCommand, CaseRecord, User } from '@gridsense/core';

/** The actions this console offers, in button order (dispatch opens the people picker). */
export const OFFERED_ACTIONS = [
  'register',
  'dispatch',
  'accept',
  'arrive',
  'resolve',
  'pause',
  'resume',
  'return',
  'verify',
  'reject',
  'close',
  'feedback',
  'reopen',
  'escalate',
  'request_extension',
  'approve_extension',
  'refuse_extension',
  'supervise',
  'unsupervise',
  'decline',
  'return_upstream',
  'void',
] as const;
export type OfferedAction = (typeof OFFERED_ACTIONS)[number] & CaseAction;

/** A well-formed sample of each command, so only state and permission decide. */
const SAMPLES: Record<OfferedAction, CaseCommand> = {
  register: { action: 'register' },
  dispatch: { action: 'dispatch', assigneeId: 'sample' },
  accept: { action: 'accept' },
  arrive: { action: 'arrive' },
  resolve: { action: 'resolve', note: 'sample', photos: ['sample'] },
  return: { action: 'return', reason: 'other' },
  verify: { action: 'verify' },
  reject: { action: 'reject', note: 'sample' },
  close: { action: 'close' },
  void: { action: 'void', reason: 'void', note: 'sample' },
  decline: { action: 'decline', reason: 'other', note: 'sample' },
  return_upstream: { action: 'return_upstream', reason: 'outside_remit', note: 'sample' },
  pause: { action: 'pause', reason: 'sample' },
  resume: { action: 'resume' },
  feedback: { action: 'feedback', satisfaction: 5, solved: true },
  reopen: { action: 'reopen', note: 'sample' },
  escalate: { action: 'escalate', reason: 'sample' },
  request_extension: { action: 'request_extension', days: 1, reason: 'sample' },
  approve_extension: { action: 'approve_extension' },
  refuse_extension: { action: 'refuse_extension', reason: 'sample' },
  supervise: { action: 'supervise', reason: 'sample' },
  unsupervise: { action: 'unsupervise' },
};

/**
 * Which buttons the viewer gets, asked of core's state machine (the same code the server runs),
 * so the console never offers a move the server would refuse for state or role.
 */
export function allowedActions(record: CaseRecord, user: Pick<User, 'id' | 'role'>): OfferedAction[] {
  return OFFERED_ACTIONS.filter(
    (action) => transition(record, SAMPLES[action], { id: user.id, role: user.role }, Date.now()).ok,
  );
}

/** A case that has been dispatched before is dispatched again (改派), otherwise for the first time. */
export function dispatchLabelKey(record: Pick<CaseRecord, 'state'>): 'action.dispatch' | 'action.redispatch' {
  return record.state === 'registered' ? 'action.dispatch' : 'action.redispatch';
}
