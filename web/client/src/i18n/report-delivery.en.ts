import type { reportDeliveryZhCN } from './report-delivery.zh-CN';

/** English texts of a report's notices and deliveries; the same keys as `report-delivery.zh-CN.ts`. */
export const reportDeliveryEn: Record<keyof typeof reportDeliveryZhCN, string> = {
  'notice.report': 'Report published: {title}',
  'noticeKind.report': 'Periodic reports',
  'reports.deliveries': 'Delivery',
  'reports.deliveriesNone': 'Sent to no channel (no channel of this region takes reports)',
  'reports.channel': 'Channel',
  'reports.outcome': 'Outcome',
  'reports.sentAt': 'Delivered at',
  'reports.channelDeleted': '{id} (deleted)',
  'reports.lastError': 'Reason: {error}',
  'reports.inApp': 'In-app notices: delivered to {sent} of {queued} readers',
};
