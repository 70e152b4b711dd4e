import {
  classifySeq,
  countDuplicate,
  createSeqState,
  deserializeSeqState,
  recordSeq,
  serializeSeqState,
  type SeqState,
  type SeqVerdict,
  type StoredSeqState,
} from './seq-tracker';

/** A device's telemetry and its events are numbered independently. */
export type SeqStream = 'telemetry' | 'event';

export interface SeqRow {
  deviceId: string;
  stream: SeqStream;
  state: StoredSeqState;
}

const keyOf = (stream: SeqStream, deviceId: string): string => `${stream}\u0000${deviceId}`;

/**
 * The seq state of every device stream, with the ones changed since the last save marked, so
 * persisting costs one row per active device, not one per device.
 */
export class SeqBook {
  private readonly states = new Map<string, { deviceId: string; stream: SeqStream; state: SeqState }>();
  private dirty = new Set<string>();

  private entry(stream: SeqStream, deviceId: string): SeqState {
    const key = keyOf(stream, deviceId);
    let entry = this.states.get(key);
    if (!entry) {
      entry = { deviceId, stream, state: createSeqState() };
      this.states.set(key, entry);
    }
    return entry.state;
  }

  classify(stream: SeqStream, deviceId: string, seq: number): SeqVerdict {
    return classifySeq(this.entry(stream, deviceId), seq);
  }

  /** Marks `seq` stored; returns how many seqs it newly skipped. */
  record(stream: SeqStream, deviceId: string, seq: number): number {
    this.dirty.add(keyOf(stream, deviceId));
    return recordSeq(this.entry(stream, deviceId), seq);
  }

  countDuplicate(stream: SeqStream, deviceId: string): void {
    countDuplicate(this.entry(stream, deviceId));
    this.dirty.add(keyOf(stream, deviceId));
  }

  /** The receive time for a message arriving `now`: later than every stamp handed out before. */
  nextStamp(stream: SeqStream, deviceId: string, now: number): number {
    return Math.max(now, this.entry(stream, deviceId).lastStamp + 1);
  }

  /** Stamps up to `last` are taken (a message's readings use consecutive ones). */
  takeStamps(stream: SeqStream, deviceId: string, last: number): void {
    const state = this.entry(stream, deviceId);
    if (last <= state.lastStamp) return;
    state.lastStamp = last;
    this.dirty.add(keyOf(stream, deviceId));
  }

  /**
   * After a crash, an intent of the journal: its ts is taken (no new stamp may equal it), and its
   * seq, if any, may or may not have been written. That seq counts as seen (no gap), but a
   * redelivery is written again with the journaled ts instead of being dropped.
   */
  restoreIntent(stream: SeqStream, deviceId: string, seq: number | undefined, ts: number): void {
    const state = this.entry(stream, deviceId);
    if (ts > state.lastStamp) state.lastStamp = ts;
    this.dirty.add(keyOf(stream, deviceId));
    if (seq === undefined || classifySeq(state, seq).kind === 'duplicate') return;
    recordSeq(state, seq, true);
    state.maybe.set(seq, ts);
  }

  load(rows: SeqRow[]): void {
    for (const row of rows) {
      this.states.set(keyOf(row.stream, row.deviceId), {
        deviceId: row.deviceId,
        stream: row.stream,
        state: deserializeSeqState(row.state),
      });
    }
  }

  /** The streams changed since the last call, as they are now. */
  takeDirty(): SeqRow[] {
    const rows: SeqRow[] = [];
    for (const key of this.dirty) {
      const entry = this.states.get(key);
      if (entry)
        rows.push({ deviceId: entry.deviceId, stream: entry.stream, state: serializeSeqState(entry.state) });
    }
    this.dirty = new Set();
    return rows;
  }

  /** Puts rows back as dirty (their save failed). */
  markDirty(rows: SeqRow[]): void {
    for (const row of rows) this.dirty.add(keyOf(row.stream, row.deviceId));
  }
}
