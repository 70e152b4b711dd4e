import { translateApiText } from './api-messages.zh-CN';

/**
 * An API text in the console language `locale`: the server writes English, so only Chinese needs
 * a catalog. Apart from the reactive `i18n` state, so tests can call it without a browser.
 */
export function apiTextIn(locale: string, text: string): string {
  return locale === 'zh-CN' ? (translateApiText(text) ?? text) : text;
}
