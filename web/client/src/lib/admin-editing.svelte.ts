import { errorText } from './errors';

/**
 * What an admin section has open (an item's key, `new`, or nothing; one form at a time) and the
 * message of a failed delete. `onsaved` reloads the page's data after any change.
 */
export class AdminEditing {
  current = $state<string | null>(null);
  error = $state<string | null>(null);
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

  /** A form saved: close it and reload. */
  saved = (): void => {
    this.current = null;
    this.#onsaved();
  };

  /** Runs a delete; on success reloads, on failure shows why above the list. */
  async remove(action: () => Promise<unknown>): Promise<void> {
    this.error = null;
    try {
      await action();
      this.#onsaved();
    } catch (failure) {
      this.error = errorText(failure);
    }
  }
}
