/** A report's in-app notice, the `report` notice kind of channels, and where a report was delivered. */
export const reportDeliveryZhCN = {
  'notice.report': '报告已生成：{title}',
  'noticeKind.report': '定期报告',
  'reports.deliveries': '送达情况',
  'reports.deliveriesNone': '未发往任何通知渠道（本区域没有接收报告的渠道）',
  'reports.channel': '通知渠道',
  'reports.outcome': '结果',
  'reports.sentAt': '送达时间',
  'reports.channelDeleted': '{id}（已删除）',
  'reports.lastError': '原因：{error}',
  'reports.inApp': '站内通知：已送达 {sent} 人，共 {queued} 人',
};
