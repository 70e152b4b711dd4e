import { ApiError } from './api';
import { t } from '../i18n/index.svelte';

/** What to tell the user: the server's own message, or a translated network/generic one. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) return error.code === 'network' ? t('error.network') : error.message;
  return error instanceof Error && error.message ? error.message : t('error.generic');
}
