/** 简体中文: failing verification, closing without handling, returns and re-dispatch. `workflow.en.ts` has the same keys. */
export const workflowZhCN = {
  'action.reject': '核查不通过',
  'action.void': '作废 / 误报 / 重复件',
  'action.duplicate_linked': '关联重复件',

  'reason.void': '作废',
  'reason.false_alarm': '误报',

  'analytics.voided': '未办结关闭',
  'analytics.voidedDef': '作废、误报和重复件：计入立案数，不计入办结，其时限不计入三率。',

  'reject.title': '核查不通过，退回重办',
  'reject.hint': '退回给原处置人重新处置，办结时限重新计算。',
  'reject.note': '不通过原因（必填）',
  'reject.submit': '退回重办',

  'void.title': '不予办结，直接关闭',
  'void.hint': '作废、误报和重复件不计入办结统计。',
  'void.reason': '关闭原因',
  'void.pick': '请选择关闭原因',
  'void.note': '说明',
  'void.noteRequired': '说明（必填）',
  'void.duplicateOf': '重复的工单编号',
  'void.duplicateHint': '填写与本件重复的原工单编号，两件将互相关联。',
  'void.submit': '确认关闭',

  'detail.closedAs': '关闭原因：{reason}',
  'detail.duplicateOf': '重复于工单',

  'return.pick': '请选择退单原因',

  'dispatch.holder': '当前处置人：{name}',
  'dispatch.returnedBy': '由 {name} 退单，不再建议派回此人',
  'dispatch.returnedByUnknown': '已退单，不再建议派回退单人',

  'queue.pinnedReturned': '退单待重派',
} as const;
