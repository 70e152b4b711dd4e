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
import type { StepResult } from '../load/load-types';

export interface MosquittoIngestRun {
  subscriber: 'pipelined' | 'mqtt.js (before)';
  processes: number;
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
}

export interface MosquittoIngestResult {
  subscriber: MosquittoIngestRun['subscriber'];
  processes: number;
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
}

const POLL_MS = 250;
/** Give up once the stored count has not moved for this long. */
const STUCK_MS = 20_000;

async function measureOnce(
  mosquitto: MosquittoInstance,
  influxUrl: string,
  run: MosquittoIngestRun & { number: number },
  plan: MosquittoIngestPlan,
  log: (line: string) => void,
): Promise<MosquittoIngestResult> {
  const { processes } = run;
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
    let [stored, movedAt, doneAt] = [0, Date.now(), Date.now()];
    while (stored < step.sent && Date.now() - movedAt < STUCK_MS) {
      await new Promise((wake) => setTimeout(wake, POLL_MS));
      const next = await countAll(influxUrl, database);
      if (next !== stored) [stored, movedAt, doneAt] = [next, Date.now(), Date.now()];
    }
    const seconds = (doneAt - started) / 1000;
    const active = step.perDevice.filter((d) => d.sent > 0);
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
      if (seen.minSeq !== device.firstSeq || seen.maxSeq !== device.firstSeq + device.sent - 1)
        seqMismatches++;
    }
    return {
      subscriber: run.subscriber,
      processes,
      sent: step.sent,
      stored: found,
      lost,
      seqMismatches,
      seconds,
      storedPerS: Math.round(found / seconds),
      offeredPerS: Math.round(offeredPerS),
    };
  } finally {
    await publisher?.stop();
    for (const ingest of ingests) await ingest.stop();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  }
}

/** Each process count in turn, on one Mosquitto (a database each in the given InfluxDB). */
export async function runMosquittoIngest(
  influxUrl: string,
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
        `mosquitto-ingest: ${run.subscriber}, ${run.processes} ingest process(es), ${run.rate}/s offered for ${run.durationMs / 1000} s`,
      );
      results.push(await measureOnce(mosquitto, influxUrl, { ...run, number: i + 1 }, plan, log));
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

/** The mqtt.js subscriber with a short load (it stores a few hundred a second), then 1 and 2 pipelined. */
export function defaultMosquittoIngestPlan(quick: boolean): MosquittoIngestPlan {
  const [rate, durationMs] = quick ? [2_000, 2_000] : [20_000, 10_000];
  return {
    runs: [
      { subscriber: 'mqtt.js (before)', processes: 1, rate: quick ? 1_000 : 5_000, durationMs: 1_000 },
      { subscriber: 'pipelined', processes: 1, rate, durationMs },
      { subscriber: 'pipelined', processes: 2, rate, durationMs },
    ],
    devices: quick ? 20 : 200,
    maxInflight: 1_000,
  };
}

export function formatMosquittoIngest(results: MosquittoIngestResult[], plan: MosquittoIngestPlan): string {
  const lines = [
    `Ingest behind Mosquitto (max_inflight_messages ${plan.maxInflight}), ${plan.devices} devices, QoS 1, into InfluxDB`,
    '| subscriber | ingest processes | sent | offered/s | stored | lost | seconds to stored | stored readings/s |',
    '| ---------- | ---------------- | ---- | --------- | ------ | ---- | ----------------- | ----------------- |',
    ...results.map(
      (r) =>
        `| ${r.subscriber} | ${r.processes} | ${r.sent} | ${r.offeredPerS} | ${r.stored} | ${r.lost} | ${r.seconds.toFixed(1)} | ${r.storedPerS} |`,
    ),
  ];
  return lines.join('\n');
}
