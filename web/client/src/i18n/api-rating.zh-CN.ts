import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the 协办好差评 (co-handling rating) messages of the API. */
export const RATING_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^only a reported sub-task is rated$/, () => '协办反馈后才能评价'],
  [
    /^only the case's lead and the command centre rate a co-handler's work$/,
    () => '只有主办人和指挥中心可以评价协办',
  ],
  [/^only the co-handler and their department rate the request$/, () => '只有协办人及其部门可以评价派单'],
  [/^(.+) has already rated this sub-task$/, (m) => `${m[1]} 已评价过此协办`],
  [/^a rating can be changed only within a day of giving it$/, () => '评价只能在提交后一天内修改'],
  [
    /^sub-task (\S+) was rated meanwhile; reload and try again$/,
    (m) => `协办任务 ${m[1]} 已被他人评价，请刷新后重试`,
  ],
  [/^invalid rating$/, () => '评价无效'],
  [/^side must be lead or cohandler$/, () => 'side 必须是 lead（评价协办）或 cohandler（评价派单）'],
  [/^grade must be good, fair or poor$/, () => 'grade 必须是 好评、中评 或 差评'],
  [/^comment must be text of at most (\d+) characters$/, (m) => `comment 必须是不超过 ${m[1]} 个字符的文本`],
  [
    /^only the lead side and the co-handling department rate a co-handling$/,
    () => '只有主办方和协办部门可以评价协办',
  ],
  [
    /^co-handling ratings are for departments and the command centre$/,
    () => '协办评价仅供部门和指挥中心查看',
  ],
  [/^give departmentId or regionId, not both$/, () => '请只指定 departmentId 或 regionId 其中之一'],
  [
    /^only the department's members and the command centre read its ratings$/,
    () => '只有本部门人员和指挥中心可以查看部门的协办评价',
  ],
  [/^(departmentId|regionId) must be an id$/, (m) => `${m[1]} 必须是编号`],
];
