import type { ApiText, ApiTextKey, ApiTextParams } from '@gridsense/core';

/**
 * Why a delivery failed, in the delivery log's columns (migration 0038): the key and its
 * parameters in JSON, beside the English kept for logs and API clients.
 */
export function failureColumns(failure: ApiText | null): { key: string | null; params: string | null } {
  if (!failure) return { key: null, params: null };
  return { key: failure.key, params: failure.params ? JSON.stringify(failure.params) : null };
}

/**
 * The stored key and parameters as a text to render; null for none. A key this server does not
 * know (written by a newer one) is passed on as it is: the console falls back to the English.
 */
export function failureOfColumns(key: string | null, params: string | null): ApiText | null {
  if (key === null) return null;
  const parsed = params === null ? undefined : (JSON.parse(params) as ApiTextParams);
  return parsed ? { key: key as ApiTextKey, params: parsed } : { key: key as ApiTextKey };
}
