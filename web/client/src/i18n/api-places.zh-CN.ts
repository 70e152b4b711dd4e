import type { ApiMessagePattern } from './api-messages.zh-CN';

const KINDS: Record<string, string> = {
  building: '楼宇',
  shop: '商铺',
  old_residential: '老旧小区',
  construction_site: '建筑工地',
  other: '其他',
};
/** `building, shop` → 楼宇、商铺; undefined when one is not a place kind. */
const kindList = (list: string): string | undefined => {
  const names = list.split(', ').map((k) => KINDS[k]);
  return names.every((n) => n !== undefined) ? names.join('、') : undefined;
};

/** 简体中文 for the API's texts about 重点场所, their level rules and 巡检 check-ins. */
export const PLACE_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [
    /^places are for grid workers, the command centre and administrators$/,
    () => '只有网格员、指挥中心和管理员可以查看重点场所',
  ],
  [/^only administrators manage places$/, () => '只有管理员可以管理重点场所'],
  [/^only grid workers and supervisors check in at places$/, () => '只有网格员和督办员可以在场所巡检打卡'],
  [/^place (\S+) not found$/, (m) => `场所 ${m[1]} 不存在`],
  [/^invalid place$/, () => '场所信息有误'],
  [/^invalid devices$/, () => '设备有误'],
  [/^invalid place risk rules$/, () => '场所风险规则有误'],
  [/^invalid check-in$/, () => '巡检打卡信息有误'],
  [/^name must be text of 1–200 characters$/, () => '名称必须是 1–200 个字符'],
  [
    /^kind must be one of (.+)$/,
    (m) => (kindList(m[1]!) ? `类型必须是以下之一：${kindList(m[1]!)}` : undefined),
  ],
  [/^address must be text of at most 300 characters$/, () => '地址最多 300 个字符'],
  [/^lat and lng must be the position of the place in degrees$/, () => '经纬度必须是场所的位置（度）'],
  [/^baseLevel must be green, yellow or red$/, () => '基础等级必须是 绿、黄 或 红'],
  [/^the position of the place lies outside grid (\S+)$/, (m) => `场所位置不在网格 ${m[1]} 内`],
  [/^deviceIds must be a list of at most 50 device ids$/, () => 'deviceIds 必须是最多 50 个设备编号的列表'],
  [/^device (\S+) is not in grid (\S+)$/, (m) => `设备 ${m[1]} 不在网格 ${m[2]} 内`],
  [/^devices attached to another place: (.+)$/, (m) => `以下设备已关联其他场所：${m[1]}`],
  [
    /^the position is (\d+) m outside grid (\S+): check in at the place$/,
    (m) => `当前位置在网格 ${m[2]} 外 ${m[1]} 米，请到场所现场打卡`,
  ],
  [/^this inspection was just checked in by someone else$/, () => '此次巡检刚由他人完成打卡'],
  [/^checklist must be a list of answers$/, () => '检查清单必须是回答列表'],
  [
    /^checklist answer (\d+) is not an item of this place's checklist$/,
    (m) => `第 ${m[1]} 个回答不是该场所检查清单中的项目`,
  ],
  [/^checklist item (\S+) is answered twice$/, (m) => `检查项 ${m[1]} 回答了两次`],
  [/^checklist item (\S+) needs ok true or false$/, (m) => `检查项 ${m[1]} 须填写是否合格`],
  [
    /^checklist item (\S+) failed: say what is wrong in its note$/,
    (m) => `检查项 ${m[1]} 不合格，请在备注中说明问题`,
  ],
  [/^checklist items not answered: (.+)$/, (m) => `以下检查项未回答：${m[1]}`],
  [/^rules must be an object$/, () => '规则必须是对象'],
  [/^windowDays must be a whole number 1–366$/, () => 'windowDays 必须是 1–366 的整数'],
  [/^points\.(\w+) must be a whole number 0–100$/, (m) => `points.${m[1]} 必须是 0–100 的整数`],
  [/^yellowFrom must be a whole number ≥ 1$/, () => 'yellowFrom 必须是不小于 1 的整数'],
  [/^redFrom must be a whole number$/, () => 'redFrom 必须是整数'],
  [/^redFrom must be above yellowFrom$/, () => 'redFrom 必须大于 yellowFrom'],
  [
    /^inspectEveryWorkingDays\.(\w+) must be a whole number 1–366$/,
    (m) => `inspectEveryWorkingDays.${m[1]} 必须是 1–366 的整数`,
  ],
];
