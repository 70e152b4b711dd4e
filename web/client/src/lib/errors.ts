import { ApiError } from './api';
import { localizeKeyedApiText, t } from '../i18n/index.svelte';

/** What to tell the user: the server's own message in the current language, or a network/generic one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError)
    return error.code === 'network' ? t('error.network') : localizeKeyedApiText(error.message, error.text);
  return error instanceof Error && error.message ? error.message : t('error.generic');
}
