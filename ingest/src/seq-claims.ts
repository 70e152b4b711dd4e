import type { SeqStream } from './seq-book';

type Waiters = (() => void)[] | null;

/**
 * The seqs being written right now, so a redelivery waits for the first copy instead of racing it
 * into the store. Claiming costs one map entry under the device (no key string is built per
 * reading); a promise is made only when somebody has to wait.
 */
export class SeqClaims {
  private readonly byStream: Record<SeqStream, Map<string, Map<number, Waiters>>> = {
    telemetry: new Map(),
    event: new Map(),
  };

  isClaimed(stream: SeqStream, deviceId: string, seq: number): boolean {
    return this.byStream[stream].get(deviceId)?.has(seq) ?? false;
  }

  claim(stream: SeqStream, deviceId: string, seq: number): void {
    const devices = this.byStream[stream];
    let seqs = devices.get(deviceId);
    if (!seqs) devices.set(deviceId, (seqs = new Map()));
    seqs.set(seq, null);
  }

  /** Resolves once the claim on this seq is released. */
  released(stream: SeqStream, deviceId: string, seq: number): Promise<void> {
    return new Promise((resolve) => {
      const seqs = this.byStream[stream].get(deviceId);
      const waiters = seqs?.get(seq);
      if (!seqs || waiters === undefined) return resolve();
      if (waiters === null) seqs.set(seq, [resolve]);
      else waiters.push(resolve);
    });
  }

  release(stream: SeqStream, deviceId: string, claimed: readonly number[]): void {
    const devices = this.byStream[stream];
    const seqs = devices.get(deviceId);
    if (!seqs) return;
    for (const seq of claimed) {
      const waiters = seqs.get(seq);
      seqs.delete(seq);
      if (waiters) for (const wake of waiters) wake();
    }
    if (seqs.size === 0) devices.delete(deviceId);
  }
}
