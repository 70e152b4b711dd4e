import type { workflowZhCN } from './workflow.zh-CN';

/** English texts of failing verification, closing without handling, returns and re-dispatch. */
export const workflowEn: Record<keyof typeof workflowZhCN, string> = {
  'action.reject': 'Fail verification',
  'action.void': 'Void / false alarm / duplicate',
  'action.duplicate_linked': 'Duplicate linked',

  'reason.void': 'Void',
  'reason.false_alarm': 'False alarm',

  'analytics.voided': 'Closed unhandled',
  'analytics.voidedDef':
    'Void, false alarm and duplicate: counted as opened, never as closed, and their deadlines leave the rates.',

  'reject.title': 'Fail verification and send back',
  'reject.hint': 'The case goes back to its handler to do again, with a fresh resolve deadline.',
  'reject.note': 'What is wrong (required)',
  'reject.submit': 'Send back',

  'void.title': 'Close without handling',
  'void.hint': 'Void cases, false alarms and duplicates do not count as resolved.',
  'void.reason': 'Why',
  'void.pick': 'Choose why',
  'void.note': 'Note',
  'void.noteRequired': 'Note (required)',
  'void.duplicateOf': 'Case number it repeats',
  'void.duplicateHint': 'The number of the case this one repeats; the two are linked.',
  'void.submit': 'Close case',

  'detail.closedAs': 'Closed as: {reason}',
  'detail.duplicateOf': 'Duplicate of case',

  'return.pick': 'Choose a reason',

  'dispatch.holder': 'Now held by {name}',
  'dispatch.returnedBy': 'Returned by {name}: not suggested to them again',
  'dispatch.returnedByUnknown': 'Returned: not suggested to whoever returned it',

  'queue.pinnedReturned': 'Returned, to re-dispatch',
} as const;
