/**
 * Group commit: callers hand in items and wait; items that arrive while a write is running are
 * written together in the next one, so durability costs one write per batch, not per item. An
 * idle batcher writes on the next turn of the event loop (no fixed delay at low load); a busy one
 * gathers up to `maxItems` per write. Batches are written one after another, in arrival order.
 */
export class WriteBatcher<T> {
  private pending: { items: T[]; resolve: (refused: T[]) => void; reject: (error: unknown) => void }[] = [];
  private scheduled = false;
  private writing: Promise<void> | undefined;

  /** `write` resolves with the items it refused for good (neither stored nor to be retried). */
  constructor(
    private readonly write: (items: T[]) => Promise<T[]>,
    private readonly options: { maxItems: number },
  ) {}

  /** Resolves once the items are durable, with those of them refused for good; rejects if their batch failed. */
  add(items: T[]): Promise<T[]> {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
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
    const items = batch.flatMap((b) => b.items);
    try {
      const refused = new Set(await this.write(items));
      for (const b of batch) b.resolve(refused.size === 0 ? [] : b.items.filter((item) => refused.has(item)));
    } catch (error) {
      for (const b of batch) b.reject(error);
    }
  }

  /** Whole callers, oldest first, until maxItems is reached (a caller's items stay together). */
  private takeBatch(): typeof this.pending {
    let count = 0;
    let take = 0;
    while (
      take < this.pending.length &&
      (take === 0 || count + this.pending[take]!.items.length <= this.options.maxItems)
    ) {
      count += this.pending[take]!.items.length;
      take++;
    }
    return this.pending.splice(0, take);
  }
}
