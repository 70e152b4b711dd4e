import type { ApiMessagePattern } from './api-messages.zh-CN';
import { zhCN } from './zh-CN';

/** The dictionary families whose keys end in an API code (`severity.critical` → 严重). */
const CODE_FAMILIES = [
  'severity',
  'level',
  'state',
  'reason',
  'noticeKind',
  'channelKind',
  'duty',
  'handler',
  'ruleKind',
  'deliveryTarget',
  'deviceType',
  'category',
];

/** A code the API lists as allowed, as the option label the form shows for it; else as sent. */
export function codeLabel(code: string): string {
  const messages: Record<string, string> = zhCN;
  for (const family of CODE_FAMILIES) {
    const label = messages[`${family}.${code}`];
    if (label !== undefined) return label;
  }
  return code;
}

/** `<field> <rest>`: a field path as the API names it (`bands[0].above`, `keys.auth`). */
const field = (rest: string): RegExp => new RegExp(String.raw`^([\w.[\]]+) ${rest}$`);

/** Validation details that say something particular about one field. */
export const FIELD_DETAILS_ZH_CN: readonly ApiMessagePattern[] = [
  [/^unknown field (\S+)$/, (m) => `未知字段 ${m[1]}`],

  [field('must be text of at most (\\d+) characters'), (m) => `${m[1]} 必须是不超过 ${m[2]} 个字符的文本`],
];

/** The common shapes, `<field> is required`, `<field> must be one of …`: tried after all others. */
export const FIELD_SHAPES_ZH_CN: readonly ApiMessagePattern[] = [
  [field('is required \\(≤ (\\d+) characters\\)'), (m) => `${m[1]} 为必填项（不超过 ${m[2]} 个字符）`],
  // Condition shapes are listed as `a, or b`.
  [
    field('must be one of:? (.+)'),
    (m) =>
      /^[\w-]+(?:, [\w-]+)*$/.test(m[2]!)
        ? `${m[1]} 必须是以下之一：${m[2]!.split(', ').map(codeLabel).join('、')}`
        : `${m[1]} 必须是以下之一：${m[2]!.split(', or ').join('；')}`,
  ],
  [field('must be an object'), (m) => `${m[1]} 必须是对象`],
];
