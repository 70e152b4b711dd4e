import type { ApiText } from '@gridsense/core';
import { renderApiText } from './api-keyed-text';

/**
 * The keys the server sent with its English texts, by that English: a component holding only the
 * text (a detail under a field) still renders it from its key. The English of a key with its
 * parameters is always the same, so one entry per text is enough; the oldest go first.
 */
const KEYED_BY_ENGLISH = new Map<string, ApiText>();
const REMEMBERED_MAX = 500;

export function rememberApiText(english: string, text: ApiText | null | undefined): void {
  if (!text) return;
  KEYED_BY_ENGLISH.delete(english);
  KEYED_BY_ENGLISH.set(english, text);
  if (KEYED_BY_ENGLISH.size > REMEMBERED_MAX) KEYED_BY_ENGLISH.delete(KEYED_BY_ENGLISH.keys().next().value!);
}

/**
 * An API text in the console language `locale`: from its key when the server sent one, else the
 * text as written (a key this console does not know, or text stored before it was keyed). Apart
 * from the reactive `i18n` state, so tests can call it without a browser.
 */
export function apiTextIn(locale: string, text: string, keyed?: ApiText | null): string {
  const key = keyed ?? KEYED_BY_ENGLISH.get(text);
  const fromKey = key && (locale === 'zh-CN' || locale === 'en') ? renderApiText(locale, key) : undefined;
  return fromKey ?? text;
}
