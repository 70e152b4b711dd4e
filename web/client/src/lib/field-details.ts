/** The API's validation details sorted to the form fields they name, for inline messages. */
export interface FieldErrors {
  byField: Record<string, string[]>;
  /** Problems no field on the form owns, shown at the top. */
  general: string[];
}

export const NO_FIELD_ERRORS: FieldErrors = { byField: {}, general: [] };

/**
 * A detail belongs to the field it starts with (`"gridId must be a grid…"` → `gridId`);
 * `fields` is the form's field names, longest match first so `leadUserId` beats `lead`.
 * `aliases` maps other first words to a field (`{ region: 'regionId' }`).
 */
export function sortDetails(
  details: readonly string[],
  fields: readonly string[],
  aliases: Record<string, string> = {},
): FieldErrors {
  const ordered = [...fields].sort((a, b) => b.length - a.length);
  const result: FieldErrors = { byField: {}, general: [] };
  for (const detail of details) {
    const first = /^\w+/.exec(detail)?.[0] ?? '';
    const field = ordered.find((name) => new RegExp(`^${name}\\b`).test(detail)) ?? aliases[first];
    if (field) (result.byField[field] ??= []).push(detail);
    else result.general.push(detail);
  }
  return result;
}
