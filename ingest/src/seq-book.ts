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
import type { Intent } from './intent-journal';

/** A saved state is ahead of a held one when it belongs to a later boot, or got further in the same one. */
function isAhead(saved: SeqState, held: SeqState): boolean {
  return saved.boot > held.boot || (saved.boot === held.boot && saved.highest > held.highest);
}

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

  /** The boot count a stream's seqs belong to (−1: none announced). */
  bootOf(stream: SeqStream, deviceId: string): number {
    return this.streams[stream].get(deviceId)?.state.boot ?? -1;
  }

  /**
   * A device that connected, perhaps coming from another node (decision 0016). Each stream takes
   * the saved state when it is ahead of what this node holds (a later boot, or a higher seq: the
   * device was elsewhere since), and keeps its own otherwise (it was here last; the saved row is
   * an older copy of it). Then the shared intents: a later boot among them means the device
   * rebooted after the save; those of the stream's boot go on top (restoreIntent).
   */
  adopt(deviceId: string, rows: SeqRow[], intents: readonly (Intent & { boot: number })[]): void {
    for (const stream of ['telemetry', 'event'] as const) {
      const entry = this.entryOf(stream, deviceId);
      const row = rows.find((r) => r.stream === stream && r.deviceId === deviceId);
      const saved = row ? deserializeSeqState(row.state) : undefined;
      if (saved && isAhead(saved, entry.state)) {
        // Receive times this node handed out stay taken (a reading without seq shares no intent).
        saved.lastStamp = Math.max(saved.lastStamp, entry.state.lastStamp);
        entry.state = saved;
        this.dirty.add(entry);
      }
      let latestBoot = -1;
      for (const intent of intents)
        if (intent.stream === stream) latestBoot = Math.max(latestBoot, intent.boot);
      if (resetForBoot(entry.state, latestBoot)) this.dirty.add(entry);
      for (const intent of intents)
        if (intent.stream === stream && intent.boot === entry.state.boot)
          this.restoreIntent(stream, deviceId, intent.seq, intent.ts);
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
