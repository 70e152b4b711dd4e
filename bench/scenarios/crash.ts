/**
 * The crash scenario: the ingesting process killed with SIGKILL in the middle of a paced hold,
 * started again at once, devices reconnecting and resending what was not acknowledged; then every
 * acknowledged reading is looked up in InfluxDB by seq. What users should see: a PUBACK from
 * GridSense means stored; from Mosquitto in front of Node-RED it means received by the broker,
 * and what Node-RED held in its join node or its write in flight dies with it.
 *
 * Both systems get the same devices (numbered, QoS 1, `clean: false`, `ts` in each reading), the
 * same pace and the same kill at the middle of the hold.
 */
import { countOutcome, runDrill, type DrillResult } from '../../tests/src/drills/drills';
import { startInfluxd } from '../../tests/src/harness/influxd';
import { startMosquitto } from '../../tests/src/harness/mosquitto';
import { startNumberedDevices } from '../../tests/src/harness/numbered-devices';
import { startChild, type Child } from '../lib/child';
import { createDatabase } from '../lib/influx';
import type { NodeRedArgs } from '../systems/node-red';

export interface CrashPlan {
  devices: number;
  /** Readings a second per device; the hold's rate is devices × this. */
  ratePerDevice: number;
  /** The whole hold; the kill comes at its middle. */
  holdMs: number;
}

export interface CrashResult {
  system: 'gridsense' | 'node-red';
  label: string;
  sent: number;
  acknowledged: number;
  stored: number;
  /** Acknowledged and never stored. */
  lost: number;
  duplicated: number;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** Between the kill and the start again, as a supervisor (systemd, Docker) would leave it. */
const RESTART_AFTER_MS = 500;

export function defaultCrashPlan(quick: boolean): CrashPlan {
  return quick
    ? { devices: 4, ratePerDevice: 20, holdMs: 4_000 }
    : { devices: 20, ratePerDevice: 250, holdMs: 20_000 };
}

/** GridSense (`platform-main.ts` in its own process, embedded broker, real InfluxDB): the platform killed. */
async function gridSenseCrash(plan: CrashPlan): Promise<CrashResult> {
  const result: DrillResult = await runDrill(
    {
      name: 'GridSense: platform kill -9 mid-hold',
      ratePerDevice: plan.ratePerDevice,
      inFlight: 100,
      withTs: true,
      async fault({ platform }) {
        await platform.kill();
        await sleep(RESTART_AFTER_MS);
        await platform.restart();
      },
    },
    { devices: plan.devices, phaseMs: plan.holdMs / 2 },
  );
  return {
    system: 'gridsense',
    label: 'GridSense (embedded broker + ingest + InfluxDB)',
    sent: result.sent,
    acknowledged: result.acknowledged,
    stored: result.stored,
    lost: result.lost,
    duplicated: result.duplicated,
  };
}

/** Mosquitto (persistent session for Node-RED) + the bench's Node-RED flow: Node-RED killed. */
async function nodeRedCrash(plan: CrashPlan): Promise<CrashResult> {
  const influx = await startInfluxd();
  const mosquitto = await startMosquitto({ maxQueued: 0, maxInflight: 20 });
  const database = 'bench_crash_nodered';
  let nodeRed: Child<unknown> | undefined;
  try {
    await createDatabase(influx.url, database);
    const args: NodeRedArgs = {
      mqttPort: mosquitto.port,
      influxPort: Number(new URL(influx.url).port),
      database,
    };
    const startNodeRed = () =>
      startChild('bench/systems/node-red.ts', { args: [JSON.stringify(args)] }).then((c) => (nodeRed = c));
    await startNodeRed();
    const devices = Array.from({ length: plan.devices }, (_, i) => ({
      id: `crash-sd-${String(i + 1).padStart(3, '0')}`,
      gridId: 'G01',
    }));
    const fleet = await startNumberedDevices({
      url: mosquitto.url,
      devices,
      inFlight: 100,
      ratePerDevice: plan.ratePerDevice,
      withTs: true,
      metric: { name: 'battery', value: 50 },
    });
    try {
      await sleep(plan.holdMs / 2);
      process.kill(nodeRed!.pid, 'SIGKILL');
      await sleep(RESTART_AFTER_MS);
      await startNodeRed();
      await sleep(plan.holdMs / 2);
      await fleet.finish(60_000);
      // Node-RED's join node flushes within 1 s and Mosquitto's backlog drains steadily: 10 s
      // without any progress means what is missing is gone.
      const outcome = await countOutcome(fleet, influx.url, database, 10);
      return { system: 'node-red', label: 'Mosquitto 2 + Node-RED 4.1 flow + InfluxDB', ...outcome };
    } finally {
      await fleet.close();
    }
  } finally {
    await nodeRed?.stop();
    await mosquitto.stop();
    await influx.stop();
  }
}

export async function runCrash(plan: CrashPlan, log: (line: string) => void): Promise<CrashResult[]> {
  const results: CrashResult[] = [];
  for (const [name, run] of [
    ['gridsense', gridSenseCrash],
    ['node-red', nodeRedCrash],
  ] as const) {
    log(
      `crash: ${name}, ${plan.devices} devices × ${plan.ratePerDevice}/s for ${plan.holdMs / 1000} s, SIGKILL at the middle`,
    );
    const result = await run(plan);
    log(
      `  sent ${result.sent}, acknowledged ${result.acknowledged}, stored ${result.stored}, lost ${result.lost}, duplicated ${result.duplicated}`,
    );
    results.push(result);
  }
  return results;
}

export function formatCrash(results: CrashResult[], plan: CrashPlan): string {
  return [
    `Crash: the ingesting process killed with SIGKILL mid-hold (${plan.devices} devices × ${plan.ratePerDevice} readings/s for ${plan.holdMs / 1000} s), started again after ${RESTART_AFTER_MS} ms; devices resend what was not acknowledged`,
    '| system | sent | acknowledged | stored | acknowledged but lost | stored twice |',
    '| ------ | ---- | ------------ | ------ | --------------------- | ------------ |',
    ...results.map(
      (r) => `| ${r.label} | ${r.sent} | ${r.acknowledged} | ${r.stored} | ${r.lost} | ${r.duplicated} |`,
    ),
  ].join('\n');
}
