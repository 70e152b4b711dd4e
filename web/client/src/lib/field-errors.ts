import { ApiError } from './api';
import { errorText } from './errors';
import { sortDetails, type FieldErrors } from './field-details';

export { NO_FIELD_ERRORS, type FieldErrors } from './field-details';

/** A failed save as form messages: validation details by field, anything else on top. */
export function fieldErrors(
  error: unknown,
  fields: readonly string[],
  aliases: Record<string, string> = {},
): FieldErrors {
  if (error instanceof ApiError && error.details?.length) return sortDetails(error.details, fields, aliases);
  return { byField: {}, general: [errorText(error)] };
}
