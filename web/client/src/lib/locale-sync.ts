import { request } from './api';
import type { Locale } from '../i18n/index.svelte';

let sent: string | null = null;

/**
 * Tells the server the reader's language, in which it renders what it sends them (notices, push,
 * DingTalk/WeCom). Once per person and language; a failure is retried on the next change, and the
 * console itself never depends on it.
 */
export function rememberLocale(userId: string, locale: Locale): void {
  const key = `${userId}:${locale}`;
  if (sent === key) return;
  sent = key;
  request('PUT', '/api/me/locale', { locale }).catch(() => {
    sent = null;
  });
}
