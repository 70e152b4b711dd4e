import type { SeqBook, SeqStream } from './seq-book';
import { SeqClaims } from './seq-claims';

export type Sequenced = { seq?: number; ts: number };

export interface Deduped<T> {
  fresh: T[];
  duplicates: number;
  /** The fresh seqs claimed: release them once their write has ended (and seqs are recorded). */
  claimed: number[];
  /** Seqs of this message seen so far (a batch may repeat one); only for batches. */
  seen: Set<number> | undefined;
}

/**
 * Drops what was already stored (by seq) and claims the rest, so a redelivery arriving while its
 * first copy is being written waits for that copy instead of racing it into the store.
 */
export class SeqDeduper {
  private readonly claims = new SeqClaims();

  constructor(
    private readonly seqs: SeqBook,
    private readonly onDuplicates: (stream: SeqStream, count: number) => void,
  ) {}

  /**
   * A seq journaled before a crash is written again with its journaled ts, so it stays one point
   * even when the device omitted ts. Synchronous unless a copy of one of the seqs is being
   * written: then it waits for that copy and goes on from there.
   */
  drop<T extends Sequenced>(
    stream: SeqStream,
    deviceId: string,
    items: T[],
    done: Deduped<T> = {
      fresh: [],
      duplicates: 0,
      claimed: [],
      seen: items.length > 1 ? new Set() : undefined,
    },
    start = 0,
  ): Deduped<T> | Promise<Deduped<T>> {
    for (let i = start; i < items.length; i++) {
      const item = items[i]!;
      const seq = item.seq;
      if (seq === undefined) {
        done.fresh.push(item);
        continue;
      }
      const repeated = done.seen?.has(seq) ?? false;
      if (!repeated && this.claims.isClaimed(stream, deviceId, seq))
        return this.claims
          .released(stream, deviceId, seq)
          .then(() => this.drop(stream, deviceId, items, done, i));
      const verdict = repeated ? ({ kind: 'duplicate' } as const) : this.seqs.classify(stream, deviceId, seq);
      done.seen?.add(seq);
      if (verdict.kind === 'duplicate') {
        done.duplicates++;
        this.seqs.countDuplicate(stream, deviceId);
        continue;
      }
      if (verdict.kind === 'maybe') item.ts = verdict.ts;
      this.claims.claim(stream, deviceId, seq);
      done.claimed.push(seq);
      done.fresh.push(item);
    }
    if (done.duplicates > 0) this.onDuplicates(stream, done.duplicates);
    return done;
  }

  release(stream: SeqStream, deviceId: string, claimed: readonly number[]): void {
    this.claims.release(stream, deviceId, claimed);
  }
}
