import type { codesZhCN } from './codes.zh-CN';

/** English names for the codes the API stores; the same keys as `codes.zh-CN.ts`. */
export const codesEn: Record<keyof typeof codesZhCN, string> = {
  'action.remind': 'Deadline reminder',
  'action.notify_repeat': 'Assignee notified again',
  'action.linked': 'New report joined',
  'action.linked_to_parent': 'Joined a parent case',
  'action.released_from_parent': 'Released from its parent case',
  'action.suppressed_child': 'Report taken in as a child',
  'action.possibly_related': 'Possibly related cases found',
  'action.other': 'Other action',

  'delivery.sent': 'Sent',
  'delivery.pending': 'Pending',
  'delivery.failed': 'Failed',
  'delivery.to': '{kind}: {name}',
  'deliveryTarget.inapp': 'In-app message',
  'deliveryTarget.push': 'Phone push',
  'deliveryTarget.channel': 'Channel',

  'span.m': '{n} min',
  'span.h': '{n} h',
  'span.d': '{n} d',
  'span.wh': '{n} working hours',
  'span.wd': '{n} working days',

  'analyticsDef.responseRate':
    'Response rate: cases accepted by their accept deadline ÷ (cases accepted + cases past that deadline unaccepted)',
  'analyticsDef.onTimeResolutionRate':
    'On-time resolution rate: cases resolved by their resolve deadline ÷ (cases resolved + cases past that deadline unresolved)',
  'analyticsDef.satisfactionRate':
    'Satisfaction rate: ratings of 4 or 5 ÷ all ratings (the latest rating of each case)',

  'codes.someone': 'Unknown person',
};
