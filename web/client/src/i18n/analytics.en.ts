import type { analyticsZhCN } from './analytics.zh-CN';

/** Analytics: metric definitions, heat map, row links. */
export const analyticsEn: Record<keyof typeof analyticsZhCN, string> = {
  'analytics.definitions': 'Definitions',
  'analytics.overdueTotal': 'Overdue, unresolved',
  'analytics.heatLegend': 'Darker: more cases opened and more overdue (overdue counts double)',
  'analytics.heatLow': 'Fewer',
  'analytics.heatHigh': 'More',
  'analytics.heatLabel': 'Opened {opened} · overdue {overdue}',
  'analytics.openCases': 'Cases of {name}',
  'analytics.openOverdue': 'Overdue cases of {name}',
  'analyticsDef.opened':
    'Cases opened: cases opened within the period, including voided, false alarms and duplicates.',
  'analyticsDef.responseRate':
    'Response rate: cases accepted on time ÷ (cases accepted + cases whose accept deadline passed unaccepted).',
  'analyticsDef.onTimeResolutionRate':
    'On-time resolution rate: cases resolved within their resolve deadline ÷ (cases resolved + cases whose resolve deadline passed unresolved).',
  'analyticsDef.satisfactionRate':
    'Satisfaction rate: feedback rated 4 or 5 ÷ all feedback (the latest feedback per case).',
  'analyticsDef.overdue':
    'Overdue: unresolved, not voided cases with any deadline (accept, arrive or resolve) passed; a paused case is judged when it paused.',
  'analyticsDef.mtta':
    'Mean time to accept: from opening to acceptance over accepted cases (returns included).',
  'analyticsDef.mttr':
    'Mean time to resolve: from opening to resolution over resolved cases (pauses included).',
  'analyticsDef.resolvedOnTime': 'On time: cases resolved within their resolve deadline.',
  'map.overdueGrid': 'Dashed border: overdue cases (colour shows only risks still active)',
  'map.overdueBadge': '{n} overdue',
  'analytics.handled': 'Counted',
  'analytics.byCommunity': 'By community',
  'analytics.byStreet': 'By street',
  'analyticsDef.handled':
    'Counted (by community, street): cases opened in the period and not voided, over which the rates and times are computed; voided cases are listed apart.',
};
