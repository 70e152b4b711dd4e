/** 简体中文 texts of a device's report state (core/src/device-report.ts). */
export const deviceReportZhCN = {
  'report.online': '在线',
  'report.overdue': '报告逾期',
  'report.offline': '离线',
  'report.never': '从未上报',
  'report.expected': '上报周期',
  'report.expectedEvery': '每 {interval} 一次，超过 {allowed} 未上报即为逾期',
  'report.overdueFor': '已 {silence} 未上报（应每 {interval} 一次）',
  'report.counts': '在线 {online} · 逾期 {overdue} · 离线 {offline} / 共 {total}',
  'map.overdue': '报告逾期设备',
} as const;
