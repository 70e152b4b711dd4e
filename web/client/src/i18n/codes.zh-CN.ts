/**
 * 简体中文: names for the codes the API stores (timeline actions the platform writes, delivery
 * statuses, deadline units, rate definitions, audit actions). `codes.en.ts` has the same keys.
 */
export const codesZhCN = {
  'action.remind': '到期提醒',
  'action.notify_repeat': '再次通知承办人',
  'action.linked': '并入新报告',
  'action.linked_to_parent': '并入上级事件',
  'action.released_from_parent': '脱离上级事件',
  'action.suppressed_child': '收纳下级报告',
  'action.possibly_related': '发现可能相关的事件',
  'action.other': '其他操作',

  'delivery.sent': '已发送',
  'delivery.pending': '待发送',
  'delivery.failed': '发送失败',
  'delivery.to': '{kind}：{name}',
  'deliveryTarget.inapp': '站内消息',
  'deliveryTarget.push': '手机推送',
  'deliveryTarget.channel': '通知渠道',

  'span.m': '{n} 分钟',
  'span.h': '{n} 小时',
  'span.d': '{n} 天',
  'span.wh': '{n} 个工作小时',
  'span.wd': '{n} 个工作日',

  'analyticsDef.responseRate': '响应率：按时签收的工单数 ÷（已签收的工单数 + 签收时限已过仍未签收的工单数）',
  'analyticsDef.onTimeResolutionRate':
    '按时办结率：按时办结的工单数 ÷（已办结的工单数 + 办结时限已过仍未办结的工单数）',
  'analyticsDef.satisfactionRate': '满意率：满意度为 4 或 5 分的评价数 ÷ 评价总数（每个工单取最近一次评价）',

  'codes.someone': '未知人员',
};
