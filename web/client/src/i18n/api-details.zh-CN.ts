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

/** `<field> must be a list of …`, by what the list must hold. */
const LIST_OF: Record<string, string> = {
  'user ids': '必须是用户 id 列表',
  'photo URLs': '必须是照片地址列表',
  'ISO weekdays 1–7': '必须是 ISO 星期（1–7）列表',
  'YYYY-MM-DD dates': '必须是 YYYY-MM-DD 格式的日期列表',
  'handler references': '必须是处置部门或人员列表',
  'rule ids or event types': '必须是规则 id 或事件类型列表',
  positions: '必须是坐标点列表',
};

/** `<field> <rest>`: a field path as the API names it (`bands[0].above`, `keys.auth`). */
const field = (rest: string): RegExp => new RegExp(String.raw`^([\w.[\]]+) ${rest}$`);

function listOf(name: string, items: string): string | undefined {
  if (Object.hasOwn(LIST_OF, items)) return `${name} ${LIST_OF[items]}`;
  // A list of codes (`opened, assigned, …`): by their labels.
  return /^[\w-]+(?:, [\w-]+)*$/.test(items)
    ? `${name} 必须是由 ${items.split(', ').map(codeLabel).join('、')} 组成的列表`
    : undefined;
}

/** Validation details that say something particular about one field. */
export const FIELD_DETAILS_ZH_CN: readonly ApiMessagePattern[] = [
  [/^unknown category (\S+)$/, (m) => `未知类别 ${m[1]}`],
  [/^subcategory (\S+) is not under (\S+)$/, (m) => `子类 ${m[1]} 不属于 ${m[2]}`],
  [/^type (\S+) is not under a subcategory$/, (m) => `类型 ${m[1]} 须属于某个子类`],
  [/^type (\S+) is not under (\S+)$/, (m) => `类型 ${m[1]} 不属于 ${m[2]}`],
  [/^unknown field (\S+)$/, (m) => `未知字段 ${m[1]}`],

  [field('must be a device id'), (m) => `${m[1]} 必须是设备编号`],
  [
    field(String.raw`must be an id \(letters, digits, _ and -\)`),
    (m) => `${m[1]} 必须是编号（字母、数字、_ 和 -）`,
  ],
  [field('must be text of at most (\\d+) characters'), (m) => `${m[1]} 必须是不超过 ${m[2]} 个字符的文本`],
  [field('must be a number of minutes ≥ (\\d+)'), (m) => `${m[1]} 必须是不少于 ${m[2]} 的分钟数`],
  [field('must be a span like (.+) or (\\w+)'), (m) => `${m[1]} 必须是时限，如 ${orList(m[2]!, m[3]!)}`],
  [
    field('must be 1–3 dotted lower_snake_case parts'),
    (m) => `${m[1]} 必须由 1–3 段以点分隔的 lower_snake_case 组成`,
  ],
  [
    /^level must be category, subcategory or type for this key$/,
    () => 'level 必须是 category、subcategory 或 type',
  ],
  [/^level must be (\w+) for this key$/, (m) => `此 key 的 level 必须是 ${m[1]}`],
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
  [field('must be a list of (.+)'), (m) => listOf(m[1]!, m[2]!)],
  [field('must be a string'), (m) => `${m[1]} 必须是文本`],
  [field('must be a number'), (m) => `${m[1]} 必须是数字`],
  [field('must be an object'), (m) => `${m[1]} 必须是对象`],
];
