import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the 协办 (co-handling) messages of the API not yet keyed. */
export const COHANDLE_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^sub-task (\S+) not found$/, (m) => `协办任务 ${m[1]} 不存在`],
  [/^subtaskId must be a positive whole number$/, () => 'subtaskId 必须是正整数'],
];
