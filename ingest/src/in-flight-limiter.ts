import { FairQueue } from './fair-queue';

/**
 * Bounds the readings admitted and not yet durable. When the store is slow, callers wait here,
 * so their PUBACKs wait and the broker stops reading their sockets: memory stays bounded and the
 * slowdown reaches the devices instead of piling up in this process. Waiting callers are admitted
 * one per device in turn (each device's in its own order), so a device flooding messages takes
 * one freed slot in turn with every other device instead of every slot.
 */
export class InFlightLimiter {
  private used = 0;
  private readonly waiting = new FairQueue<{ amount: number; admit: () => void }>();

  constructor(private readonly max: number) {
    if (!(max >= 1)) throw new RangeError(`max in flight must be ≥ 1, got ${max}`);
  }

  /** Admits `amount` at once if it fits and nobody waits; otherwise admits nothing. */
  tryAcquire(amount: number): boolean {
    if (this.waiting.size > 0 || !this.fits(amount)) return false;
    this.used += amount;
    return true;
  }

  /** Resolves once `amount` fits and it is `deviceId`'s turn; an amount larger than max is admitted alone. */
  acquire(deviceId: string, amount: number): Promise<void> {
    if (this.tryAcquire(amount)) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(deviceId, { amount, admit: resolve }));
  }

  release(amount: number): void {
    this.used -= amount;
    // Strictly in turn: a large request whose turn it is waits for room rather than being passed.
    for (let next = this.waiting.peek(); next && this.fits(next.amount); next = this.waiting.peek()) {
      this.waiting.shift();
      this.used += next.amount;
      next.admit();
    }
  }

  stats(): { readings: number; waiting: number } {
    return { readings: this.used, waiting: this.waiting.size };
  }

  private fits(amount: number): boolean {
    return this.used === 0 || this.used + amount <= this.max;
  }
}
