import type { CaseView } from '@gridsense/core';
import { api } from './api';
import { errorText } from './errors';

export type CaseScope = 'open' | 'all';

/** Every case this user can see, kept current by `case:updated`; newest first in `list`. */
class CaseStore {
  byId = $state.raw<Record<string, CaseView>>({});
  /** The widest scope loaded so far; live updates keep it current afterwards. */
  scope = $state<CaseScope | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  list = $derived(Object.values(this.byId).sort((a, b) => b.openedAt - a.openedAt));
  #request = 0;

  /** Loads `scope` unless an equal or wider scope is already loaded (or `force`). */
  async ensure(scope: CaseScope, force = false): Promise<void> {
    if (!force && (this.scope === 'all' || this.scope === scope)) return;
    const request = ++this.#request;
    this.loading = true;
    this.error = null;
    try {
      const cases = await api.cases(scope);
      if (request !== this.#request) return;
      this.byId = Object.fromEntries(cases.map((view) => [view.id, view]));
      this.scope = scope;
    } catch (error) {
      if (request === this.#request) this.error = errorText(error);
    } finally {
      if (request === this.#request) this.loading = false;
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
    return previous;
  }

  clear(): void {
    this.#request++;
    this.byId = {};
    this.scope = null;
    this.loading = false;
    this.error = null;
  }
}

export const caseStore = new CaseStore();
