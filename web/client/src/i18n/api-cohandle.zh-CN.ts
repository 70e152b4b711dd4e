import type { ApiMessagePattern } from './api-messages.zh-CN';
import { zhCN } from './zh-CN';

/** 简体中文 for the 协办 (co-handling) messages of the API. */

const labels = zhCN as Record<string, string>;
const SUBTASK_ACTIONS: Record<string, string> = { accept: '签收', report: '反馈', cancel: '撤销' };
const SUBTASK_STATES: Record<string, string> = {
  created: '待签收',
  accepted: '已签收',
  reported: '已反馈',
  cancelled: '已撤销',
};
const action = (code: string) => SUBTASK_ACTIONS[code] ?? labels[`action.${code}`] ?? code;
const state = (code: string) => SUBTASK_STATES[code] ?? labels[`state.${code}`] ?? code;
const role = (code: string) => labels[`role.${code}`] ?? code;

export const COHANDLE_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^cannot (\w+) a (\w+) sub-task$/, (m) => `协办任务${state(m[2]!)}，不能${action(m[1]!)}`],
  [/^(\w+) may not (\w+) this sub-task$/, (m) => `${role(m[1]!)}无权对此协办任务执行“${action(m[2]!)}”`],
  [/^a report needs a note$/, () => '协办反馈需填写说明'],
  [/^cancelling a sub-task needs a reason$/, () => '撤销协办需填写原因'],
  [
    /^(\d+) required co-handler report\(s\) missing$/,
    (m) => `还有 ${m[1]} 项必需的协办反馈未提交，暂不能办结`,
  ],
  [
    /^give either assigneeId \(a person\) or departmentId \(a department\)$/,
    () => '请指定协办人（assigneeId）或协办部门（departmentId），二者选一',
  ],
  [
    /^(task|note|reason) must be text of (\d+)–(\d+) characters$/,
    (m) => `${m[1]} 必须是 ${m[2]}–${m[3]} 个字符的文本`,
  ],
  [/^days to report back must be a whole number from 1 to (\d+)$/, (m) => `反馈时限须为 1–${m[1]} 个工作日`],
  [/^department (\S+) has nobody to co-handle$/, (m) => `部门 ${m[1]} 没有可协办的人员`],
  [
    /^only the lead handler and the command centre add co-handlers$/,
    () => '只有主办人和指挥中心可以添加协办',
  ],
  [/^cannot add co-handlers to a (\w+) case$/, (m) => `工单${state(m[1]!)}，不能添加协办`],
  [/^(\S+) cannot co-handle a case in this grid$/, (m) => `${m[1]} 不能协办此网格的工单`],
  [/^the lead handler cannot co-handle their own case$/, () => '主办人不能协办自己的工单'],
  [/^(\S+) already has an open sub-task on this case$/, (m) => `${m[1]} 在此工单上已有未完成的协办任务`],
  [/^sub-task (\S+) not found$/, (m) => `协办任务 ${m[1]} 不存在`],
  [/^subtaskId must be a positive whole number$/, () => 'subtaskId 必须是正整数'],
  [/^action must be accept, report or cancel$/, () => 'action 必须是 签收、反馈 或 撤销'],
  [/^(required|coReportsRequired) must be true or false$/, (m) => `${m[1]} 必须是 true 或 false`],
];
