/** 简体中文 for 不予立案 and 非属地: the moves, their reason codes and forms. `outcome.en.ts` has the same keys. */
export const outcomeZhCN = {
  'action.decline': '不予立案',
  'action.return_upstream': '非属地退回',

  'reason.declined': '不予立案',
  'reason.returned_upstream': '非属地',
  'reason.not_governance': '非治理事项',
  'reason.insufficient_info': '信息不足',
  'reason.other_district': '属其他区',
  'reason.outside_remit': '非街道职责',

  'decline.title': '不予立案',
  'decline.hint': '不予立案的事件直接关闭，不计入立案数和三率，单独统计。',
  'decline.reason': '不予立案原因',
  'decline.pick': '请选择原因',
  'decline.duplicateOf': '重复的工单编号',
  'decline.note': '说明',
  'decline.noteRequired': '说明（必填）',
  'decline.submit': '确认不予立案',
  'decline.done': '已不予立案：{title}',

  'upstream.title': '非属地退回热线',
  'upstream.hint': '非本区或非街道职责的热线工单退回热线平台，直接关闭，不计入街道和网格员的考核。',
  'upstream.reason': '退回原因',
  'upstream.pick': '请选择原因',
  'upstream.note': '应归属的区或部门（必填）',
  'upstream.submit': '确认退回',
  'upstream.done': '已非属地退回：{title}',
};
