/**
 * `npm run bench:replay` — how fast ingest replays its spool into InfluxDB once the store is back:
 * a spool of numbered batches (as group commits leave them during an outage) replayed one store
 * request per spooled batch, then many batches per request (what ingest does). Needs `influxd`.
 */
import {
  Spool,
  createDurableWriter,
  createInfluxStore,
  ingestMetrics,
  silentLog,
  type StoredItem,
} from '@gridsense/ingest';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startInfluxd } from '../tests/src/harness/influxd';

const { values } = parseArgs({
  options: {
    batches: { type: 'string', default: '2000' },
    'batch-size': { type: 'string', default: '20' },
    devices: { type: 'string', default: '500' },
  },
});
const batches = Number(values.batches);
const batchSize = Number(values['batch-size']);
const devices = Number(values.devices);

/** A spool holding `batches` batches of `batchSize` readings, each mode on its own time range. */
async function fillSpool(dir: string, start: number): Promise<Spool<StoredItem>> {
  const spool = await Spool.open<StoredItem>(dir, { maxBytes: 4 * 1024 ** 3 });
  let n = 0;
  for (let b = 0; b < batches; b++) {
    const items: StoredItem[] = [];
    for (let i = 0; i < batchSize; i++, n++) {
      const device = n % devices;
      items.push({
        kind: 'reading',
        value: {
          deviceId: `bench-${String(device).padStart(5, '0')}`,
          gridId: 'G01',
          deviceType: 'smoke_detector',
          ts: start + Math.floor(n / devices),
          seq: Math.floor(n / devices) + 1,
          metrics: { smoke: n % 100, battery: 80 },
        },
      });
    }
    await spool.append(items, Date.now());
  }
  return spool;
}

async function replay(url: string, replayMaxItems: number, start: number): Promise<number> {
  const dir = await mkdtemp(join(os.tmpdir(), 'gridsense-bench-replay-'));
  const store = await createInfluxStore({ url, database: 'bench_replay', maintainRollups: false });
  try {
    const spool = await fillSpool(dir, start);
    const began = performance.now();
    const writer = createDurableWriter({
      store,
      spool,
      now: Date.now,
      log: silentLog,
      metrics: ingestMetrics,
      onReplayRefused: () => {},
      replayMaxItems,
    });
    await writer.drained();
    const seconds = (performance.now() - began) / 1000;
    await writer.close();
    await spool.close();
    return (batches * batchSize) / seconds;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

const influxd = await startInfluxd();
try {
  const readings = batches * batchSize;
  console.log(
    `spool: ${batches} batches of ${batchSize} readings (${readings} readings, ${devices} devices)`,
  );
  const perBatch = await replay(influxd.url, 1, Date.UTC(2026, 0, 1));
  console.log(`one request per spooled batch: ${Math.round(perBatch)} readings/s`);
  const batched = await replay(influxd.url, 20_000, Date.UTC(2026, 0, 2));
  console.log(`many batches per request (ingest's default): ${Math.round(batched)} readings/s`);
  console.log(`ratio: ${(batched / perBatch).toFixed(1)}x`);
} finally {
  await influxd.stop();
}
