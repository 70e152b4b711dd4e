import { fieldErrors, NO_FIELD_ERRORS, type FieldErrors } from './field-errors';

/** A form's save in flight: `busy` while it runs, then the API's messages by field (or on top). */
export class FormSubmission {
  busy = $state(false);
  /** The last save's failure, kept rather than its text so the messages follow a language switch. */
  #failure = $state.raw<{ error: unknown } | null>(null);
  readonly #fields: readonly string[];
  readonly #aliases: Record<string, string>;
  errors: FieldErrors = $derived.by(() =>
    this.#failure ? fieldErrors(this.#failure.error, this.#fields, this.#aliases) : NO_FIELD_ERRORS,
  );

  /** `fields` and `aliases` as for `fieldErrors`: which detail belongs under which field. */
  constructor(fields: readonly string[], aliases: Record<string, string> = {}) {
    this.#fields = fields;
    this.#aliases = aliases;
  }

  /** The messages for one field, if the last save named it. */
  error = (field: string): string[] | undefined => this.errors.byField[field];

  async submit(save: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.#failure = null;
    try {
      await save();
    } catch (failure) {
      this.#failure = { error: failure };
    } finally {
      this.busy = false;
    }
  }
}
