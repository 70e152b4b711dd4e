/**
 * Group commit: callers hand in items and wait; items arriving together are written in one call
 * (bounded by size and by a short delay), so durability costs one write per batch, not per item.
 */
export class WriteBatcher<T> {
  private pending: { items: T[]; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private pendingCount = 0;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly write: (items: T[]) => Promise<void>,
    private readonly options: { maxItems: number; maxDelayMs: number },
  ) {}

  /** Resolves once the items are written; rejects if their batch failed. */
  add(items: T[]): Promise<void> {
    if (items.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.pending.push({ items, resolve, reject });
      this.pendingCount += items.length;
      if (this.pendingCount >= this.options.maxItems) this.flushSoon(0);
      else this.flushSoon(this.options.maxDelayMs);
    });
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), delayMs);
  }

  /** Writes what is pending now; batches are written one after another, in order. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    this.pendingCount = 0;
    if (batch.length === 0) return this.writing;
    this.writing = this.writing.then(async () => {
      try {
        await this.write(batch.flatMap((b) => b.items));
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    });
    return this.writing;
  }
}
