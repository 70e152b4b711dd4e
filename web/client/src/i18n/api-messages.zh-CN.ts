import { DELIVERY_ERRORS_ZH_CN } from './api-delivery.zh-CN';

/**
 * 简体中文 for the one text the server still writes as English prose: why a delivery failed, stored
 * with the delivery as the other side answered. Error messages, validation details and the audit
 * chain's verdicts come as keys (`errors.zh-CN.ts`, decision 0031). A render may decline
 * (undefined) when a captured part has no translation, so the next pattern is tried.
 */
export type ApiMessagePattern = readonly [RegExp, (match: RegExpExecArray) => string | undefined];

/** In order: the first pattern that matches and renders wins. */
export const API_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [...DELIVERY_ERRORS_ZH_CN];

/** The Chinese for one API text, or undefined when no pattern knows it. */
export function translateApiText(text: string): string | undefined {
  for (const [pattern, render] of API_MESSAGES_ZH_CN) {
    const match = pattern.exec(text);
    const translated = match ? render(match) : undefined;
    if (translated !== undefined) return translated;
  }
  return undefined;
}
