import { DELIVERY_ERRORS_ZH_CN } from './api-delivery.zh-CN';

/**
 * 简体中文 for the two texts the server still writes as English prose: the audit chain's verdicts
 * (worked out when asked) and why a delivery failed (stored with the delivery, as the other side
 * answered). Error messages and validation details come as keys (`errors.zh-CN.ts`, decision 0031).
 * A render may decline (undefined) when a captured part has no translation, so the next pattern is
 * tried and nothing half-English is shown.
 */
export type ApiMessagePattern = readonly [RegExp, (match: RegExpExecArray) => string | undefined];

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

/** In order: the first pattern that matches and renders wins. */
export const API_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [...AUDIT_VERDICTS, ...DELIVERY_ERRORS_ZH_CN];

/** The Chinese for one API text, or undefined when no pattern knows it. */
export function translateApiText(text: string): string | undefined {
  for (const [pattern, render] of API_MESSAGES_ZH_CN) {
    const match = pattern.exec(text);
    const translated = match ? render(match) : undefined;
    if (translated !== undefined) return translated;
  }
  return undefined;
}
