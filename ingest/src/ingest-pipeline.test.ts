import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { RiskSignal } from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import { IntentJournal } from './intent-journal';
import { createIngestKit, type IngestKit } from './ingest-test-kit';
import { SeqBook } from './seq-book';

const T0 = Date.UTC(2025, 5, 1, 8);
const smoke = (seq: number | undefined, value = 1, ts?: number) => ({
  ...(ts === undefined ? {} : { ts }),
  ...(seq === undefined ? {} : { seq }),
  metrics: { smoke: value },
});

describe('ingest pipeline', () => {
  let kit: IngestKit;
  let clock = T0;
  afterEach(async () => {
    await kit?.cleanup();
  });
  const END = 4_102_444_800_000; // 2100: after any receive time these tests stamp
  const count = (deviceId = 'smoke-1') => kit.store.countReadings(deviceId, 0, END);
  // Rows, not distinct seqs: a duplicate stored twice would show here.
  const rows = async (deviceId = 'smoke-1') =>
    (
      await kit.store.range({ deviceId, metric: 'smoke', from: 0, to: END, windowMs: END, agg: 'count' })
    ).reduce((sum, w) => sum + w.value, 0);

  it('stores a repeated seq once even when the device omits ts (each copy would get a new receive time)', async () => {
    clock = T0;
    kit = await createIngestKit({ now: () => (clock += 1000) });
    expect(await kit.send('smoke-1', 'telemetry', smoke(1))).toMatchObject({
      outcome: 'accepted',
      stored: 1,
    });
    expect(await kit.send('smoke-1', 'telemetry', smoke(1))).toEqual({
      outcome: 'accepted',
      stored: 0,
      duplicates: 1,
    });
    await kit.send('smoke-1', 'telemetry', { readings: [smoke(2), smoke(2), smoke(1), smoke(3)] });

    expect(await rows()).toBe(3);
    expect(kit.ingest.counters()).toMatchObject({ readings: 3, duplicates: 3 });
    expect(kit.metrics.duplicates.get()).toBeDefined();
    expect((await kit.metrics.duplicates.get()).values[0]?.value).toBe(3);
  });

  it('waits for a copy in flight instead of writing a redelivery beside it', async () => {
    kit = await createIngestKit();
    const release = kit.store.hold();
    const first = kit.send('smoke-1', 'telemetry', smoke(7));
    await new Promise((resolve) => setTimeout(resolve, 10));
    const redelivery = kit.send('smoke-1', 'telemetry', smoke(7));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();

    expect(await first).toMatchObject({ stored: 1 });
    expect(await redelivery).toMatchObject({ stored: 0, duplicates: 1 });
    expect(await rows()).toBe(1);
  });

  it('evaluates a fresh reading before its group commit, once, and stores it even if a rule throws', async () => {
    const evaluated: (number | undefined)[] = [];
    const errors: unknown[] = [];
    kit = await createIngestKit({
      rules: {
        evaluateReading: (reading) => {
          evaluated.push(reading.seq);
          if (reading.seq === 3) throw new Error('a broken rule');
          return [{ ruleId: 'smoke-high', deviceId: reading.deviceId } as unknown as RiskSignal];
        },
        evaluateEvent: () => [],
      },
      onError: (error) => errors.push(error),
    });
    const release = kit.store.hold();
    const first = kit.send('smoke-1', 'telemetry', smoke(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The store has not answered, yet the risk is out: alerts do not wait for InfluxDB.
    expect(evaluated).toEqual([1]);
    expect(kit.published).toEqual(['risk.changed']);
    const redelivery = kit.send('smoke-1', 'telemetry', smoke(1));
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    expect(await first).toMatchObject({ stored: 1 });
    expect(await redelivery).toMatchObject({ stored: 0, duplicates: 1 });
    expect(evaluated).toEqual([1]);

    expect(await kit.send('smoke-1', 'telemetry', smoke(3))).toMatchObject({ stored: 1 });
    expect(errors).toEqual([new Error('a broken rule')]);
    expect(await count()).toBe(2);
  });

  it('counts gaps, and fills them when a late seq arrives', async () => {
    kit = await createIngestKit();
    for (const seq of [1, 2, 6]) await kit.send('smoke-1', 'telemetry', smoke(seq));
    await kit.send('smoke-2', 'telemetry', smoke(10));
    const stateOf = () => kit.seqs.takeDirty().find((r) => r.deviceId === 'smoke-1')?.state;
    expect(stateOf()).toMatchObject({ highest: 6, gaps: 3 });

    await kit.send('smoke-1', 'telemetry', smoke(4));
    expect(stateOf()).toMatchObject({ highest: 6, gaps: 2, duplicates: 0 });
    expect((await kit.metrics.seqGaps.get()).values[0]?.value).toBe(3);
  });

  it('keeps events and telemetry seqs apart', async () => {
    kit = await createIngestKit();
    await kit.send('cam-1', 'event', { seq: 1, type: 'fire_smoke' });
    await kit.send('cam-1', 'event', { seq: 1, type: 'fire_smoke' });
    expect(await kit.send('smoke-1', 'telemetry', smoke(1))).toMatchObject({ stored: 1 });
    expect(await kit.store.recentEvents('cam-1', 10)).toHaveLength(1);
  });

  it('rejects bad messages at once while the store is stuck, counting reason and payload excerpt', async () => {
    kit = await createIngestKit();
    const release = kit.store.hold();
    const good = kit.send('smoke-1', 'telemetry', smoke(1));
    const started = performance.now();
    const bad = await Promise.all([
      kit.send('smoke-2', 'telemetry', '{"metrics": {"smoke": 1'),
      kit.send('smoke-2', 'telemetry', smoke(2, 400)),
      kit.send('smoke-2', 'telemetry', { ts: T0 + 3_600_000 * 24 * 365 * 30, metrics: { smoke: 1 } }),
      kit.send('nobody', 'telemetry', smoke(1)),
    ]);
    const elapsed = performance.now() - started;
    release();
    await good;

    expect(bad.map((o) => (o.outcome === 'rejected' ? o.reason : o.outcome))).toEqual([
      'bad_json',
      'out_of_range',
      'future_ts',
      'bad_topic',
    ]);
    expect(elapsed).toBeLessThan(50);
    const tallies = kit.rejects.drain().filter((r) => r.deviceId === 'smoke-2');
    expect(tallies.map((r) => [r.reason, r.count, r.payload])).toEqual([
      ['bad_json', 1, '{"metrics": {"smoke": 1'],
      ['out_of_range', 1, '{"seq":2,"metrics":{"smoke":400}}'],
      ['future_ts', 1, expect.stringContaining('"ts":')],
    ]);
    expect(kit.activity.get('smoke-2')).toMatchObject({ messages: 3, rejects: 3, readings: 0 });
  });

  it('holds admissions past maxInFlight until earlier ones are durable', async () => {
    kit = await createIngestKit({ maxInFlight: 3 });
    const release = kit.store.hold();
    const sends = [1, 2, 3, 4, 5].map((seq) => kit.send('smoke-1', 'telemetry', smoke(seq)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(kit.ingest.status().inFlight).toEqual({ readings: 3, waiting: 2 });
    release();
    await Promise.all(sends);
    expect(kit.ingest.status().inFlight).toEqual({ readings: 0, waiting: 0 });
    expect(await count()).toBe(5);
  });

  it('spools while the store is down, acknowledges, and replays in order when it is back', async () => {
    kit = await createIngestKit();
    await kit.send('smoke-1', 'telemetry', smoke(1, 10, T0 + 1));
    kit.store.down = true;
    for (let seq = 2; seq <= 20; seq++) {
      expect(await kit.send('smoke-1', 'telemetry', smoke(seq, seq, T0 + seq))).toMatchObject({ stored: 1 });
    }
    expect(kit.ingest.status()).toMatchObject({ spooling: true, spool: { items: 19 } });
    expect(await count()).toBe(1);

    kit.store.down = false;
    await kit.ingest.drained();
    expect(kit.ingest.status()).toMatchObject({ spooling: false, spool: { items: 0, bytes: 0 } });
    expect(await count()).toBe(20);
    expect((await kit.store.latest('smoke-1')).smoke).toEqual({ ts: T0 + 20, value: 20 });
    const out = Object.fromEntries(
      (await kit.metrics.readingsOut.get()).values.map((v) => [v.labels.path, v.value]),
    );
    expect(out).toEqual({ store: 1, spool: 19, replay: 19 });
  });

  it('refuses for good only the point the store rejects, and stores the rest of its batch', async () => {
    kit = await createIngestKit();
    kit.store.refuse = (r) => r.metrics.smoke === 66;
    const release = kit.store.hold();
    const sends = [1, 2, 3, 4].map((seq) =>
      kit.send('smoke-1', 'telemetry', smoke(seq, seq === 3 ? 66 : seq)),
    );
    release();
    const outcomes = await Promise.all(sends);

    expect(outcomes.map((o) => (o.outcome === 'accepted' ? o.stored : o.outcome))).toEqual([1, 1, 0, 1]);
    expect(await count()).toBe(3);
    expect(kit.rejects.drain().map((r) => [r.reason, r.count])).toEqual([['store_refused', 1]]);
    // The refused seq is not marked stored: a corrected resend would be kept.
    expect(kit.seqs.classify('telemetry', 'smoke-1', 3).kind).toBe('new');
  });

  it('groups messages arriving together into one store write', async () => {
    kit = await createIngestKit();
    const release = kit.store.hold();
    const first = kit.send('smoke-1', 'telemetry', smoke(1));
    while (kit.store.writes === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    const rest = Array.from({ length: 50 }, (_, i) => kit.send('smoke-2', 'telemetry', smoke(i + 1)));
    release();
    await Promise.all([first, ...rest]);
    expect(kit.store.writes).toBe(2);
    expect(await count('smoke-2')).toBe(50);
  });

  it('after a crash, writes a redelivered seq again with the ts it was journaled with', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-journal-'));
    clock = T0;
    const now = () => (clock += 1000);
    const before = await createIngestKit({
      now,
      spoolDir: dir,
      journal: new IntentJournal(path.join(dir, 'intents')),
    });
    await before.send('smoke-1', 'telemetry', smoke(5));
    const firstTs = before.store.written[0]!.ts;
    await before.ingest.close(); // the seq state is never saved: as if the process died here

    const journal = new IntentJournal(path.join(dir, 'intents'));
    const seqs = new SeqBook();
    for (const i of journal.readLeftovers()) seqs.restoreIntent(i.stream, i.deviceId, i.seq, i.ts);
    kit = await createIngestKit({ now, spoolDir: dir, journal, seqs, store: before.store });
    expect(await kit.send('smoke-1', 'telemetry', smoke(5))).toMatchObject({ outcome: 'accepted' });
    expect(await kit.send('smoke-1', 'telemetry', smoke(6))).toMatchObject({ stored: 1 });

    expect(kit.store.written.map((r) => [r.seq, r.ts])).toEqual([
      [5, firstTs],
      [5, firstTs],
      [6, clock],
    ]);
    expect(await rows()).toBe(2);
    expect(kit.seqs.takeDirty().find((r) => r.deviceId === 'smoke-1')?.state).toMatchObject({
      gaps: 0,
      highest: 6,
    });
    await before.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  // A device faster than 1,000 ts-less readings/s runs its receive times ahead of the clock; a
  // restart must not hand out those times again, or new readings collide with stored ones.
  it.each(['the intent journal', 'the saved seq state'])(
    'keeps receive times increasing across a crash, learnt from %s',
    async (source) => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-stamps-'));
      const now = () => T0; // the clock stands still: every stamp after the first runs ahead
      const before = await createIngestKit({
        now,
        spoolDir: dir,
        journal: new IntentJournal(path.join(dir, 'intents')),
      });
      await before.send('smoke-1', 'telemetry', { readings: [smoke(1), smoke(2), smoke(undefined)] });
      await before.send('smoke-1', 'telemetry', smoke(undefined));
      expect(before.store.written.map((r) => r.ts)).toEqual([T0, T0 + 1, T0 + 2, T0 + 3]);
      const saved = before.seqs.takeDirty();
      await before.ingest.close(); // as if the process died here

      const seqs = new SeqBook();
      if (source === 'the saved seq state') {
        seqs.load(saved);
        await rm(path.join(dir, 'intents'), { recursive: true }); // as after a save: journal gone
      }
      const journal = new IntentJournal(path.join(dir, 'intents'));
      for (const i of journal.readLeftovers()) seqs.restoreIntent(i.stream, i.deviceId, i.seq, i.ts);
      kit = await createIngestKit({ now, spoolDir: dir, journal, seqs, store: before.store });
      expect(await kit.send('smoke-1', 'telemetry', smoke(3))).toMatchObject({ stored: 1 });
      await kit.send('smoke-1', 'telemetry', smoke(undefined));

      expect(kit.store.written.slice(4).map((r) => r.ts)).toEqual([T0 + 4, T0 + 5]);
      expect(await rows()).toBe(6);
      await before.cleanup();
      await rm(dir, { recursive: true, force: true });
    },
  );

  it('holds acknowledgements while the spool is full, and releases them once the store drains it', async () => {
    kit = await createIngestKit({ spoolMaxBytes: 600 }); // room for a few spooled batches
    kit.store.down = true;
    const outcomes: string[] = [];
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 12; i++) {
      // One message per group commit, as from a device that waits for each PUBACK.
      const send = kit
        .send('smoke-1', 'telemetry', smoke(i + 1, i, T0 + i))
        .then((o) => void outcomes.push(o.outcome));
      sends.push(send);
      await Promise.race([send, new Promise((resolve) => setTimeout(resolve, 20))]);
    }
    const held = kit.ingest.status();
    const acknowledgedWhileFull = outcomes.length;
    expect((await kit.metrics.spoolFull.get()).values[0]?.value).toBe(1);

    kit.store.down = false;
    await Promise.all(sends);
    await kit.ingest.drained();
    expect(held).toMatchObject({ spooling: true, spoolFull: true });
    expect(acknowledgedWhileFull).toBeLessThan(12);
    expect(outcomes).toHaveLength(12);
    expect(await count()).toBe(12);
    expect((await kit.metrics.spoolFull.get()).values[0]?.value).toBe(0);
  });

  // Beyond the 1,024-seq window an old seq resent was stored again with a new ts, and with its old
  // ts and another value it overwrote the stored one (21 became 66); after a reboot nothing was
  // deduplicated. Now a stored seq is a duplicate however old, and a reboot is announced.
  it('stores an old seq once however far behind, and starts afresh on an announced reboot', async () => {
    kit = await createIngestKit();
    for (let seq = 1; seq <= 30; seq++) await kit.send('smoke-1', 'telemetry', smoke(seq, seq, T0 + seq));
    await kit.send('smoke-1', 'telemetry', smoke(5000, 1, T0 + 5000));
    const valueAt = async (ts: number) =>
      (
        await kit.store.range({
          deviceId: 'smoke-1',
          metric: 'smoke',
          from: ts,
          to: ts + 1,
          windowMs: 1,
          agg: 'max',
        })
      )[0]?.value;
    expect(await kit.send('smoke-1', 'telemetry', smoke(21, 66, T0 + 21))).toMatchObject({
      stored: 0,
      duplicates: 1,
    });
    expect(await kit.send('smoke-1', 'telemetry', smoke(21, 21, T0 + 9000))).toMatchObject({
      stored: 0,
      duplicates: 1,
    });
    expect(await valueAt(T0 + 21)).toBe(21);
    expect(await rows()).toBe(31);
    // A seq never stored, however old, is still taken (a device catching up).
    expect(await kit.send('smoke-1', 'telemetry', smoke(40, 40, T0 + 40))).toMatchObject({ stored: 1 });

    // Rebooted without saying so: seq 1 again is, as the contract has it, a duplicate.
    expect(await kit.send('smoke-1', 'telemetry', smoke(1, 7, T0 + 10_000))).toMatchObject({ duplicates: 1 });
    await kit.send('smoke-1', 'status', { state: 'online', boot: 1 });
    expect(await kit.send('smoke-1', 'telemetry', smoke(1, 7, T0 + 10_001))).toMatchObject({ stored: 1 });
    expect(await kit.send('smoke-1', 'telemetry', smoke(1, 7, T0 + 10_002))).toMatchObject({ duplicates: 1 });
    // The same boot again (the retained status, redelivered) resets nothing.
    await kit.send('smoke-1', 'status', { state: 'online', boot: 1 });
    expect(await kit.send('smoke-1', 'telemetry', smoke(1, 7, T0 + 10_003))).toMatchObject({ duplicates: 1 });
    // What ingest wrote: the rebooted device's seq 1 once more, and the store keeps it beside the
    // first boot's seq 1 (it deduplicates by device, metric and time, not by seq).
    expect(kit.store.written.map((r) => `${r.seq}@${r.ts - T0}`).slice(-3)).toEqual([
      '5000@5000',
      '40@40',
      '1@10001',
    ]);
    expect(await valueAt(T0 + 1)).toBe(1);
    expect(await valueAt(T0 + 10_001)).toBe(7);
  });
});
