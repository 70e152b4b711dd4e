import { ApiError } from './api';
import { errorText } from './errors';
import { sortDetails, type FieldErrors } from './field-details';
import { localizeApiText } from '../i18n/index.svelte';

export { NO_FIELD_ERRORS, type FieldErrors } from './field-details';

/** A failed save as form messages: validation details by field, anything else on top. */
export function fieldErrors(
  error: unknown,
  fields: readonly string[],
  aliases: Record<string, string> = {},
): FieldErrors {
  if (error instanceof ApiError && error.details?.length)
    return localized(sortDetails(error.details, fields, aliases));
  return { byField: {}, general: [errorText(error)] };
}

/** Translated only after sorting: details are sorted by the English field name they start with. */
function localized({ byField, general }: FieldErrors): FieldErrors {
  return {
    byField: Object.fromEntries(
      Object.entries(byField).map(([field, details]) => [field, details.map(localizeApiText)]),
    ),
    general: general.map(localizeApiText),
  };
}
