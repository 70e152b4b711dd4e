import { afterEach, describe, expect, it } from 'vitest';
import type { Intent } from './intent-journal';
import { createIngestKit, createSwitchableStore, type IngestKit } from './ingest-test-kit';
import { SeqBook } from './seq-book';
import type { SeqHandover } from './seq-handover';
import { createEmbeddedStore } from './timeseries';

/** The shared half of the journal as Redis keeps it (broker/src/cluster-seq-handover.ts), in memory. */
function memoryHandover(): SeqHandover & { held: Map<string, Intent> } {
  const held = new Map<string, Intent>();
  const key = (i: Intent) => `${i.deviceId}|${i.stream}|${i.seq}`;
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
    second.seqs.adopt('smoke-1', []);
    for (const intent of await handover.intentsOf('smoke-1'))
      second.seqs.restoreIntent(intent.stream, intent.deviceId, intent.seq, intent.ts);
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

  it('adopts what the database holds in place, keeping receive times already handed out', () => {
    const seqs = new SeqBook();
    for (const seq of [1, 2, 3]) seqs.record('telemetry', 'smoke-1', seq);
    seqs.takeStamps('telemetry', 'smoke-1', 5_000);
    const saved = new SeqBook();
    for (const seq of [1, 2, 3, 4, 5, 6]) saved.record('telemetry', 'smoke-1', seq);
    seqs.adopt('smoke-1', saved.takeDirty());
    expect(seqs.classify('telemetry', 'smoke-1', 6)).toEqual({ kind: 'duplicate' });
    expect(seqs.classify('telemetry', 'smoke-1', 7)).toEqual({ kind: 'new' });
    expect(seqs.nextStamp('telemetry', 'smoke-1', 100)).toBe(5_001);
    // Nothing saved for a stream: it starts fresh there.
    seqs.record('event', 'smoke-1', 9);
    seqs.adopt('smoke-1', []);
    expect(seqs.classify('event', 'smoke-1', 9)).toEqual({ kind: 'new' });
  });
});
