import { fieldErrors, NO_FIELD_ERRORS, type FieldErrors } from './field-errors';

/** A form's save in flight: `busy` while it runs, then the API's messages by field (or on top). */
export class FormSubmission {
  busy = $state(false);
  errors = $state.raw<FieldErrors>(NO_FIELD_ERRORS);
  readonly #fields: readonly string[];
  readonly #aliases: Record<string, string>;

  /** `fields` and `aliases` as for `fieldErrors`: which detail belongs under which field. */
  constructor(fields: readonly string[], aliases: Record<string, string> = {}) {
    this.#fields = fields;
    this.#aliases = aliases;
  }

  /** The messages for one field, if the last save named it. */
  error = (field: string): string[] | undefined => this.errors.byField[field];

  async submit(save: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.errors = NO_FIELD_ERRORS;
    try {
      await save();
    } catch (failure) {
      this.errors = fieldErrors(failure, this.#fields, this.#aliases);
    } finally {
      this.busy = false;
    }
  }
}
