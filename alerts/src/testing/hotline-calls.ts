/** The walkthrough's hotline call: a corridor blocked with boxes in G01 (a fire hazard, 预警). */
export const CORRIDOR_CALL = {
  title: '楼道堆物',
  description: '3 号楼 2 单元楼道堆放纸箱杂物',
  category: 'fire_safety',
  subcategory: 'fire_safety.hazard',
  caseType: 'fire_safety.hazard.corridor_storage',
  severity: 'warning' as const,
  location: null,
  address: '江城社区 3 号楼 2 单元',
  callerName: '李四',
  callerPhone: '13900001111',
  gridId: 'G01',
  assigneeId: null,
  overrideNote: null,
};
