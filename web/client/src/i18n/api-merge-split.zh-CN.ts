import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the API's texts about merge candidates and 拆分 (splitting a case in two). */
export const MERGE_SPLIT_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^invalid case split$/, () => '拆分内容有误'],
  [/^this case cannot be split so$/, () => '该工单不能这样拆分'],
  [/^only an open case not yet resolved can be split$/, () => '只有未办结的在办工单可以拆分'],
  [
    /^the new case must be another matter: change its title or its category$/,
    () => '新工单必须是另一件事项：请修改标题或类别',
  ],
  [/^unknown fields: (.+)$/, (m) => `未知字段：${m[1]}`],
  [/^only the command centre and the desks split cases$/, () => '只有指挥中心和督办员可以拆分工单'],
];
