import type { mergeSplitZhCN } from './merge-split.zh-CN';

/** English texts of merging by caller or place and of splitting a case; the same keys as the zh-CN file. */
export const mergeSplitEn: Record<keyof typeof mergeSplitZhCN, string> = {
  'mergeSplit.candidates': 'Possibly the same matter',
  'mergeSplit.candidatesHint':
    'Open cases from the same caller, or in the same grid and category. If one is the same matter, merge it into this case; it closes as a duplicate.',
  'mergeSplit.reason.same_caller': 'Same caller',
  'mergeSplit.reason.same_place': 'Same grid and category',
  'mergeSplit.none': 'No open case looks like a repeat',
  'mergeSplit.merge': 'Merge into this case',
  'mergeSplit.mergeConfirm': 'Confirm merge',
  'mergeSplit.mergeNamed': 'Merge “{title}” into this case',
  'mergeSplit.split': 'Split case',
  'mergeSplit.splitHint':
    'When this case holds two matters, make the other one a new case. It keeps this case’s channel, grid, place, reporter and caller, and is registered and dispatched as that channel’s cases are.',
  'mergeSplit.title': 'Title of the new matter',
  'mergeSplit.description': 'Description of the new matter',
  'mergeSplit.category': 'Category',
  'mergeSplit.severity': 'Severity',
  'mergeSplit.note': 'Why it is split (optional)',
  'mergeSplit.submit': 'Split into a new case',
  'mergeSplit.done': 'Split off as new case {id}',
  'mergeSplit.created': 'New case:',
  'mergeSplit.splitTo': 'Split off:',
  'mergeSplit.splitFrom': 'Split from:',
  'action.split': 'Split off a new case',
  'action.split_from': 'Split from another case',
};
