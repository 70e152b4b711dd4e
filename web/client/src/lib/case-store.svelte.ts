import type { CaseView } from '@gridsense/core';
import { api, ApiError } from './api';
import { errorText } from './errors';
import { keepsOfflineCopies, readCaseCopy, saveCaseCopy } from './offline-copies';
import { session } from './session.svelte';

export type CaseScope = 'open' | 'all';

/** Every case this user can see, kept current by `case:updated`; newest first in `list`. */
class CaseStore {
  byId = $state.raw<Record<string, CaseView>>({});
  /** The widest scope loaded so far; live updates keep it current afterwards. */
  scope = $state<CaseScope | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Set while the list shown is the phone's copy (offline): when that copy was fetched. */
  copyAsOf = $state<number | null>(null);
  list = $derived(Object.values(this.byId).sort((a, b) => b.openedAt - a.openedAt));
  #request = 0;
  #pending: { scope: CaseScope; promise: Promise<void> } | null = null;

  /** Loads `scope` unless an equal or wider scope is loaded or on its way (or `force`). */
  ensure(scope: CaseScope, force = false): Promise<void> {
    const covers = (have: CaseScope | null): boolean => have === 'all' || have === scope;
    if (!force && covers(this.scope)) return Promise.resolve();
    if (!force && this.#pending && covers(this.#pending.scope)) return this.#pending.promise;
    const promise = this.#load(scope, ++this.#request);
    this.#pending = { scope, promise };
    return promise;
  }

  async #load(scope: CaseScope, request: number): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const cases = await api.cases(scope);
      if (request !== this.#request) return;
      // A push that landed while the list was on its way may be newer than the list.
      const merged = cases.map((view): [string, CaseView] => {
        const stored = this.byId[view.id];
        return [view.id, stored && stored.updatedAt > view.updatedAt ? stored : view];
      });
      this.byId = Object.fromEntries(merged);
      this.scope = scope;
      this.copyAsOf = null;
      this.#keepCopy();
    } catch (error) {
      if (request !== this.#request) return;
      // Offline, a field worker's phone shows the copy it kept, saying as of when.
      const user = session.user;
      const copy =
        error instanceof ApiError && error.code === 'network' && user
          ? await readCaseCopy(user.id)
          : undefined;
      if (request !== this.#request) return;
      if (copy) {
        this.byId = Object.fromEntries(copy.cases.map((view) => [view.id, this.byId[view.id] ?? view]));
        this.scope = scope;
        this.copyAsOf = copy.savedAt;
      } else this.error = errorText(error);
    } finally {
      if (request === this.#request) {
        this.loading = false;
        this.#pending = null;
      }
    }
  }

  /** Reload whatever was loaded (after a reconnect, when updates may have been missed). */
  async refresh(): Promise<void> {
    if (this.scope) await this.ensure(this.scope, true);
  }

  /** Stores a newer view of a case; returns what was there before. */
  upsert(view: CaseView): CaseView | undefined {
    const previous = this.byId[view.id];
    if (previous && previous.updatedAt > view.updatedAt) return previous;
    this.byId = { ...this.byId, [view.id]: view };
    if (this.copyAsOf === null) this.#keepCopy();
    return previous;
  }

  /** A field worker's phone keeps what it was last told, for a reload without network. */
  #keepCopy(): void {
    const user = session.user;
    if (this.scope && user && keepsOfflineCopies(user)) saveCaseCopy(user.id, Object.values(this.byId));
  }

  clear(): void {
    this.#request++;
    this.#pending = null;
    this.byId = {};
    this.scope = null;
    this.loading = false;
    this.error = null;
    this.copyAsOf = null;
  }
}

export const caseStore = new CaseStore();
