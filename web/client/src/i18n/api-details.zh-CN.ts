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

/** `a, b or c` → `A、B 或 C`, each code as its label. */
const orList = (first: string, last: string): string =>
  `${first.split(', ').map(codeLabel).join('、')} 或 ${codeLabel(last)}`;

/** `<field> <rest>`: a field path as the API names it (`bands[0].above`, `keys.auth`). */
const field = (rest: string): RegExp => new RegExp(String.raw`^([\w.[\]]+) ${rest}$`);

/** Validation details that say something particular about one field. */
export const FIELD_DETAILS_ZH_CN: readonly ApiMessagePattern[] = [
  [/^unknown field (\S+)$/, (m) => `未知字段 ${m[1]}`],

  [field('must be a device id'), (m) => `${m[1]} 必须是设备编号`],
  [
    field(String.raw`must be an id \(letters, digits, _ and -\)`),
    (m) => `${m[1]} 必须是编号（字母、数字、_ 和 -）`,
  ],
  [field('must be text of at most (\\d+) characters'), (m) => `${m[1]} 必须是不超过 ${m[2]} 个字符的文本`],
  [
    /^payload\.severity must be info, warning, critical or null \(resolved\)$/,
    () => 'payload.severity 必须是 info、warning、critical 或 null（已解除）',
  ],
];

/** The common shapes, `<field> is required`, `<field> must be one of …`: tried after all others. */
export const FIELD_SHAPES_ZH_CN: readonly ApiMessagePattern[] = [
  [field('is required'), (m) => `${m[1]} 为必填项`],
  [field('is required \\(≤ (\\d+) characters\\)'), (m) => `${m[1]} 为必填项（不超过 ${m[2]} 个字符）`],
  // Condition shapes are listed as `a, or b`.
  [
    field('must be one of:? (.+)'),
    (m) =>
      /^[\w-]+(?:, [\w-]+)*$/.test(m[2]!)
        ? `${m[1]} 必须是以下之一：${m[2]!.split(', ').map(codeLabel).join('、')}`
        : `${m[1]} 必须是以下之一：${m[2]!.split(', or ').join('；')}`,
  ],
  [field('must be ((?:[\\w-]+, )*[\\w-]+) or ([\\w-]+)'), (m) => `${m[1]} 必须是 ${orList(m[2]!, m[3]!)}`],
  [field('must be a string'), (m) => `${m[1]} 必须是文本`],
  [field('must be a number'), (m) => `${m[1]} 必须是数字`],
  [field('must be an object'), (m) => `${m[1]} 必须是对象`],
];
