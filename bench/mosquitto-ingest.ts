/**
 * Ingest behind Mosquitto, as `npm run bench -- --only mosquitto` runs it, with the plan's knobs:
 * `npx tsx bench/mosquitto-ingest.ts [--rate 20000] [--duration-s 10] [--devices 200]
 * [--processes 1,2] [--threads 0,1] [--inflight 1000] [--before-readings 5000] [--drain-readings 200000]`. The mqtt.js subscriber the
 * pipelined one replaced runs first with `--before-readings` readings (0 skips it). Starts its own
 * InfluxDB and Mosquitto (the test harnesses).
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { startInfluxd } from '../tests/src/harness/influxd';
import {
  formatMosquittoIngest,
  runMosquittoIngest,
  type MosquittoIngestPlan,
} from './scenarios/mosquitto-ingest';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20000' },
    'duration-s': { type: 'string', default: '10' },
    devices: { type: 'string', default: '200' },
    processes: { type: 'string', default: '1,2' },
    threads: { type: 'string', default: '0,1' },
    'before-readings': { type: 'string', default: '5000' },
    inflight: { type: 'string', default: '1000' },
    'drain-readings': { type: 'string', default: '200000' },
  },
});
const [rate, durationMs] = [Number(values.rate), Number(values['duration-s']) * 1000];
const before = Number(values['before-readings']);
const plan: MosquittoIngestPlan = {
  runs: [
    // The subscriber before this one stores a few hundred a second: a short load is enough.
    ...(before > 0
      ? [{ subscriber: 'mqtt.js (before)' as const, processes: 1, rate: before, durationMs: 1000 }]
      : []),
    ...values.processes.split(',').flatMap((n) =>
      values.threads.split(',').map((t) => ({
        subscriber: 'pipelined' as const,
        processes: Number(n),
        threads: t === '1' ? (1 as const) : (0 as const),
        rate,
        durationMs,
      })),
    ),
  ],
  devices: Number(values.devices),
  maxInflight: Number(values.inflight),
  drainReadings: Number(values['drain-readings']),
};
const loadAtStart = os.loadavg();
const influx = await startInfluxd();
try {
  const results = await runMosquittoIngest(influx, plan, console.error);
  console.log(formatMosquittoIngest(results, plan));
  const load = (l: number[]) => l.map((n) => n.toFixed(2)).join(' ');
  console.log(
    `load average at start ${load(loadAtStart)}, at end ${load(os.loadavg())}; ${os.cpus().length} cores`,
  );
  if (
    results.some(
      (r) =>
        r.lost > 0 || r.seqMismatches > 0 || (r.drain?.lost ?? 0) > 0 || (r.drain?.seqMismatches ?? 0) > 0,
    )
  )
    process.exitCode = 1;
} finally {
  await influx.stop();
}
