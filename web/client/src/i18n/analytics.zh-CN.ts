/** 统计分析：指标口径、热力图、行链接。 */
export const analyticsZhCN = {
  'analytics.definitions': '指标口径',
  'analytics.overdueTotal': '超时未结',
  'analytics.heatLegend': '颜色越深：立案越多、超时未结越多（超时未结按两倍计）',
  'analytics.heatLow': '少',
  'analytics.heatHigh': '多',
  'analytics.heatLabel': '立案 {opened} · 超时 {overdue}',
  'analytics.openCases': '查看 {name} 的工单',
  'analytics.openOverdue': '查看 {name} 的超时未结工单',
  'analyticsDef.opened': '立案数：统计区间内立案的工单数，含作废、误报和重复件。',
  'analyticsDef.responseRate':
    '响应率：按时签收的工单数 ÷（已签收的工单数 + 签收时限已过仍未签收的工单数）。',
  'analyticsDef.onTimeResolutionRate':
    '按时办结率：在办结时限内办结的工单数 ÷（已办结的工单数 + 办结时限已过仍未办结的工单数）。',
  'analyticsDef.satisfactionRate':
    '满意率：满意度为 4 或 5 分的评价数 ÷ 评价总数（每个工单取最近一次评价）。',
  'analyticsDef.overdue':
    '超时未结：尚未办结、未作废的工单中，任一时限（签收、到场、办结）已过的工单数；挂起的工单按挂起时刻判断。',
  'analyticsDef.mtta': '平均签收用时：已签收工单从立案到签收的平均用时（含退单往返）。',
  'analyticsDef.mttr': '平均办结用时：已办结工单从立案到办结的平均用时（含挂起时间）。',
  'analyticsDef.resolvedOnTime': '按时办结：在办结时限内办结的工单数。',
  'map.overdueGrid': '虚线框：有超时未结工单（颜色只看当前仍在告警的风险）',
  'map.overdueBadge': '超时 {n}',
  'analytics.handled': '计入件数',
  'analytics.byCommunity': '按社区',
  'analytics.byStreet': '按街道',
  'analyticsDef.handled':
    '计入件数（按社区、街道）：统计区间内立案且未作废的工单数，三率与用时按此计算；作废、误报和重复件另列。',
} as const;
