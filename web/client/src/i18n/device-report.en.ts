import type { deviceReportZhCN } from './device-report.zh-CN';

/** English texts of a device's report state; the same keys as `device-report.zh-CN.ts`. */
export const deviceReportEn: Record<keyof typeof deviceReportZhCN, string> = {
  'report.online': 'Online',
  'report.overdue': 'Report overdue',
  'report.offline': 'Offline',
  'report.never': 'Never reported',
  'report.expected': 'Reports',
  'report.expectedEvery': 'every {interval}; overdue after {allowed} of silence',
  'report.overdueFor': 'silent for {silence} (should report every {interval})',
  'report.counts': '{online} online · {overdue} overdue · {offline} offline / {total}',
  'map.overdue': 'Report overdue',
};
