import { errorText } from './errors';

/**
 * What an admin section has open (an item's key, `new`, or nothing; one form at a time) and the
 * message of a failed delete. `onsaved` reloads the page's data after any change.
 */
export class AdminEditing {
  current = $state<string | null>(null);
  /** The failure, not its text, so the message follows a language switch. */
  #failure = $state.raw<{ error: unknown } | null>(null);
  readonly #onsaved: () => void;

  constructor(onsaved: () => void) {
    this.#onsaved = onsaved;
  }

  open = (key: string): void => {
    this.current = key;
  };

  close = (): void => {
    this.current = null;
  };

  /** Why the last delete failed, in the current language. */
  get error(): string | null {
    return this.#failure ? errorText(this.#failure.error) : null;
  }

  /** A form saved: close it and reload. */
  saved = (): void => {
    this.current = null;
    this.#onsaved();
  };

  /** Runs a delete; on success reloads, on failure shows why above the list. */
  async remove(action: () => Promise<unknown>): Promise<void> {
    this.#failure = null;
    try {
      await action();
      this.#onsaved();
    } catch (failure) {
      this.#failure = { error: failure };
    }
  }
}
