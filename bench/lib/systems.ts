/**
 * Starting each system under test, and counting what it kept of a step: InfluxDB for GridSense
 * and the Node-RED stack (the same influxd, a database each), the SQLite file of GridSense's
 * embedded time-series store, a QoS 1 subscriber for raw aedes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepResult } from '../load/load-types';
import type { SystemUnderTest, Verification } from '../scenarios/ingest';
import type { GridSenseArgs, GridSenseInfo } from '../systems/gridsense';
import type { NodeRedArgs } from '../systems/node-red';
import { startMosquitto } from '../../tests/src/harness/mosquitto';
import { startChild, type ChildOptions } from './child';
import { openEmbeddedCounter } from './embedded-count';
import { countAll, countStored, createDatabase } from './influx';
import { connectRaw, encodePuback, encodeSubscribe } from './mqtt-wire';
import type { BenchDevice } from '../load/load-types';
import type { CountStored, StoredCount } from './stored-count';

export interface SystemContext {
  influxUrl: string;
  devices: BenchDevice[];
  workDir: string;
  demoPassword: string;
  /** Mosquitto's max_queued_messages for the Node-RED stack (0 = no limit). */
  mosquittoMaxQueued: number;
  childOptions: (system: string) => ChildOptions;
}

const POLL_MS = 200;
/** Stop waiting once the stored count has not moved for this long. */
const QUIET_MS = 1500;
/** A backlog of a few minutes' load drains within this; longer is a system that is stuck. */
const IDLE_MAX_MS = 300_000;

function tally(
  step: StepResult,
  seen: (deviceId: string) => StoredCount | undefined,
): Verification & { complete: boolean } {
  let [stored, lost, seqMismatches] = [0, 0, 0];
  for (const device of step.perDevice) {
    if (device.sent === 0) continue;
    const found = seen(device.id) ?? { count: 0, minSeq: -1, maxSeq: -1 };
    stored += Math.min(found.count, device.sent);
    lost += Math.max(0, device.sent - found.count);
    const range = found.minSeq === device.firstSeq && found.maxSeq === device.firstSeq + device.sent - 1;
    if (found.count === device.sent && !range) seqMismatches++;
  }
  return { stored, lost, seqMismatches, settleMs: 0, complete: lost === 0 };
}

/** Polls `count` until nothing is missing, or nothing has moved for a while, or `settleMs` passed. */
async function settle(
  step: StepResult,
  settleMs: number,
  count: () => Promise<Verification & { complete: boolean }>,
): Promise<Verification> {
  const start = Date.now();
  let last = await count();
  let movedAt = Date.now();
  while (!last.complete && Date.now() - start < settleMs && Date.now() - movedAt < QUIET_MS) {
    await new Promise((wake) => setTimeout(wake, POLL_MS));
    const next = await count();
    if (next.stored !== last.stored) movedAt = Date.now();
    last = next;
  }
  const { stored, lost, seqMismatches } = last;
  return { stored, lost, seqMismatches, settleMs: Date.now() - start };
}

/** Resolves once `total` has not moved for QUIET_MS (or after IDLE_MAX_MS, a system that never stops). */
async function waitUnmoving(total: () => Promise<number>): Promise<void> {
  const start = Date.now();
  let [last, movedAt] = [await total(), Date.now()];
  while (Date.now() - movedAt < QUIET_MS && Date.now() - start < IDLE_MAX_MS) {
    await new Promise((wake) => setTimeout(wake, POLL_MS));
    const next = await total();
    if (next !== last) [last, movedAt] = [next, Date.now()];
  }
}

/** Waits until the database's telemetry count stops moving: a backlog upstream has drained. */
export const influxIdle = (url: string, database: string) => () =>
  waitUnmoving(() => countAll(url, database));

/** Counts a step's readings in a store per device by seq, waiting up to `settleMs` for stragglers. */
function storeVerifier(count: CountStored, settleMs: number) {
  return (step: StepResult) => {
    const active = step.perDevice.filter((d) => d.sent > 0);
    const from = Math.min(...active.map((d) => d.firstTs));
    const to = Math.max(...active.map((d) => d.lastTs));
    const deviceIds = active.map((d) => d.id);
    return settle(step, settleMs, async () => {
      const counts = await count(from, to, deviceIds);
      return tally(step, (id) => counts.get(id));
    });
  };
}

export const influxVerifier = (url: string, database: string, settleMs: number) =>
  storeVerifier((from, to) => countStored(url, database, from, to), settleMs);

async function startGridSenseChild(context: SystemContext, name: string, influx?: GridSenseArgs['influx']) {
  const devicesFile = join(context.workDir, 'bench-devices.json');
  await writeFile(devicesFile, JSON.stringify(context.devices), { mode: 0o600 });
  const args: GridSenseArgs = {
    ...(influx ? { influx } : {}),
    devicesFile,
    demoPassword: context.demoPassword,
  };
  const options = context.childOptions(name);
  const child = await startChild<GridSenseInfo>('bench/systems/gridsense.ts', {
    ...options,
    // As `npm start` runs it (package.json): a larger young generation, so the readings in flight
    // die young instead of being promoted and collected by full GCs.
    nodeFlags: [...(options.nodeFlags ?? []), '--max-semi-space-size=64'],
    args: [JSON.stringify(args)],
  });
  return child;
}

export async function startGridSense(context: SystemContext): Promise<SystemUnderTest> {
  const database = 'bench_gridsense';
  const child = await startGridSenseChild(context, 'gridsense', { url: context.influxUrl, database });
  return {
    name: 'gridsense',
    label: 'GridSense (aedes + ingest + rules + InfluxDB)',
    mqttPort: child.info.mqttPort,
    httpPort: child.info.httpPort,
    child,
    pids: { gridsense: child.pid },
    // A PUBACK already means "stored": anything missing now is lost.
    verify: influxVerifier(context.influxUrl, database, 2000),
    waitIdle: influxIdle(context.influxUrl, database),
    stop: () => child.stop(),
  };
}

/** GridSense as `npm start` runs it without INFLUX_URL: readings in the SQLite file in its data dir. */
export async function startGridSenseEmbedded(context: SystemContext): Promise<SystemUnderTest> {
  const child = await startGridSenseChild(context, 'gridsense-embedded');
  if (child.info.embeddedStoreFile === undefined) throw new Error('GridSense did not report its store file');
  const counter = openEmbeddedCounter(child.info.embeddedStoreFile);
  return {
    name: 'gridsense-embedded',
    label: 'GridSense, embedded time series (SQLite, no InfluxDB)',
    mqttPort: child.info.mqttPort,
    httpPort: child.info.httpPort,
    child,
    pids: { gridsense: child.pid },
    verify: storeVerifier(
      (from, to, deviceIds) => Promise.resolve(counter.countStored(from, to, deviceIds)),
      2000,
    ),
    waitIdle: () => waitUnmoving(() => Promise.resolve(counter.commitsSeen())),
    stop: async () => {
      // Before the child removes its data dir.
      counter.close();
      await child.stop();
    },
  };
}

export async function startNodeRedStack(context: SystemContext): Promise<SystemUnderTest> {
  const database = 'bench_nodered';
  await createDatabase(context.influxUrl, database);
  // Packaged defaults but the queue: its default of 1,000 drops what arrives while Node-RED is
  // that far behind (a 70 ms pause at 15,000 msg/s), so a user who needs zero loss lifts it.
  const mosquitto = await startMosquitto({ maxQueued: context.mosquittoMaxQueued, maxInflight: 20 });
  const args: NodeRedArgs = {
    mqttPort: mosquitto.port,
    influxPort: Number(new URL(context.influxUrl).port),
    database,
  };
  const child = await startChild('bench/systems/node-red.ts', {
    ...context.childOptions('node-red'),
    args: [JSON.stringify(args)],
  });
  return {
    name: 'node-red',
    label: 'Mosquitto 2 + Node-RED 4.1 flow + InfluxDB',
    mqttPort: mosquitto.port,
    child,
    pids: { mosquitto: mosquitto.pid, 'node-red': child.pid },
    // The join node holds up to 1 s, then the batch write: give it time before counting a loss.
    verify: influxVerifier(context.influxUrl, database, 8000),
    // With Mosquitto's queue unlimited a step it could not keep up with leaves a backlog there.
    waitIdle: influxIdle(context.influxUrl, database),
    stop: async () => {
      await child.stop();
      await mosquitto.stop();
    },
  };
}

const SEQ = /"seq":(\d+)/;

export async function startAedesRaw(context: SystemContext): Promise<SystemUnderTest> {
  const child = await startChild<{ mqttPort: number }>(
    'bench/systems/aedes-raw.ts',
    context.childOptions('aedes'),
  );
  const received = new Map<string, Set<number>>();
  let delivered = 0;
  const subscriber = await connectRaw(
    { host: '127.0.0.1', port: child.info.mqttPort },
    { clientId: 'bench-subscriber', clean: true, keepaliveS: 0 },
    (packet) => {
      if (packet.type !== 'publish') return;
      if (packet.qos > 0) subscriber.write(encodePuback(packet.packetId));
      const deviceId = packet.topic.split('/')[3] ?? '';
      const seq = Number(SEQ.exec(packet.payload.toString('latin1', 0, 64))?.[1]);
      let seqs = received.get(deviceId);
      if (!seqs) received.set(deviceId, (seqs = new Set()));
      seqs.add(seq);
      delivered++;
    },
  );
  subscriber.write(encodeSubscribe(1, 'gs/v1/+/+/telemetry', 1));
  await new Promise((wake) => setTimeout(wake, 200));
  return {
    name: 'aedes',
    label: 'raw aedes 1.x QoS 1 pass-through (publisher → broker → subscriber)',
    mqttPort: child.info.mqttPort,
    child,
    pids: { aedes: child.pid, subscriber: process.pid },
    verify: (step) =>
      settle(step, 3000, () => {
        const result = tally(step, (id) => {
          const seqs = received.get(id);
          const device = step.perDevice.find((d) => d.id === id);
          if (!seqs || !device) return undefined;
          let count = 0;
          for (let seq = device.firstSeq; seq < device.firstSeq + device.sent; seq++)
            if (seqs.has(seq)) count++;
          return { count, minSeq: device.firstSeq, maxSeq: device.firstSeq + device.sent - 1 };
        });
        return Promise.resolve(result);
      }).finally(() => received.clear()),
    waitIdle: () => waitUnmoving(() => Promise.resolve(delivered)),
    stop: async () => {
      subscriber.destroy();
      await child.stop();
    },
  };
}
