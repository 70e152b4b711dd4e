import type { DeviceTopic } from '@gridsense/core';
import type { UnpackedMessages } from './worker-protocol';

/** Messages handed to ingest per turn of the worker's loop. */
export const HAND_IN_SLICE = 500;

type Handle = (id: number, topic: DeviceTopic, payload: Buffer) => void;

/**
 * Device messages from the broker's thread, handed to ingest a slice per turn of the worker's
 * loop, in arrival order. Under load one post carries what the broker read in a turn, thousands
 * of messages; handed in at once they held the loop for tens of milliseconds (about 12 µs each),
 * and the answer of the store write in flight, with the PUBACKs it releases, waited behind them.
 * With devices that wait for their PUBACKs, that wait is the rate (docs/benchmarks.md, _Why the
 * threads wait_). The first slice of an idle queue goes at once: a lone reading waits for nothing.
 */
export class SlicedHandIn {
  private queue: UnpackedMessages[] = [];
  /** Position in the first batch of the queue. */
  private next = 0;
  private queued = 0;
  private scheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly handle: Handle,
    private readonly slice = HAND_IN_SLICE,
  ) {}

  /** Queues a post's messages; the first slice is handed in now unless earlier ones still wait. */
  push(batch: UnpackedMessages): void {
    if (batch.ids.length === 0) return;
    this.queue.push(batch);
    this.queued += batch.ids.length;
    if (!this.scheduled) this.handNext();
  }

  /** Messages queued and not yet handed in. */
  get waiting(): number {
    return this.queued;
  }

  /** Resolves once every message pushed so far is handed in. */
  idle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private handNext(): void {
    this.scheduled = false;
    let budget = this.slice;
    while (budget > 0 && this.queue.length > 0) {
      const { ids, topics, payloads } = this.queue[0]!;
      const end = Math.min(ids.length, this.next + budget);
      budget -= end - this.next;
      this.queued -= end - this.next;
      // Advanced before each call, so a handler that throws does not hand the same message twice.
      while (this.next < end) {
        const at = this.next++;
        this.handle(ids[at]!, topics[at]!, payloads[at]!);
      }
      if (this.next === ids.length) {
        this.queue.shift();
        this.next = 0;
      }
    }
    if (this.queued > 0) {
      this.scheduled = true;
      setImmediate(() => this.handNext());
      return;
    }
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
