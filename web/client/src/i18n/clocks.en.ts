import type { clocksZhCN } from './clocks.zh-CN';

/** English texts of the register and dispatch clocks; the same keys as `clocks.zh-CN.ts`. */
export const clocksEn: Record<keyof typeof clocksZhCN, string> = {
  'nav.register': 'To register',
  'clocks.queueTitle': 'To register',
  'clocks.queueIntro':
    'Patrol and hotline reports of categories registered by hand wait here. Registering routes the case by the dispatch rules and starts its dispatch clock.',
  'clocks.queueEmpty': 'Nothing waits to be registered.',
  'clocks.case': 'Case',
  'clocks.category': 'Category',
  'clocks.source': 'Source',
  'clocks.registerBy': 'Register within',
  'clocks.actions': 'Actions',
  'clocks.register': 'Register',
  'clocks.registered': 'Registered: {title}',
  'clocks.register.limit': 'Register within',
  'clocks.dispatch.limit': 'Dispatch within',
  'clocks.breachTitle': 'When a deadline passes',
  'clocks.clock': 'Deadline',
  'clocks.breach.remind': 'Overdue notice',
  'clocks.breach.escalate': 'Escalate',
  'clocks.breach.supervise': 'Supervise (督办)',
  'clocks.breachFor': '{clock} passed: {action}',
  'clocks.autoRegister': 'Register patrol and hotline reports automatically (untick: they wait in the queue)',
  'clocks.autoRegistered': 'Registered automatically',
  'clocks.specificNode': 'Subcategory or type',
  'clocks.specificSeverity': 'Severity',
  'clocks.addSpecific': 'Set specific deadlines',
  'supervision.autoOverdue': '{clock} passed: put under supervision automatically',
  'deadline.register': 'Register by',
  'action.overdue_notice': 'Overdue notice',
  'deadline.dispatch': 'Dispatch by',
};
