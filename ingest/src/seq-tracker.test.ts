import { describe, expect, it } from 'vitest';
import {
  MAX_HOLES,
  SEQ_WINDOW,
  resetForBoot,
  classifySeq,
  createSeqState,
  deserializeSeqState,
  recordSeq,
  serializeSeqState,
  type SeqState,
} from './seq-tracker';

/** Stores each seq in turn (new or late ones), counting duplicates as the pipeline does. */
function feed(seqs: number[], state: SeqState = createSeqState()): SeqState {
  for (const seq of seqs) {
    const verdict = classifySeq(state, seq);
    if (verdict.kind === 'duplicate') state.duplicates++;
    else recordSeq(state, seq);
  }
  return state;
}

describe('seq bookkeeping', () => {
  it.each<[string, number[], { highest: number; gaps: number; duplicates: number; stale: number }]>([
    ['in order', [1, 2, 3, 4], { highest: 4, gaps: 0, duplicates: 0, stale: 0 }],
    ['first seq is not a gap', [1000], { highest: 1000, gaps: 0, duplicates: 0, stale: 0 }],
    ['a jump counts the skipped seqs', [1, 2, 6], { highest: 6, gaps: 3, duplicates: 0, stale: 0 }],
    ['a late seq fills its gap', [1, 4, 2], { highest: 4, gaps: 1, duplicates: 0, stale: 0 }],
    ['both late seqs fill', [1, 4, 3, 2], { highest: 4, gaps: 0, duplicates: 0, stale: 0 }],
    ['a repeat is a duplicate', [1, 2, 2, 1], { highest: 2, gaps: 0, duplicates: 2, stale: 0 }],
    [
      'a repeated late seq is a duplicate once filled',
      [1, 4, 2, 2],
      { highest: 4, gaps: 1, duplicates: 1, stale: 0 },
    ],
    ['seq 0 is a seq', [0, 0, 1], { highest: 1, gaps: 0, duplicates: 1, stale: 0 }],
    [
      'older than the window and stored is still a duplicate',
      [1, SEQ_WINDOW + 5, 1],
      { highest: SEQ_WINDOW + 5, gaps: SEQ_WINDOW + 3, duplicates: 1, stale: 0 },
    ],
    [
      'older than the window and never stored fills its gap',
      [1, SEQ_WINDOW + 5, 2, 2],
      { highest: SEQ_WINDOW + 5, gaps: SEQ_WINDOW + 2, duplicates: 1, stale: 0 },
    ],
  ])('%s', (_name, seqs, expected) => {
    const state = feed(seqs);
    expect({
      highest: state.highest,
      gaps: state.gaps,
      duplicates: state.duplicates,
      stale: state.stale,
    }).toEqual(expected);
  });

  it('forgets positions that the window slid past, so a new seq there is not a false duplicate', () => {
    const state = feed([1, 2, 3]);
    recordSeq(state, 3 + SEQ_WINDOW - 1); // the window now starts at 3
    expect(classifySeq(state, 3).kind).toBe('duplicate');
    expect(classifySeq(state, 2).kind).toBe('duplicate'); // under the window now, and stored
    expect(classifySeq(state, 0).kind).toBe('new'); // never stored
    expect(classifySeq(state, 4).kind).toBe('new'); // same bit position as 4 + SEQ_WINDOW, never stored
    recordSeq(state, 2 * SEQ_WINDOW + 10); // jumps past the whole window
    expect(classifySeq(state, 2 * SEQ_WINDOW + 9).kind).toBe('new');
  });

  // Beyond the window an old seq resent used to be accepted again: stored twice with a new ts, or
  // overwriting the stored value with the same ts.
  it('keeps every stored seq a duplicate however far behind it is, and every gap open', () => {
    const state = feed([...Array.from({ length: 50 }, (_, i) => i + 1), 60, 5 * SEQ_WINDOW]);
    for (const old of [1, 21, 50, 60]) expect(classifySeq(state, old).kind).toBe('duplicate');
    for (const never of [0, 51, 59, 61, 5 * SEQ_WINDOW - 1])
      expect(classifySeq(state, never).kind).toBe('new');
    recordSeq(state, 55);
    expect(classifySeq(state, 55).kind).toBe('duplicate');
    expect([54, 56].map((seq) => classifySeq(state, seq).kind)).toEqual(['new', 'new']);
    expect(state.stale).toBe(0);
  });

  it('gives up the oldest gaps past MAX_HOLES: seqs at or under the floor are stale', () => {
    const state = createSeqState();
    for (let seq = 0; seq <= 2 * (MAX_HOLES + 10); seq += 2) recordSeq(state, seq);
    recordSeq(state, 10 * SEQ_WINDOW);
    expect(state.holes.length).toBeLessThanOrEqual(MAX_HOLES);
    expect(state.floor).toBeGreaterThan(0);
    expect(classifySeq(state, 1).kind).toBe('stale');
    expect(classifySeq(state, 2 * (MAX_HOLES + 10) - 1).kind).toBe('new');
    expect(classifySeq(state, 2 * (MAX_HOLES + 10)).kind).toBe('duplicate');
  });

  it('starts afresh on a higher boot count, and only then', () => {
    const state = feed([1, 2, 3, 2000]);
    expect(resetForBoot(state, 1)).toBe(true);
    expect(classifySeq(state, 1).kind).toBe('new');
    feed([1, 2], state);
    expect(classifySeq(state, 2).kind).toBe('duplicate');
    expect(resetForBoot(state, 1)).toBe(false); // the same boot again (a retained status)
    expect(resetForBoot(state, 0)).toBe(false);
    expect(classifySeq(state, 2).kind).toBe('duplicate');
  });

  it('reads rows saved before gaps were kept: nothing under the window can be checked', () => {
    const old = serializeSeqState(feed([1, 2000]));
    delete old.floor;
    delete old.holes;
    delete old.boot;
    const state = deserializeSeqState(old);
    expect(classifySeq(state, 1).kind).toBe('stale');
    expect(classifySeq(state, 1999).kind).toBe('new');
  });

  it('returns the newly skipped count from recordSeq', () => {
    const state = createSeqState();
    expect([5, 6, 9, 7, 20].map((seq) => recordSeq(state, seq))).toEqual([0, 0, 2, 0, 10]);
  });

  it('restoring rebuilds the window without counting gaps or stale seqs', () => {
    const state = createSeqState();
    for (const seq of [1, 5, 3]) recordSeq(state, seq, true);
    expect({ gaps: state.gaps, highest: state.highest }).toEqual({ gaps: 0, highest: 5 });
    expect(classifySeq(state, 3).kind).toBe('duplicate');
  });

  it('answers maybe (with the journaled ts) until the seq is recorded', () => {
    const state = createSeqState();
    state.maybe.set(7, 1234);
    expect(classifySeq(state, 7)).toEqual({ kind: 'maybe', ts: 1234 });
    recordSeq(state, 7);
    expect(classifySeq(state, 7).kind).toBe('duplicate');
  });

  it('survives serialization', () => {
    const state = feed([1, 2, 5, 5, 3, 3 * SEQ_WINDOW]);
    state.maybe.set(9, 99);
    const copy = deserializeSeqState(JSON.parse(JSON.stringify(serializeSeqState(state))));
    expect(copy).toEqual(state);
    expect(classifySeq(copy, 5).kind).toBe('duplicate');
    expect(classifySeq(copy, 4).kind).toBe('new');
  });
});
