import type { SeqStream } from './seq-book';

/**
 * The seqs being written right now, so a redelivery waits for the first copy instead of racing it
 * into the store. Claiming costs one map entry; a promise is made only when somebody has to wait.
 */
export class SeqClaims {
  private readonly claims = new Map<string, (() => void)[] | null>();

  static key(stream: SeqStream, deviceId: string, seq: number): string {
    return `${stream}\u0000${deviceId}\u0000${seq}`;
  }

  isClaimed(key: string): boolean {
    return this.claims.has(key);
  }

  claim(key: string): void {
    this.claims.set(key, null);
  }

  /** Resolves once the claim on `key` is released. */
  released(key: string): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.claims.get(key);
      if (waiters === undefined) return resolve();
      if (waiters === null) this.claims.set(key, [resolve]);
      else waiters.push(resolve);
    });
  }

  release(keys: readonly string[]): void {
    for (const key of keys) {
      const waiters = this.claims.get(key);
      this.claims.delete(key);
      if (waiters) for (const wake of waiters) wake();
    }
  }
}
