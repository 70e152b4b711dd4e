import { FairQueue } from './fair-queue';

interface Caller<T> {
  items: T[];
  /** Whose items these are (a device): when more wait than one write takes, each key gets turns. */
  key: string;
  resolve: (refused: T[]) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: callers hand in items and wait; items that arrive while a write is running are
 * written together in the next one, so durability costs one write per batch, not per item. An
 * idle batcher writes on the next turn of the event loop (no fixed delay at low load); a busy one
 * gathers up to `maxItems` per write. Batches are written one after another. When more wait than
 * one write takes, the write takes one caller per key in turn (each key's callers in arrival
 * order), so a key that handed in thousands of items does not fill every write ahead of the rest.
 */
export class WriteBatcher<T> {
  private pending: Caller<T>[] = [];
  private pendingItems = 0;
  private scheduled = false;
  private writing: Promise<void> | undefined;

  /** `write` resolves with the items it refused for good (neither stored nor to be retried). */
  constructor(
    private readonly write: (items: T[]) => Promise<T[]>,
    private readonly options: { maxItems: number },
  ) {}

  /** Resolves once the items are durable, with those of them refused for good; rejects if their batch failed. */
  add(items: T[], key = ''): Promise<T[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ items, key, resolve, reject });
      this.pendingItems += items.length;
      this.schedule();
    });
  }

  /** Resolves once everything added so far is written. */
  async flush(): Promise<void> {
    while (this.writing || this.pending.length > 0) {
      this.schedule();
      await this.writing;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private schedule(): void {
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    // setImmediate, not a timer: everything already parsed from the sockets joins this batch.
    setImmediate(() => {
      this.scheduled = false;
      this.writing = this.writeNext().finally(() => {
        this.writing = undefined;
        if (this.pending.length > 0) this.schedule();
      });
    });
  }

  private async writeNext(): Promise<void> {
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    // A loop, not flatMap: thousands of callers of one item each, at every write.
    const items: T[] = [];
    for (const caller of batch) for (const item of caller.items) items.push(item);
    try {
      const refused = new Set(await this.write(items));
      for (const b of batch) b.resolve(refused.size === 0 ? [] : b.items.filter((item) => refused.has(item)));
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }

  /**
   * Whole callers (a caller's items stay together) up to maxItems: all of them when they fit, the
   * common case; otherwise one per key in turn, stopping at the first that does not fit.
   */
  private takeBatch(): Caller<T>[] {
    if (this.pendingItems <= this.options.maxItems) {
      const all = this.pending;
      this.pending = [];
      this.pendingItems = 0;
      return all;
    }
    const turns = new FairQueue<Caller<T>>();
    for (const caller of this.pending) turns.push(caller.key, caller);
    const taken = new Set<Caller<T>>();
    let count = 0;
    for (let next = turns.shift(); next; next = turns.shift()) {
      if (taken.size > 0 && count + next.items.length > this.options.maxItems) break;
      taken.add(next);
      count += next.items.length;
    }
    // The batch in arrival order, as the store would have seen it without the turns.
    const batch: Caller<T>[] = [];
    const rest: Caller<T>[] = [];
    for (const caller of this.pending) (taken.has(caller) ? batch : rest).push(caller);
    this.pending = rest;
    this.pendingItems -= count;
    return batch;
  }
}
