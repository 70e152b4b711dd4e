/** 简体中文 texts of case fusion: the signals a case took in and the cases it may repeat. */
export const fusionZhCN = {
  'fusion.device': '设备',
  'fusion.place': '位置',
  'fusion.caller': '来电人',
  'fusion.reporter': '上报人',
  'fusion.snapshot': '抓拍画面',
  'fusion.severityRaised': '等级由{from}升为{to}',
  'fusion.related':
    '同一网格、同类、时间相近，但未自动合并（不是同一设备附近的告警）。如为同一事项，可将其并入本工单（被并入的工单以重复件结案）：',
  'noticeKind.severity_raised': '等级提升',
  'fusion.merge': '并入本工单',
  'fusion.mergeConfirm': '确认并入',
  'fusion.mergeNamed': '将“{title}”并入本工单',
  'fusion.merged': '已并入本工单：{title}',
  'action.merged': '人工合并',
} as const;
