/** 简体中文 texts of merging by caller or place and of splitting a case (合并与拆分). */
export const mergeSplitZhCN = {
  'mergeSplit.candidates': '可能是同一事项的工单',
  'mergeSplit.candidatesHint':
    '同一来电人（一人多诉）或同一网格同类（多人一诉）的在办工单。确认是同一事项后，可并入本工单，被并入的工单以重复件结案。',
  'mergeSplit.reason.same_caller': '同一来电人',
  'mergeSplit.reason.same_place': '同网格同类别',
  'mergeSplit.none': '没有可能重复的在办工单',
  'mergeSplit.merge': '并入本工单',
  'mergeSplit.mergeConfirm': '确认并入',
  'mergeSplit.mergeNamed': '将“{title}”并入本工单',
  'mergeSplit.split': '拆分工单',
  'mergeSplit.splitHint':
    '本工单包含两件事项时，把另一件拆为新工单。新工单沿用本工单的渠道、网格、地点、上报人和来电人，按渠道规则立案、派遣。',
  'mergeSplit.title': '新事项标题',
  'mergeSplit.description': '新事项描述',
  'mergeSplit.category': '类别',
  'mergeSplit.severity': '紧急程度',
  'mergeSplit.note': '拆分说明（可选）',
  'mergeSplit.submit': '拆分为新工单',
  'mergeSplit.done': '已拆分出新工单 {id}',
  'mergeSplit.created': '新工单：',
  'mergeSplit.splitTo': '拆分出：',
  'mergeSplit.splitFrom': '拆分自：',
  'action.split': '拆分出新工单',
  'action.split_from': '由拆分而来',
};
