/** 简体中文: failing verification, closing without handling, returns and re-dispatch. `workflow.en.ts` has the same keys. */
export const workflowZhCN = {
  'action.reject': '核查不通过',
  'action.void': '作废 / 误报 / 重复件',
  'action.duplicate_linked': '关联重复件',

  'reason.void': '作废',
  'reason.false_alarm': '误报',

  'analytics.voided': '未办结关闭',
  'analytics.voidedDef':
    '作废、误报、重复件、不予立案和非属地退回：计入上报数，不计入办结，其时限不计入三率。',

  'reject.title': '核查不通过，退回重办',
  'reject.hint': '退回给原处置人重新处置，办结时限重新计算。',
  'reject.note': '不通过原因（必填）',
  'reject.submit': '退回重办',

  'pause.title': '暂停处置',
  'pause.hint': '暂停期间时限停止计算，继续处置时顺延。',
  'pause.note': '暂停原因（必填）',
  'pause.submit': '暂停',

  'reopen.title': '重新打开',
  'reopen.hint': '退回调度重新派遣，办结时限重新计算。',
  'reopen.note': '重新打开的原因（必填）',
  'reopen.submit': '重新打开',

  'escalate.title': '吹哨：提请上一级处置',
  'escalate.hint': '工单升到上一级（网格 → 社区 → 街道 → 区），由上级指挥中心接手或重新派遣。',
  'escalate.note': '升级原因（必填）',
  'escalate.submit': '升级',

  'feedback.title': '回访评价',
  'feedback.hint': '回访反映人后记录结果：已解决则结案，未解决则重新打开并退回调度。',
  'feedback.satisfaction': '满意度',
  'feedback.score1': '1 很不满意',
  'feedback.score2': '2 不满意',
  'feedback.score3': '3 一般',
  'feedback.score4': '4 满意',
  'feedback.score5': '5 很满意',
  'feedback.solved': '问题是否解决',
  'feedback.solvedYes': '已解决',
  'feedback.solvedNo': '未解决',
  'feedback.comment': '回访记录',
  'feedback.commentRequired': '未解决的原因（必填）',
  'feedback.submit': '记录回访',
  'feedback.submitReopen': '记录并重新打开',

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

  'action.request_extension': '申请延期',
  'action.approve_extension': '批准延期',
  'action.refuse_extension': '驳回延期',
  'action.supervise': '督办',
  'action.unsupervise': '解除督办',

  'request_extension.title': '申请延期',
  'request_extension.hint': '由上一级审批；批准前办结时限照常计算，批准后按工作日顺延。',
  'request_extension.days': '延期工作日数（1–{max}）',
  'request_extension.note': '延期原因（必填）',
  'request_extension.submit': '提交申请',

  'refuse_extension.title': '驳回延期申请',
  'refuse_extension.hint': '办结时限不变，驳回原因记入工单时间线。',
  'refuse_extension.note': '驳回原因（必填）',
  'refuse_extension.submit': '驳回',

  'supervise.title': '列入督办',
  'supervise.hint': '督办件进入督办队列，催办间隔减半，督办说明记入时间线。',
  'supervise.note': '督办说明（必填）',
  'supervise.submit': '督办',

  'detail.resolveDue': '办结时限',
  'detail.extensionPending': '延期待审批',
  'detail.extensionAsk': '申请延期 {days} 个工作日：{reason}',
  'detail.supervised': '督办中',
  'supervision.autoReopened': '工单被重新打开，自动列入督办',
  'timeline.extensionDays': '申请延期 {days} 个工作日',
  'timeline.extendedTo': '批准延期 {days} 个工作日，办结时限延至 {time}',
  'cases.supervisedOnly': '仅看督办件',
} as const;
