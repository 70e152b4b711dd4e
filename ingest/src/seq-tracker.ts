/**
 * Per-device `seq` bookkeeping of the device contract: a seq already stored is a duplicate (stored
 * once), a jump forward counts the skipped numbers as gaps (possible loss), and a skipped number
 * that arrives later fills its gap again.
 *
 * Each stream (a device's telemetry, or its events) keeps its highest stored seq and a bitmap of
 * the SEQ_WINDOW seqs below it, so memory per device is fixed (~130 bytes) whatever its history. A
 * seq older than the window cannot be checked; it is accepted and counted as `stale` (the stores
 * still keep it once when it repeats its `ts`).
 */
export const SEQ_WINDOW = 1024;

export interface SeqState {
  /** Highest seq stored, or -1 before the first. */
  highest: number;
  /** Bit (seq mod SEQ_WINDOW) is set when that seq in (highest − SEQ_WINDOW, highest] is stored. */
  window: Uint8Array;
  gaps: number;
  duplicates: number;
  stale: number;
  /**
   * Seqs that may or may not have reached the store before a crash (from the intent journal), with
   * the `ts` they were written with: a redelivery is written again with that `ts`, which both
   * stores treat as the same point, so it ends up stored exactly once either way.
   */
  maybe: Map<number, number>;
  /**
   * The latest receive time handed out for this stream (−1 before the first). Receive times are
   * unique per stream, 1 ms apart, and must stay so across a restart: a stream faster than
   * 1,000 readings/s runs ahead of the clock, and a fresh stamp equal to an old one would be the
   * same point in both stores (InfluxDB overwrites it, the embedded store keeps the first).
   */
  lastStamp: number;
}

export type SeqVerdict =
  { kind: 'new' } | { kind: 'duplicate' } | { kind: 'stale' } | { kind: 'maybe'; ts: number };

export function createSeqState(): SeqState {
  return {
    highest: -1,
    window: new Uint8Array(SEQ_WINDOW / 8),
    gaps: 0,
    duplicates: 0,
    stale: 0,
    maybe: new Map(),
    lastStamp: -1,
  };
}

const bit = (window: Uint8Array, seq: number): boolean =>
  ((window[(seq % SEQ_WINDOW) >> 3] ?? 0) & (1 << (seq % 8))) !== 0;

function setBit(window: Uint8Array, seq: number, on: boolean): void {
  const index = (seq % SEQ_WINDOW) >> 3;
  const mask = 1 << (seq % 8);
  window[index] = on ? (window[index] ?? 0) | mask : (window[index] ?? 0) & ~mask;
}

/** What storing `seq` would mean; changes nothing. */
export function classifySeq(state: SeqState, seq: number): SeqVerdict {
  const maybeTs = state.maybe.get(seq);
  if (maybeTs !== undefined) return { kind: 'maybe', ts: maybeTs };
  if (state.highest < 0 || seq > state.highest) return { kind: 'new' };
  if (seq <= state.highest - SEQ_WINDOW) return { kind: 'stale' };
  return bit(state.window, seq) ? { kind: 'duplicate' } : { kind: 'new' };
}

/**
 * Records `seq` as stored and returns how many seqs it newly skipped (0 unless it jumped ahead).
 * `restoring` replays seqs after a restart: it rebuilds the window without counting anything.
 */
export function recordSeq(state: SeqState, seq: number, restoring = false): number {
  state.maybe.delete(seq);
  if (state.highest < 0) {
    state.highest = seq;
    setBit(state.window, seq, true);
    return 0;
  }
  if (seq > state.highest) {
    const skipped = seq - state.highest - 1;
    if (!restoring) state.gaps += skipped;
    // Positions between the old and the new highest now stand for new seqs: clear them.
    if (skipped + 1 >= SEQ_WINDOW) state.window.fill(0);
    else for (let s = state.highest + 1; s < seq; s++) setBit(state.window, s, false);
    state.highest = seq;
    setBit(state.window, seq, true);
    for (const pending of state.maybe.keys()) if (pending <= seq - SEQ_WINDOW) state.maybe.delete(pending);
    return restoring ? 0 : skipped;
  }
  if (seq <= state.highest - SEQ_WINDOW) {
    if (!restoring) state.stale++;
    return 0;
  }
  if (bit(state.window, seq)) return 0;
  setBit(state.window, seq, true);
  // A late arrival fills a gap counted when a higher seq came first.
  if (!restoring && state.gaps > 0) state.gaps--;
  return 0;
}

export function countDuplicate(state: SeqState): void {
  state.duplicates++;
}

/** The state as stored between restarts (the window as base64). */
export interface StoredSeqState {
  highest: number;
  window: string;
  gaps: number;
  duplicates: number;
  stale: number;
  maybe: [number, number][];
  /** Absent in rows saved before stamps were kept. */
  lastStamp?: number;
}

export function serializeSeqState(state: SeqState): StoredSeqState {
  return {
    highest: state.highest,
    window: Buffer.from(state.window).toString('base64'),
    gaps: state.gaps,
    duplicates: state.duplicates,
    stale: state.stale,
    maybe: [...state.maybe],
    lastStamp: state.lastStamp,
  };
}

export function deserializeSeqState(stored: StoredSeqState): SeqState {
  const window = new Uint8Array(SEQ_WINDOW / 8);
  window.set(Buffer.from(stored.window, 'base64').subarray(0, window.length));
  return {
    highest: stored.highest,
    window,
    gaps: stored.gaps,
    duplicates: stored.duplicates,
    stale: stored.stale,
    maybe: new Map(stored.maybe),
    lastStamp: stored.lastStamp ?? -1,
  };
}
