import { englishOf, type ApiText, type Problem } from '@gridsense/core';
import { apiTextIn } from './api-text';
import { en } from './en';
import { zhCN, type MessageKey, type Messages } from './zh-CN';
import type { DurationUnits } from '../lib/countdown';

export type { MessageKey } from './zh-CN';
export type Locale = 'zh-CN' | 'en';
export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
/** Each language names itself, so it can be found whatever is showing. */
export const LANGUAGE_NAMES: Record<Locale, string> = { 'zh-CN': '中文', en: 'English' };

const DICTIONARIES: Record<Locale, Messages> = { 'zh-CN': zhCN, en };
const STORAGE_KEY = 'gs_lang';

/** The language chosen on this device, else the browser's first of ours (zh-CN when neither). */
function storedLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  for (const tag of navigator.languages) {
    const language = tag.toLowerCase().split('-')[0];
    if (language === 'zh') return 'zh-CN';
    if (language === 'en') return 'en';
  }
  return 'zh-CN';
}

/** The current language; reading it inside a template or $derived makes that re-render on switch. */
export const i18n = $state<{ locale: Locale }>({ locale: storedLocale() });
document.documentElement.lang = i18n.locale;

export function setLocale(locale: Locale): void {
  i18n.locale = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

/** `t('deadline.left', { time: '2h' })` → "2h left"; `{name}` placeholders are replaced. */
export function t(key: MessageKey, params?: Record<string, string | number>): string {
  const text = DICTIONARIES[i18n.locale][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (match, name: string) => (name in params ? String(params[name]) : match));
}

/**
 * A message or detail the API sent in the current language, from its key when it came with one
 * (remembered from the response); re-renders on a switch.
 */
export function localizeApiText(text: string): string {
  return apiTextIn(i18n.locale, text);
}

/** An API message in the current language from the key it came with, else from its English. */
export function localizeKeyedApiText(text: string, keyed: ApiText | undefined): string {
  return apiTextIn(i18n.locale, text, keyed);
}

/** A problem a check shared with the server found (`parseGridBoundary`), in the current language. */
export function localizeProblem(problem: Problem): string {
  return typeof problem === 'string'
    ? apiTextIn(i18n.locale, problem)
    : apiTextIn(i18n.locale, englishOf(problem), problem);
}

function isKey(key: string): key is MessageKey {
  return key in zhCN;
}

/** For open-ended codes (categories, timeline actions): the translation if there is one, else raw. */
export function tOr(key: string, fallback: string): string {
  return isKey(key) ? t(key) : fallback;
}

export function categoryLabel(category: string): string {
  return tOr(`category.${category}`, category);
}

export function durationUnits(): DurationUnits {
  return { d: t('unit.d'), h: t('unit.h'), m: t('unit.m'), s: t('unit.s'), sep: t('unit.sep') };
}
