import { afterEach, describe, expect, it } from 'vitest';
import { createIngestKit, createSwitchableStore, type IngestKit } from './ingest-test-kit';
import { SeqBook } from './seq-book';
import type { SeqHandover, SharedSeqIntent } from './seq-handover';
import { createEmbeddedStore } from './timeseries';

/** The shared half of the journal as Redis keeps it (broker/src/cluster-seq-handover.ts), in memory. */
function memoryHandover(): SeqHandover & { held: Map<string, SharedSeqIntent> } {
  const held = new Map<string, SharedSeqIntent>();
  const key = (i: { deviceId: string; stream: string; seq?: number }) => `${i.deviceId}|${i.stream}|${i.seq}`;
  return {
    held,
    share: (intents) => Promise.resolve(intents.forEach((i) => i.seq !== undefined && held.set(key(i), i))),
    forget: (intents) => Promise.resolve(intents.forEach((i) => held.delete(key(i)))),
    intentsOf: (deviceId) => Promise.resolve([...held.values()].filter((i) => i.deviceId === deviceId)),
  };
}

/** A device's readings without ts: each copy would get the receive time of the node storing it. */
const reading = (seq: number) => ({ seq, metrics: { battery: 80 } });

describe('a device taken over by another node after its node died mid-write (decision 0016)', () => {
  const kits: IngestKit[] = [];
  afterEach(async () => {
    for (const kit of kits.splice(0)) await kit.cleanup();
  });

  async function twoNodes() {
    const store = createSwitchableStore(createEmbeddedStore({ path: ':memory:' }));
    const handover = memoryHandover();
    let clock = 1_000_000;
    const now = () => clock;
    const first = await createIngestKit({ store, handover, now });
    const second = await createIngestKit({ store, handover, now, seqs: new SeqBook() });
    kits.push(first, second);
    return { store, handover, first, second, later: (ms: number) => (clock += ms) };
  }

  it('stores a redelivered reading with the ts the dead node journaled: one point, not two', async () => {
    const { store, handover, first, second, later } = await twoNodes();
    for (const seq of [1, 2, 3]) await first.send('smoke-1', 'telemetry', reading(seq));
    const firstStamps = store.written.map((r) => [r.seq, r.ts]);
    // The first node stored them and died before its PUBACKs and before saving its seq state:
    // the database holds nothing for the device, the shared intents hold all three.
    expect([...handover.held.keys()]).toEqual([
      'smoke-1|telemetry|1',
      'smoke-1|telemetry|2',
      'smoke-1|telemetry|3',
    ]);

    later(5_000);
    second.seqs.adopt('smoke-1', [], await handover.intentsOf('smoke-1'));
    for (const seq of [2, 3, 4]) await second.send('smoke-1', 'telemetry', reading(seq));

    const rewritten = store.written.slice(firstStamps.length).map((r) => [r.seq, r.ts]);
    expect(rewritten.slice(0, 2)).toEqual(firstStamps.slice(1));
    expect(rewritten[2]![0]).toBe(4);
    expect(rewritten[2]![1]).toBeGreaterThan(firstStamps[2]![1]!);
  });

  it('without the takeover the same redelivery gets new receive times (what the handover prevents)', async () => {
    const { store, first, second, later } = await twoNodes();
    for (const seq of [1, 2]) await first.send('smoke-1', 'telemetry', reading(seq));
    later(5_000);
    for (const seq of [1, 2]) await second.send('smoke-1', 'telemetry', reading(seq));
    const stamps = (seq: number) => store.written.filter((r) => r.seq === seq).map((r) => r.ts);
    expect(new Set(stamps(1)).size).toBe(2);
    expect(new Set(stamps(2)).size).toBe(2);
  });

  const fromBoot = (boot: number, seqs: number[], ts = 9_000): SharedSeqIntent[] =>
    seqs.map((seq) => ({ stream: 'telemetry', deviceId: 'smoke-1', seq, ts, boot }));

  it('takes the saved state when it is ahead (the device was elsewhere), keeping receive times handed out', () => {
    const seqs = new SeqBook();
    for (const seq of [1, 2, 3]) seqs.record('telemetry', 'smoke-1', seq);
    seqs.takeStamps('telemetry', 'smoke-1', 5_000);
    const elsewhere = new SeqBook();
    for (const seq of [1, 2, 3, 4, 5, 6]) elsewhere.record('telemetry', 'smoke-1', seq);
    seqs.adopt('smoke-1', elsewhere.takeDirty(), []);
    expect(seqs.classify('telemetry', 'smoke-1', 6)).toEqual({ kind: 'duplicate' });
    expect(seqs.classify('telemetry', 'smoke-1', 7)).toEqual({ kind: 'new' });
    expect(seqs.nextStamp('telemetry', 'smoke-1', 100)).toBe(5_001);
  });

  it('keeps what it holds when the saved row is an older copy of it (the device was here last)', () => {
    const seqs = new SeqBook();
    for (const seq of [1, 2]) seqs.record('telemetry', 'smoke-1', seq);
    const saved = seqs.takeDirty();
    for (const seq of [3, 4]) seqs.record('telemetry', 'smoke-1', seq);
    seqs.adopt('smoke-1', saved, []);
    expect(seqs.classify('telemetry', 'smoke-1', 4)).toEqual({ kind: 'duplicate' });
  });

  it("keeps a reboot this node saw over an older boot saved, and ignores the old boot's intents", () => {
    const seqs = new SeqBook();
    const before = new SeqBook();
    before.reboot('smoke-1', 3);
    for (let seq = 1; seq <= 5_000; seq++) before.record('telemetry', 'smoke-1', seq);
    seqs.reboot('smoke-1', 4);
    for (const seq of [1, 2]) seqs.record('telemetry', 'smoke-1', seq);
    seqs.adopt('smoke-1', before.takeDirty(), fromBoot(3, [4_999, 5_000]));
    // Not dropped as duplicates of the old boot, not restamped with its ts.
    expect(seqs.classify('telemetry', 'smoke-1', 3)).toEqual({ kind: 'new' });
    expect(seqs.classify('telemetry', 'smoke-1', 4_999)).toEqual({ kind: 'new' });
  });

  it('learns a reboot from the shared intents when the dead node never saved it', () => {
    const seqs = new SeqBook();
    const saved = new SeqBook();
    saved.reboot('smoke-1', 3);
    for (let seq = 1; seq <= 500; seq++) saved.record('telemetry', 'smoke-1', seq);
    seqs.adopt('smoke-1', saved.takeDirty(), [...fromBoot(3, [499]), ...fromBoot(4, [1, 2], 7_000)]);
    expect(seqs.bootOf('telemetry', 'smoke-1')).toBe(4);
    expect(seqs.classify('telemetry', 'smoke-1', 2)).toEqual({ kind: 'maybe', ts: 7_000 });
    expect(seqs.classify('telemetry', 'smoke-1', 3)).toEqual({ kind: 'new' });
  });
});
