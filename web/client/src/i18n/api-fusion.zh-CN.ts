import type { ApiMessagePattern } from './api-messages.zh-CN';

/** `groups[0].radiusM` and the like: a field path as the API names it. */
const FIELD = String.raw`([\w.[\]]+)`;

/** 简体中文 for the API's texts about the fusion groups and suppression rules (归并与抑制). */
export const FUSION_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [new RegExp(`^${FIELD} must be a list$`), (m) => `${m[1]} 必须是列表`],
  [new RegExp(`^${FIELD} may hold at most (\\d+) entries$`), (m) => `${m[1]} 最多 ${m[2]} 项`],
  [
    new RegExp(`^${FIELD} must be a list of 1 to (\\d+) keys$`),
    (m) => `${m[1]} 必须是 1–${m[2]} 个编码的列表`,
  ],
  [new RegExp(`^${FIELD}: (.+) not a key$`), (m) => `${m[1]}：${m[2]} 不是有效编码`],
  [new RegExp(`^${FIELD}: (.+) not a category$`), (m) => `${m[1]}：${m[2]} 不是已有的类别`],
  [
    new RegExp(`^${FIELD} must be a whole number from (\\d+) to (\\d+)$`),
    (m) => `${m[1]} 必须是 ${m[2]}–${m[3]} 之间的整数`,
  ],
  [
    new RegExp(`^${FIELD}\\.key must be a key \\(a-z, 0-9, _\\)$`),
    (m) => `${m[1]}.key 只能由小写字母、数字和 _ 组成`,
  ],
  [new RegExp(`^${FIELD}\\.key (\\S+) is used twice$`), (m) => `${m[1]}.key ${m[2]} 重复`],
  [
    new RegExp(`^${FIELD}\\.scope must be one of district, street, community, grid$`),
    (m) => `${m[1]}.scope 必须是 区、街道、社区、网格 之一`,
  ],
  [
    new RegExp(`^${FIELD}: (.+) cannot be both parent and child$`),
    (m) => `${m[1]}：${m[2]} 不能既是上级又是下级`,
  ],
];
