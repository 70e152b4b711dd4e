import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the API's texts about 重点场所, their level rules and 巡检 check-ins. */
export const PLACE_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
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
