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
    'Void, false alarm, duplicate, declined at registration and returned upstream: counted as opened, never as closed, and their deadlines leave the rates.',

  'reject.title': 'Fail verification and send back',
  'reject.hint': 'The case goes back to its handler to do again, with a fresh resolve deadline.',
  'reject.note': 'What is wrong (required)',
  'reject.submit': 'Send back',

  'pause.title': 'Pause handling',
  'pause.hint': 'While paused the deadlines stop; they move on by the pause when handling resumes.',
  'pause.note': 'Why (required)',
  'pause.submit': 'Pause',

  'reopen.title': 'Reopen',
  'reopen.hint': 'The case goes back to the dispatcher, with a fresh resolve deadline.',
  'reopen.note': 'Why it is reopened (required)',
  'reopen.submit': 'Reopen',

  'escalate.title': 'Blow the whistle: ask the level above to act',
  'escalate.hint':
    'The case goes up one level (grid → community → street → district), whose desk takes it over or dispatches it again.',
  'escalate.note': 'Why (required)',
  'escalate.submit': 'Escalate',

  'feedback.title': 'Callback',
  'feedback.hint':
    'Record what the person who reported it said when called back: solved closes the case, not solved reopens it for the dispatcher.',
  'feedback.satisfaction': 'Satisfaction',
  'feedback.score1': '1 very dissatisfied',
  'feedback.score2': '2 dissatisfied',
  'feedback.score3': '3 neutral',
  'feedback.score4': '4 satisfied',
  'feedback.score5': '5 very satisfied',
  'feedback.solved': 'Was the problem solved?',
  'feedback.solvedYes': 'Solved',
  'feedback.solvedNo': 'Not solved',
  'feedback.comment': 'Notes of the call',
  'feedback.commentRequired': 'Why it is not solved (required)',
  'feedback.submit': 'Record callback',
  'feedback.submitReopen': 'Record and reopen',

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

  'action.request_extension': 'Request extension',
  'action.approve_extension': 'Approve extension',
  'action.refuse_extension': 'Refuse extension',
  'action.supervise': 'Supervise',
  'action.unsupervise': 'Lift supervision',

  'request_extension.title': 'Request an extension',
  'request_extension.hint':
    'The level above decides; until it is approved the resolve deadline runs as before, then it moves by working days.',
  'request_extension.days': 'Working days (1–{max})',
  'request_extension.note': 'Why (required)',
  'request_extension.submit': 'Send request',

  'refuse_extension.title': 'Refuse the extension',
  'refuse_extension.hint': 'The deadline stays; the reason goes on the timeline.',
  'refuse_extension.note': 'Why (required)',
  'refuse_extension.submit': 'Refuse',

  'supervise.title': 'Put under supervision',
  'supervise.hint':
    'Supervised cases have their own queue, are reminded twice as often, and the note goes on the timeline.',
  'supervise.note': 'Supervision note (required)',
  'supervise.submit': 'Supervise',

  'detail.resolveDue': 'Resolve by',
  'detail.extensionPending': 'Extension awaiting decision',
  'detail.extensionAsk': '{days} working days asked: {reason}',
  'detail.supervised': 'Under supervision',
  'supervision.autoReopened': 'Reopened, so put under supervision automatically',
  'timeline.extensionDays': '{days} working days asked',
  'timeline.extendedTo': '{days} working days granted; resolve by {time}',
  'cases.supervisedOnly': 'Supervised only',
} as const;
