import {
  classifySeq,
  countDuplicate,
  createSeqState,
  deserializeSeqState,
  recordSeq,
  resetForBoot,
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

interface Entry {
  deviceId: string;
  stream: SeqStream;
  state: SeqState;
}

/**
 * The seq state of every device stream, with the ones changed since the last save marked, so
 * persisting costs one row per active device, not one per device. Looked up per stream, then
 * per device: every reading passes here several times, so no key is built per lookup.
 */
export class SeqBook {
  private readonly streams: Record<SeqStream, Map<string, Entry>> = {
    telemetry: new Map(),
    event: new Map(),
  };
  private dirty = new Set<Entry>();

  private entryOf(stream: SeqStream, deviceId: string): Entry {
    const devices = this.streams[stream];
    let entry = devices.get(deviceId);
    if (!entry) {
      entry = { deviceId, stream, state: createSeqState() };
      devices.set(deviceId, entry);
    }
    return entry;
  }

  private entry(stream: SeqStream, deviceId: string): SeqState {
    return this.entryOf(stream, deviceId).state;
  }

  private touch(stream: SeqStream, deviceId: string): SeqState {
    const entry = this.entryOf(stream, deviceId);
    this.dirty.add(entry);
    return entry.state;
  }

  classify(stream: SeqStream, deviceId: string, seq: number): SeqVerdict {
    return classifySeq(this.entry(stream, deviceId), seq);
  }

  /** Marks `seq` stored; returns how many seqs it newly skipped. */
  record(stream: SeqStream, deviceId: string, seq: number): number {
    return recordSeq(this.touch(stream, deviceId), seq);
  }

  countDuplicate(stream: SeqStream, deviceId: string): void {
    countDuplicate(this.touch(stream, deviceId));
  }

  /**
   * A device's status said it booted for the `boot`th time: a count above the one its seqs belong
   * to starts both its streams afresh (seqs count from anywhere again). The same count again (the
   * retained status, redelivered) changes nothing. Returns whether the streams were reset.
   */
  reboot(deviceId: string, boot: number): boolean {
    let reset = false;
    for (const stream of ['telemetry', 'event'] as const) {
      const entry = this.entryOf(stream, deviceId);
      if (boot <= entry.state.boot) continue;
      resetForBoot(entry.state, boot);
      this.dirty.add(entry);
      reset = true;
    }
    return reset;
  }

  /** The receive time for a message arriving `now`: later than every stamp handed out before. */
  nextStamp(stream: SeqStream, deviceId: string, now: number): number {
    return Math.max(now, this.entry(stream, deviceId).lastStamp + 1);
  }

  /** Stamps up to `last` are taken (a message's readings use consecutive ones). */
  takeStamps(stream: SeqStream, deviceId: string, last: number): void {
    if (last <= this.entry(stream, deviceId).lastStamp) return;
    this.touch(stream, deviceId).lastStamp = last;
  }

  /**
   * After a crash, an intent of the journal: its ts is taken (no new stamp may equal it), and its
   * seq, if any, may or may not have been written. That seq counts as seen (no gap), but a
   * redelivery is written again with the journaled ts instead of being dropped.
   */
  restoreIntent(stream: SeqStream, deviceId: string, seq: number | undefined, ts: number): void {
    const state = this.touch(stream, deviceId);
    if (ts > state.lastStamp) state.lastStamp = ts;
    if (seq === undefined || classifySeq(state, seq).kind === 'duplicate') return;
    recordSeq(state, seq, true);
    state.maybe.set(seq, ts);
  }

  /**
   * A device taken over from another node (decision 0016): its streams become what the database
   * holds (fresh when it holds nothing), in the same entries, so a save already queued writes the
   * new state. The intents shared since that state was saved go on top (restoreIntent).
   */
  adopt(deviceId: string, rows: SeqRow[]): void {
    for (const stream of ['telemetry', 'event'] as const) {
      const row = rows.find((r) => r.stream === stream && r.deviceId === deviceId);
      const entry = this.entryOf(stream, deviceId);
      const { lastStamp } = entry.state;
      entry.state = row ? deserializeSeqState(row.state) : createSeqState();
      // Receive times this node handed out stay taken (a reading without seq shares no intent).
      entry.state.lastStamp = Math.max(entry.state.lastStamp, lastStamp);
    }
  }

  load(rows: SeqRow[]): void {
    for (const row of rows) {
      this.streams[row.stream].set(row.deviceId, {
        deviceId: row.deviceId,
        stream: row.stream,
        state: deserializeSeqState(row.state),
      });
    }
  }

  /** The streams changed since the last call, as they are now. */
  takeDirty(): SeqRow[] {
    const rows: SeqRow[] = [];
    for (const entry of this.dirty)
      rows.push({ deviceId: entry.deviceId, stream: entry.stream, state: serializeSeqState(entry.state) });
    this.dirty = new Set();
    return rows;
  }

  /** Puts rows back as dirty (their save failed). */
  markDirty(rows: SeqRow[]): void {
    for (const row of rows) this.touch(row.stream, row.deviceId);
  }
}
