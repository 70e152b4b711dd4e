import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the 协办 (co-handling) messages of the API not yet keyed. */
export const COHANDLE_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [
    /^(\d+) required co-handler report\(s\) missing$/,
    (m) => `还有 ${m[1]} 项必需的协办反馈未提交，暂不能办结`,
  ],
  [/^sub-task (\S+) not found$/, (m) => `协办任务 ${m[1]} 不存在`],
  [/^subtaskId must be a positive whole number$/, () => 'subtaskId 必须是正整数'],
];
