import type { outcomeZhCN } from './outcome.zh-CN';

/** English texts of 不予立案 (declined at registration) and 非属地 (returned upstream); the same keys as `outcome.zh-CN.ts`. */
export const outcomeEn: Record<keyof typeof outcomeZhCN, string> = {
  'action.decline': 'Decline to register',
  'action.return_upstream': 'Return upstream',

  'reason.declined': 'Declined',
  'reason.returned_upstream': 'Returned upstream',
  'reason.not_governance': 'Not a governance matter',
  'reason.insufficient_info': 'Insufficient information',
  'reason.other_district': 'Another district',
  'reason.outside_remit': "Outside the street's remit",

  'decline.title': 'Decline to register',
  'decline.hint':
    'A declined report is closed at once; it is not a registered case and is counted apart from the rates.',
  'decline.reason': 'Reason',
  'decline.pick': 'Choose a reason',
  'decline.duplicateOf': 'Number of the case it repeats',
  'decline.note': 'Note',
  'decline.noteRequired': 'Note (required)',
  'decline.submit': 'Decline',
  'decline.done': 'Declined: {title}',

  'upstream.title': 'Return to the hotline (not ours)',
  'upstream.hint':
    "A hotline case of another district or outside the street's remit goes back to the hotline and is closed; the street and its workers are not assessed on it.",
  'upstream.reason': 'Reason',
  'upstream.pick': 'Choose a reason',
  'upstream.note': 'Where it belongs (required)',
  'upstream.submit': 'Return upstream',
  'upstream.done': 'Returned upstream: {title}',
};
