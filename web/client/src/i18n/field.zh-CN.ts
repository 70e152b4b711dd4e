/** 简体中文: the grid worker in the field (photos, arrival, address, calls). `field.en.ts` has the same keys. */
export const fieldZhCN = {
  'field.takePhoto': '拍照',
  'field.choosePhoto': '从相册选择',
  'field.photoProgress': '{name} 上传进度',
  'field.photoCancel': '取消上传',
  'field.arriveTitle': '到达现场',
  'field.locating': '正在获取位置…',
  'field.positionFound': '已记录当前位置',
  'field.positionFoundWithin': '已记录当前位置（误差约 {m} 米）',
  'field.positionNone': '未获得位置（未授权或无信号），仍可确认到达',
  'field.locateAgain': '重新定位',
  'field.arrivePhoto': '现场照片（可选）',
  'field.arriveSubmit': '确认到达',
  'field.place': '地点',
  'field.navAmap': '高德导航',
  'field.navBaidu': '百度导航',
  'field.navOther': '其他地图',
} as const;
