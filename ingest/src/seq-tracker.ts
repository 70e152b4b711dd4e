/**
 * Per-device `seq` bookkeeping of the device contract: a seq already stored is a duplicate (stored
 * once), a jump forward counts the skipped numbers as gaps (possible loss), and a skipped number
 * that arrives later fills its gap again.
 *
 * Each stream (a device's telemetry, or its events) keeps its highest stored seq, a bitmap of the
 * SEQ_WINDOW seqs below it, and below the window the seqs never stored as ranges (`holes`): every
 * other seq under the highest was stored, so an old seq resent is a duplicate however old it is.
 * Up to MAX_HOLES ranges are kept; past that the oldest is given up and the `floor` rises above
 * it: a seq at or under the floor cannot be checked, is accepted and counted as `stale`.
 *
 * A device whose seq starts again after a reboot says so with its boot count (README, "Device
 * contract"): a higher boot starts the stream afresh (`resetForBoot`).
 */
export const SEQ_WINDOW = 1024;
export const MAX_HOLES = 256;

export interface SeqState {
  /** Highest seq stored, or -1 before the first. */
  highest: number;
  /** Bit (seq mod SEQ_WINDOW) is set when that seq in (highest − SEQ_WINDOW, highest] is stored. */
  window: Uint8Array;
  /** Seqs at or under it cannot be checked (holes given up, or rows saved before holes were kept). */
  floor: number;
  /** Seqs under the window never stored, as inclusive ranges, oldest first. */
  holes: [number, number][];
  /** The device's boot count its seqs belong to, or −1 before any. */
  boot: number;
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
    floor: -1,
    holes: [],
    boot: -1,
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
  if (seq <= state.highest - SEQ_WINDOW) {
    if (seq <= state.floor) return { kind: 'stale' };
    return holeIndex(state.holes, seq) >= 0 ? { kind: 'new' } : { kind: 'duplicate' };
  }
  return bit(state.window, seq) ? { kind: 'duplicate' } : { kind: 'new' };
}

/** The index of the hole holding `seq`, or −1 (binary search: holes are sorted and apart). */
function holeIndex(holes: [number, number][], seq: number): number {
  let [low, high] = [0, holes.length - 1];
  while (low <= high) {
    const middle = (low + high) >> 1;
    const [from, to] = holes[middle]!;
    if (seq < from) high = middle - 1;
    else if (seq > to) low = middle + 1;
    else return middle;
  }
  return -1;
}

function addHole(state: SeqState, from: number, to: number): void {
  const last = state.holes.at(-1);
  if (last && last[1] + 1 === from) last[1] = to;
  else state.holes.push([from, to]);
  if (state.holes.length > MAX_HOLES) state.floor = Math.max(state.floor, state.holes.shift()![1]);
}

/** Seqs leaving the window as the highest moves from `state.highest` to `next` become holes unless stored. */
function slideWindow(state: SeqState, next: number): void {
  const [oldBottom, newBottom] = [state.highest - SEQ_WINDOW + 1, next - SEQ_WINDOW + 1];
  let runFrom = -1;
  const inWindowUntil = Math.min(state.highest, newBottom - 1);
  for (let s = Math.max(0, oldBottom); s <= inWindowUntil; s++) {
    if (!bit(state.window, s)) {
      if (runFrom < 0) runFrom = s;
    } else if (runFrom >= 0) {
      addHole(state, runFrom, s - 1);
      runFrom = -1;
    }
  }
  if (runFrom >= 0) addHole(state, runFrom, inWindowUntil);
  // Seqs skipped past the whole window were never in it.
  const skippedFrom = Math.max(0, state.highest + 1);
  if (newBottom - 1 >= skippedFrom) addHole(state, skippedFrom, newBottom - 1);
}

function fillHole(state: SeqState, seq: number): boolean {
  const index = holeIndex(state.holes, seq);
  if (index < 0) return false;
  const [from, to] = state.holes[index]!;
  const parts: [number, number][] = [];
  if (from < seq) parts.push([from, seq - 1]);
  if (seq < to) parts.push([seq + 1, to]);
  state.holes.splice(index, 1, ...parts);
  return true;
}

/** A new boot count starts the stream's seqs afresh; its counters and stamps carry on. */
export function resetForBoot(state: SeqState, boot: number): boolean {
  if (boot <= state.boot) return false;
  state.boot = boot;
  state.highest = -1;
  state.window.fill(0);
  state.floor = -1;
  state.holes = [];
  state.maybe.clear();
  return true;
}

/**
 * Records `seq` as stored and returns how many seqs it newly skipped (0 unless it jumped ahead).
 * `restoring` replays seqs after a restart: it rebuilds the window without counting anything.
 */
export function recordSeq(state: SeqState, seq: number, restoring = false): number {
  state.maybe.delete(seq);
  if (state.highest < 0) {
    slideWindow(state, seq);
    state.highest = seq;
    setBit(state.window, seq, true);
    return 0;
  }
  if (seq > state.highest) {
    const skipped = seq - state.highest - 1;
    slideWindow(state, seq);
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
    if (seq <= state.floor) {
      if (!restoring) state.stale++;
    } else if (fillHole(state, seq) && !restoring && state.gaps > 0) state.gaps--;
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
  /** Absent in rows saved before holes were kept: nothing under the window can be checked then. */
  floor?: number;
  holes?: [number, number][];
  boot?: number;
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
    floor: state.floor,
    holes: state.holes.map(([from, to]) => [from, to]),
    boot: state.boot,
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
    floor: stored.floor ?? stored.highest - SEQ_WINDOW,
    holes: (stored.holes ?? []).map(([from, to]) => [from, to]),
    boot: stored.boot ?? -1,
    gaps: stored.gaps,
    duplicates: stored.duplicates,
    stale: stored.stale,
    maybe: new Map(stored.maybe),
    lastStamp: stored.lastStamp ?? -1,
  };
}
