import type { shellZhCN } from './shell.zh-CN';

/** English texts of the app shell; the same keys as `shell.zh-CN.ts`. */
export const shellEn: Record<keyof typeof shellZhCN, string> = {
  'notice.opened': 'New case: {title}',
  'notice.assigned': 'Assigned to you: {title}',
  'notice.co_assigned': 'Co-handling: {title}',
  'notice.reminder': 'Deadline near: {title}',
  'notice.repeat': 'Still not accepted: {title}',
  'notice.escalated': 'Escalated: {title}',
  'notice.returned': 'Returned: {title}',
  'notice.reopened': 'Reopened: {title}',
  'notice.linked': 'Newly linked: {title}',
  'notice.resolved': 'Resolved, to be checked: {title}',
  'notice.severity_raised': 'Severity raised by a fused signal: {title}',
  'notice.more': '({count} in all)',
  'notices.open': 'Notices',
  'notices.openUnread': 'Notices, {count} unread',
  'notices.title': 'Notices',
  'notices.empty': 'No notices yet',
  'notices.markRead': 'Mark all read',
  'sound.on': 'Alert sound on',
  'sound.off': 'Alert sound off',
  'sound.label': 'Sound for critical alerts',

  'stale.banner':
    'The connection to the server is lost: data as of {time}; countdowns and states may be out of date',
  'stale.since': 'Data as of {time}',

  'reauth.title': 'Signed out',
  'reauth.note':
    'Your sign-in expired or was ended. Sign in again: this page and anything you have not submitted are kept.',
  'reauth.submit': 'Sign in again',
  'reauth.signOut': 'Sign out',
  'reauth.otherUser': 'A different person signed in: unsaved work was discarded',
};
