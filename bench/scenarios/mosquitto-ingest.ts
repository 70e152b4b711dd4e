/**
 * Ingest behind an external broker: a real Mosquitto, the real InfluxDB, and 1 then 2 ingest
 * processes (`ingest/src/main.ts`, GRIDSENSE_INGEST_INSTANCE n/N on $share). The paced QoS 1 load
 * generator sends a fixed number of readings to Mosquitto (which acknowledges at once and queues
 * what ingest has not taken yet); the figure is readings stored per second, from the first publish
 * until the last reading is found in InfluxDB, with every device's seqs counted there (zero loss).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  numberedSmokeDetectors,
  provisionIngestDataDir,
  startIngestProcess,
  type IngestProcess,
} from '../../tests/src/harness/ingest-process';
import { startMosquitto, type MosquittoInstance } from '../../tests/src/harness/mosquitto';
import { startChild, type Child } from '../lib/child';
import { countAll, countStored } from '../lib/influx';
import { startCpuMeter } from '../lib/proc-cpu';
import type { DeviceStep, StepResult } from '../load/load-types';

export interface MosquittoIngestRun {
  subscriber: 'pipelined' | 'mqtt.js (before)';
  processes: number;
  /** GRIDSENSE_INGEST_THREADS of each process: 1 runs the pipeline in a worker thread. */
  threads?: 0 | 1;
  /** Offered load (readings per second over all devices) and for how long. */
  rate: number;
  durationMs: number;
}

export interface MosquittoIngestPlan {
  /** Measured one after another, each on a fresh Mosquitto. */
  runs: MosquittoIngestRun[];
  devices: number;
  /** Mosquitto's max_inflight_messages: what one subscriber may hold unacknowledged. */
  maxInflight: number;
  /**
   * After each pipelined run: readings published while ingest is stopped (Mosquitto queues them
   * in ingest's persistent sessions), then drained by ingest started again. 0 skips it.
   */
  drainReadings: number;
}

/** Ingest draining a queue Mosquitto already holds: its own rate, without the generator's CPU. */
export interface DrainResult {
  queued: number;
  stored: number;
  lost: number;
  seqMismatches: number;
  /** From the first stored reading of the drain to the last. */
  storedPerS: number;
  /** CPU time per stored reading, in µs, over the drain: ingest (all processes), Mosquitto, influxd. */
  cpuUsPerReading: { ingest: number; mosquitto: number; influxd: number };
}

export interface MosquittoIngestResult {
  subscriber: MosquittoIngestRun['subscriber'];
  processes: number;
  threads: 0 | 1;
  sent: number;
  stored: number;
  lost: number;
  /** Devices whose stored seq range is not exactly the sent one. */
  seqMismatches: number;
  /** Seconds from the first publish until everything was stored (or stopped moving). */
  seconds: number;
  storedPerS: number;
  /** What the generator managed to send per second (Mosquitto acknowledges at once). */
  offeredPerS: number;
  drain?: DrainResult;
}

const POLL_MS = 250;
/** Give up once the stored count has not moved for this long. */
const STUCK_MS = 20_000;

/** Polls InfluxDB until `target` readings are stored or the count stops moving. */
async function waitStored(influxUrl: string, database: string, target: number) {
  const startCount = await countAll(influxUrl, database);
  let [stored, movedAt, doneAt] = [startCount, Date.now(), Date.now()];
  let firstMove: { at: number; count: number } | undefined;
  while (stored < target && Date.now() - movedAt < STUCK_MS) {
    await new Promise((wake) => setTimeout(wake, POLL_MS));
    const next = await countAll(influxUrl, database);
    if (next === stored) continue;
    firstMove ??= { at: Date.now(), count: next };
    [stored, movedAt, doneAt] = [next, Date.now(), Date.now()];
  }
  return { stored, doneAt, firstMove };
}

/** Every device's stored readings in its step's time range, against what it sent. */
async function checkDevices(influxUrl: string, database: string, perDevice: DeviceStep[]) {
  const active = perDevice.filter((d) => d.sent > 0);
  const counts = await countStored(
    influxUrl,
    database,
    Math.min(...active.map((d) => d.firstTs)),
    Math.max(...active.map((d) => d.lastTs)),
  );
  let [found, lost, seqMismatches] = [0, 0, 0];
  for (const device of active) {
    const seen = counts.get(device.id) ?? { count: 0, minSeq: -1, maxSeq: -1 };
    found += Math.min(seen.count, device.sent);
    lost += Math.max(0, device.sent - seen.count);
    if (seen.minSeq !== device.firstSeq || seen.maxSeq !== device.firstSeq + device.sent - 1) seqMismatches++;
  }
  return { found, lost, seqMismatches };
}

/**
 * Ingest stopped (its sessions stay on Mosquitto), `readings` published and queued, ingest started
 * again: the rate at which it empties the queue, and the CPU each process spent per reading.
 */
async function measureDrain(
  context: { mosquitto: MosquittoInstance; influxUrl: string; influxdPid?: number; database: string },
  ingests: IngestProcess[],
  publisher: Child<unknown>,
  readings: number,
  alreadyStored: number,
): Promise<DrainResult> {
  const { mosquitto, influxUrl, database } = context;
  for (const ingest of ingests) await ingest.stop();
  const step = await publisher.call<StepResult>('run', {
    rate: 20_000,
    durationMs: Math.ceil(readings / 20),
    maxInflight: 100,
    drainTimeoutMs: 30_000,
  });
  for (const ingest of ingests) await ingest.restart();
  const meter = startCpuMeter({
    ingest: ingests.map((i) => i.pid() ?? 0),
    mosquitto: mosquitto.pid,
    influxd: context.influxdPid ?? 0,
  });
  const meteredAt = performance.now();
  const waited = await waitStored(influxUrl, database, alreadyStored + step.sent);
  const shares = meter();
  const { found, lost, seqMismatches } = await checkDevices(influxUrl, database, step.perDevice);
  const first = waited.firstMove ?? { at: waited.doneAt, count: waited.stored };
  const seconds = Math.max(0.001, (waited.doneAt - first.at) / 1000);
  // The meter ran from the restart; CPU per reading is over everything stored meanwhile.
  const meteredMs = performance.now() - meteredAt;
  const perReading = (share: number | undefined) =>
    Math.round(((share ?? Number.NaN) * meteredMs * 1000) / Math.max(1, found));
  return {
    queued: step.sent,
    stored: found,
    lost,
    seqMismatches,
    storedPerS: Math.round((waited.stored - first.count) / seconds),
    cpuUsPerReading: {
      ingest: perReading(shares.ingest),
      mosquitto: perReading(shares.mosquitto),
      influxd: context.influxdPid ? perReading(shares.influxd) : Number.NaN,
    },
  };
}

async function measureOnce(
  mosquitto: MosquittoInstance,
  influx: BenchInflux,
  run: MosquittoIngestRun & { number: number },
  plan: MosquittoIngestPlan,
  log: (line: string) => void,
): Promise<MosquittoIngestResult> {
  const { processes } = run;
  const threads = run.threads ?? 0;
  const { url: influxUrl, pid: influxdPid } = influx;
  const database = `bench_mosquitto_${run.number}`;
  const devices = numberedSmokeDetectors(`bench-mq${run.number}`, plan.devices);
  const dirs: string[] = [];
  const ingests: IngestProcess[] = [];
  let publisher: Child<unknown> | undefined;
  try {
    for (let index = 1; index <= processes; index++) {
      const dir = await mkdtemp(join(tmpdir(), 'gridsense-bench-mq-'));
      dirs.push(dir);
      await provisionIngestDataDir(dir, devices);
      ingests.push(
        await startIngestProcess(
          dir,
          {
            MQTT_URL: mosquitto.url,
            INFLUX_URL: influxUrl,
            INFLUX_DATABASE: database,
            GRIDSENSE_INGEST_INSTANCE: `${index}/${processes}`,
            GRIDSENSE_INGEST_THREADS: String(threads),
            LOG_LEVEL: 'info',
          },
          run.subscriber === 'pipelined' ? undefined : 'bench/systems/ingest-mqttjs.ts',
        ),
      );
    }
    publisher = await startChild('bench/load/publisher.ts');
    await publisher.call('connect', { host: '127.0.0.1', port: mosquitto.port, devices, firstSeq: 1 });
    const started = Date.now();
    const step = await publisher.call<StepResult>('run', {
      rate: run.rate,
      durationMs: run.durationMs,
      maxInflight: 100,
      drainTimeoutMs: 30_000,
    });
    const offeredPerS = step.sent / (step.sendMs / 1000);
    log(
      `  ${processes} ingest: sent ${step.sent} in ${(step.sendMs / 1000).toFixed(1)} s, acked ${step.acked}`,
    );
    const { doneAt, stored } = await waitStored(influxUrl, database, step.sent);
    const seconds = (doneAt - started) / 1000;
    const { found, lost, seqMismatches } = await checkDevices(influxUrl, database, step.perDevice);
    const drain =
      run.subscriber === 'pipelined' && plan.drainReadings > 0
        ? await measureDrain(
            { mosquitto, influxUrl, influxdPid, database },
            ingests,
            publisher,
            plan.drainReadings,
            stored,
          )
        : undefined;
    return {
      subscriber: run.subscriber,
      processes,
      threads,
      sent: step.sent,
      stored: found,
      lost,
      seqMismatches,
      seconds,
      storedPerS: Math.round(found / seconds),
      offeredPerS: Math.round(offeredPerS),
      ...(drain ? { drain } : {}),
    };
  } finally {
    await publisher?.stop();
    for (const ingest of ingests) await ingest.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** The InfluxDB the bench writes to, and its pid when it is the bench's own (for its CPU). */
export interface BenchInflux {
  url: string;
  pid?: number;
}

/** Each process count in turn, on one Mosquitto (a database each in the given InfluxDB). */
export async function runMosquittoIngest(
  influx: BenchInflux,
  plan: MosquittoIngestPlan,
  log: (line: string) => void,
): Promise<MosquittoIngestResult[]> {
  const results: MosquittoIngestResult[] = [];
  for (const [i, run] of plan.runs.entries()) {
    // A fresh broker per count: no sessions or queues left from the one before.
    // Persistence as docker/mosquitto.conf has it (autosave every 10 s).
    const mosquitto = await startMosquitto({
      maxQueued: 0,
      maxInflight: plan.maxInflight,
      persistence: { autosaveIntervalS: 10 },
    });
    try {
      log(
        `mosquitto-ingest: ${run.subscriber}, ${run.processes} ingest process(es) ${pipelineOf(run.threads ?? 0)}, ${run.rate}/s offered for ${run.durationMs / 1000} s`,
      );
      results.push(await measureOnce(mosquitto, influx, { ...run, number: i + 1 }, plan, log));
      const last = results.at(-1)!;
      log(
        `  stored ${last.stored}/${last.sent} in ${last.seconds.toFixed(1)} s: ${last.storedPerS} readings/s, lost ${last.lost}, seq mismatches ${last.seqMismatches}`,
      );
    } finally {
      await mosquitto.stop();
    }
  }
  return results;
}

const pipelineOf = (threads: 0 | 1) => (threads === 1 ? 'worker thread' : "subscriber's loop");

/**
 * The mqtt.js subscriber with a short load (it stores a few hundred a second), then 1 and 2
 * pipelined processes, each with the pipeline in the subscriber's loop and in a worker thread.
 */
export function defaultMosquittoIngestPlan(quick: boolean): MosquittoIngestPlan {
  const [rate, durationMs] = quick ? [2_000, 2_000] : [20_000, 10_000];
  return {
    runs: [
      { subscriber: 'mqtt.js (before)', processes: 1, rate: quick ? 1_000 : 5_000, durationMs: 1_000 },
      ...([1, 2] as const).flatMap((processes) =>
        ([0, 1] as const).map((threads) => ({
          subscriber: 'pipelined' as const,
          processes,
          threads,
          rate,
          durationMs,
        })),
      ),
    ],
    devices: quick ? 20 : 200,
    maxInflight: 1_000,
    drainReadings: quick ? 2_000 : 200_000,
  };
}

export function formatMosquittoIngest(results: MosquittoIngestResult[], plan: MosquittoIngestPlan): string {
  const lines = [
    `Ingest behind Mosquitto (max_inflight_messages ${plan.maxInflight}), ${plan.devices} devices, QoS 1, into InfluxDB`,
    '| subscriber | ingest processes | pipeline | sent | offered/s | stored | lost | seconds to stored | stored readings/s |',
    '| ---------- | ---------------- | -------- | ---- | --------- | ------ | ---- | ----------------- | ----------------- |',
    ...results.map(
      (r) =>
        `| ${r.subscriber} | ${r.processes} | ${pipelineOf(r.threads)} | ${r.sent} | ${r.offeredPerS} | ${r.stored} | ${r.lost} | ${r.seconds.toFixed(1)} | ${r.storedPerS} |`,
    ),
  ];
  const drained = results.filter((r) => r.drain);
  if (drained.length > 0)
    lines.push(
      '',
      `Draining a queue Mosquitto holds (published while ingest was stopped, then ingest started): ingest's own rate, without the load generator's CPU`,
      '| ingest processes | pipeline | queued | stored | lost | stored readings/s | CPU µs per reading: ingest | Mosquitto | influxd |',
      '| ---------------- | -------- | ------ | ------ | ---- | ----------------- | -------------------------- | --------- | ------- |',
      ...drained.map(({ processes, threads, drain: d }) => {
        const cpu = d!.cpuUsPerReading;
        return `| ${processes} | ${pipelineOf(threads)} | ${d!.queued} | ${d!.stored} | ${d!.lost} | ${d!.storedPerS} | ${cpu.ingest} | ${cpu.mosquitto} | ${cpu.influxd} |`;
      }),
    );
  return lines.join('\n');
}
