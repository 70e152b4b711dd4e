import type { ApiText } from '@gridsense/core';
import { en } from './en';
import { ERROR_TERMS_EN, ERROR_TEXTS_EN } from './errors.en';
import { ERROR_TERMS_ZH_CN, ERROR_TEXTS_ZH_CN } from './errors.zh-CN';
import { zhCN } from './zh-CN';

type Locale = 'zh-CN' | 'en';

const TEXTS: Record<Locale, Record<string, string>> = { 'zh-CN': ERROR_TEXTS_ZH_CN, en: ERROR_TEXTS_EN };
/**
 * Where `{name:family}` finds its labels: the error texts' own terms (`fieldName.note`), then the
 * console's (`role.grid_worker`, `state.closed`).
 */
const LABELS: Record<Locale, Record<string, string>> = {
  'zh-CN': { ...(zhCN as Record<string, string>), ...ERROR_TERMS_ZH_CN },
  en: { ...(en as Record<string, string>), ...ERROR_TERMS_EN },
};
const LIST_JOINERS: Record<Locale, string> = { 'zh-CN': '、', en: ', ' };
/** `boundary：…`: a detail about a field its text does not name. */
const AT_SEPARATORS: Record<Locale, string> = { 'zh-CN': '：', en: ': ' };
/** `{values:code}`: a code of any of these families, as the option label a form shows for it. */
const CODE_FAMILIES = [
  'severity',
  'level',
  'state',
  'reason',
  'role',
  'noticeKind',
  'channelKind',
  'duty',
  'handler',
  'ruleKind',
  'deliveryTarget',
  'deviceType',
  'category',
  'reportKind',
  'place.kind',
];

function labelOf(labels: Record<string, string>, family: string, code: string): string | undefined {
  // A polygon's ring by index: 0 is the outer ring, the others are numbered holes.
  if (family === 'ring' && code !== '0') return labels['ring.hole']?.replace('{n}', code);
  if (family !== 'code') return labels[`${family}.${code}`];
  for (const each of CODE_FAMILIES)
    if (Object.hasOwn(labels, `${each}.${code}`)) return labels[`${each}.${code}`];
  return undefined;
}

/** A code as its label (`{role:role}`); a list of codes (`a, b, c`) label by label; else as sent. */
function labelled(locale: Locale, family: string, value: string): string {
  const labels = LABELS[locale];
  const one = (code: string) => labelOf(labels, family, code) ?? code;
  if (labelOf(labels, family, value) !== undefined || !value.includes(', ')) return one(value);
  return value.split(', ').map(one).join(LIST_JOINERS[locale]);
}

/** `{ms:seconds}`: milliseconds as seconds, to a tenth (10000 → 10, 300 → 0.3). */
const secondsOf = (ms: string): string => String(Math.round(Number(ms) / 100) / 10);

/**
 * A keyed API text in `locale`, or undefined when this console does not know the key (a newer
 * server), so the caller falls back to the English it was sent with.
 */
export function renderApiText(locale: Locale, text: ApiText): string | undefined {
  const template = Object.hasOwn(TEXTS[locale], text.key) ? TEXTS[locale][text.key] : undefined;
  if (template === undefined) return undefined;
  const params = text.params ?? {};
  const at = text.at === undefined ? '' : `${text.at}${AT_SEPARATORS[locale]}`;
  return (
    at +
    template.replace(/\{(\w+)(?::(\w+))?\}/g, (whole, name: string, family?: string) => {
      if (!Object.hasOwn(params, name)) return whole;
      const value = String(params[name]);
      if (family === 'seconds') return secondsOf(value);
      return family ? labelled(locale, family, value) : value;
    })
  );
}
