/**
 * Bounds the readings admitted and not yet durable. When the store is slow, callers wait here in
 * arrival order, so their PUBACKs wait and the broker stops reading their sockets: memory stays
 * bounded and the slowdown reaches the devices instead of piling up in this process.
 */
export class InFlightLimiter {
  private used = 0;
  private readonly queue: { amount: number; admit: () => void }[] = [];

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`max in flight must be ≥ 1, got ${max}`);
  }

  /** Admits `amount` at once if it fits and nobody waits; otherwise admits nothing. */
  tryAcquire(amount: number): boolean {
    if (this.queue.length > 0 || !this.fits(amount)) return false;
    this.used += amount;
    return true;
  }

  /** Resolves once `amount` fits; an amount larger than max is admitted alone. */
  acquire(amount: number): Promise<void> {
    if (this.queue.length === 0 && this.fits(amount)) {
      this.used += amount;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.queue.push({ amount, admit: resolve }));
  }

  release(amount: number): void {
    this.used -= amount;
    while (this.queue.length > 0 && this.fits(this.queue[0]!.amount)) {
      const next = this.queue.shift()!;
      this.used += next.amount;
      next.admit();
    }
  }

  stats(): { readings: number; waiting: number } {
    return { readings: this.used, waiting: this.queue.length };
  }

  private fits(amount: number): boolean {
    return this.used === 0 || this.used + amount <= this.max;
  }
}
