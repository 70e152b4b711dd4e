import { COHANDLE_MESSAGES_ZH_CN } from './api-cohandle.zh-CN';
import { DELIVERY_ERRORS_ZH_CN } from './api-delivery.zh-CN';
import { FIELD_DETAILS_ZH_CN, FIELD_SHAPES_ZH_CN } from './api-details.zh-CN';

/**
 * 简体中文 for the texts the API still writes as English prose: error messages and validation
 * details not yet keyed (keyed ones render from `errors.zh-CN.ts`; decision 0031). A render may
 * decline (undefined) when a captured part has no translation, so the next pattern is tried and
 * nothing half-English is shown. Field names, ids and codes are kept as sent.
 */
export type ApiMessagePattern = readonly [RegExp, (match: RegExpExecArray) => string | undefined];

/** What the API names by kind and id (`grid G07 not found`, `no channel ops-robot`). */
const THINGS: Record<string, string> = {
  rule: '规则',
  person: '人员',
  user: '用户',
  department: '部门',
  grid: '网格',
  region: '区域',
  device: '设备',
  case: '工单',
  category: '类别',
  parent: '上级类别',
  channel: '通知渠道',
  'dispatch rule': '派遣规则',
  'roster shift': '排班',
  warning: '预警',
};
const missing = (kind: string, id: string): string | undefined =>
  Object.hasOwn(THINGS, kind) ? `${THINGS[kind]} ${id} 不存在` : undefined;

/** Whole messages not yet keyed: things not found, conflicts and some of the case workflow's refusals. */
const MESSAGES: readonly ApiMessagePattern[] = [
  // 预警 (web/src/routes/warning.routes.ts, alerts/src/early-warning-service.ts)
  [/^severity must be one of ([\w, ]+)$/, (m) => `紧急程度须为 ${m[1]} 之一`],

  // 人工合并 (POST /api/cases/:id/merge)

  [/^(\w+) (\S+) (?:not found|does not exist)$/, (m) => missing(m[1]!, m[2]!)],

  [/^from must be before to, at most a year apart$/, () => 'from 必须早于 to，且相隔不超过一年'],
  [/^from and to must be epoch milliseconds$/, () => 'from 和 to 必须是毫秒时间戳'],
];

/** The audit chain's verdicts (`GET /api/audit/verify`); times stay as sent (ISO, UTC). */
const AUDIT_VERDICTS: readonly ApiMessagePattern[] = [
  [/^entry (\d+) is missing$/, (m) => `第 ${m[1]} 条缺失`],
  [/^does not link to the previous entry$/, () => '与上一条记录衔接不上'],
  [/^content does not match its hash$/, () => '内容与其哈希不符'],
  [/^differs from the entry anchored at (\S+)$/, (m) => `与 ${m[1]} 在数据库外锚定的记录不同`],
  [
    /^the chain ends at entry (\d+), but entry (\d+) was anchored at (\S+): its newest entries were removed$/,
    (m) => `链止于第 ${m[1]} 条，但第 ${m[2]} 条已于 ${m[3]} 锚定：最新的记录被删除了`,
  ],
  [
    /^the keyed chain starts at entry (\d+), but at entry (\d+) when anchored at (\S+)$/,
    (m) => `密钥链从第 ${m[1]} 条开始，但 ${m[3]} 锚定时从第 ${m[2]} 条开始`,
  ],
  [/^the start of the keyed chain is not recorded$/, () => '密钥链的起点没有记录'],
  [/^line (\d+) of the anchor file is not an anchor$/, (m) => `锚点文件第 ${m[1]} 行不是锚点`],
  [
    /^line (\d+) of the anchor file is not sealed with the audit key$/,
    (m) => `锚点文件第 ${m[1]} 行没有用审计密钥签名`,
  ],
];

function withField(name: string, message: string): string | undefined {
  const text = translateApiText(message);
  return text === undefined ? undefined : `${name}：${text}`;
}

/** `boundary: …`, `departmentId: …`: a field, then a message of its own. */
const PREFIXED: readonly ApiMessagePattern[] = [[/^([\w.[\]]+): (.+)$/, (m) => withField(m[1]!, m[2]!)]];

/** In order: the first pattern that matches and renders wins, so the specific come first. */
export const API_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  ...MESSAGES,
  ...COHANDLE_MESSAGES_ZH_CN,
  ...AUDIT_VERDICTS,
  ...DELIVERY_ERRORS_ZH_CN,
  ...FIELD_DETAILS_ZH_CN,
  ...FIELD_SHAPES_ZH_CN,
  ...PREFIXED,
];

/** The Chinese for one API text, or undefined when no pattern knows it. */
export function translateApiText(text: string): string | undefined {
  for (const [pattern, render] of API_MESSAGES_ZH_CN) {
    const match = pattern.exec(text);
    const translated = match ? render(match) : undefined;
    if (translated !== undefined) return translated;
  }
  return undefined;
}
