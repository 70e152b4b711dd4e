import { parseArgs } from 'node:util';
import type { RateSearch } from './scenarios/ingest';

export type SystemName = 'gridsense' | 'gridsense-embedded' | 'aedes' | 'node-red';
export type ScenarioName =
  'ingest' | 'latency' | 'connections' | 'influx' | 'crash' | 'mosquitto' | 'cluster';
const SYSTEMS: SystemName[] = ['gridsense', 'gridsense-embedded', 'aedes', 'node-red'];
// The embedded store's figure only when asked: its rate search would add ~4 min to the full run.
const DEFAULT_SYSTEMS: SystemName[] = ['gridsense', 'aedes', 'node-red'];
const SCENARIOS: ScenarioName[] = ['ingest', 'latency', 'connections', 'influx', 'crash'];

export interface BenchOptions {
  mode: 'quick' | 'full';
  command: string;
  systems: SystemName[];
  scenarios: ScenarioName[];
  publishers: number;
  search: RateSearch;
  /** The cluster scenario's search: lower and shorter by default (two clusters of processes in turn). */
  clusterSearch: RateSearch;
  latency: { fractions: number[]; holdMs: number; gapMs: number; baseRate: number | undefined };
  connections: {
    target: number;
    perSwarm: number;
    concurrency: number;
    holdMs: number;
    systems: SystemName[];
  };
  influxMs: number;
  /** Mosquitto's max_queued_messages in the Node-RED stack; 0 = no limit. */
  mosquittoMaxQueued: number;
  profile: boolean;
  verbose: boolean;
  out: string | undefined;
}

export const USAGE = `Usage: npm run bench -- [--quick] [options]
  --quick                seconds: one low rate per system, a few probes, 200 connections
  --systems <list>       gridsense,gridsense-embedded,aedes,node-red (default gridsense,aedes,node-red);
                         gridsense-embedded: GridSense without InfluxDB, readings in its SQLite store
  --only <list>          ingest,latency,connections,influx,crash (default all); crash: GridSense and
                         the Node-RED stack killed -9 mid-hold, acknowledged readings lost counted;
                         mosquitto: ingest behind
                         Mosquitto, mqtt.js subscriber vs 1 and 2 pipelined ingest processes;
                         cluster: 1 then 2 broker nodes with alerts, PostgreSQL, Redis (start-rate
                         1000, hold-s 5, confirm-s 20 unless given; the demo's 24 smoke detectors)
  --rates <list>         fixed rates to try in order (msg/s), instead of the search ladder
  --start-rate <n>       first rate of the ladder (full: 4000), x1.5 per step, then 2 bisections
  --hold-s <n>           seconds per rate step (full: 10)
  --confirm-s <n>        hold the best rate again this long (full: 60; 0 = no confirmation)
  --publishers <n>       publisher connections, one device each (full: 100)
  --max-inflight <n>     unacknowledged messages per publisher connection (default 100)
  --latency-rate <n>     the sustained rate latency levels are shares of (default: measured)
  --latency-s <n>        seconds per latency level (full: 20)
  --connections <n>      connection target (full: 100000, capped by ulimit -n)
  --conn-systems <list>  systems for the connection scenario (default gridsense,aedes)
  --conn-hold-s <n>      seconds the connections are held before measuring (full: 10)
  --mosquitto-queue <n>  Mosquitto's max_queued_messages for the Node-RED stack (default 0 = no
                         limit; Mosquitto's own default 1000 drops QoS 1 messages under load)
  --profile              --cpu-prof the systems; profiles in bench/profiles, summary printed
  --out <file>           also write the figures as JSON
  --verbose              show the children's output`;

function list<T extends string>(name: string, text: string | undefined, allowed: T[], fallback: T[]): T[] {
  if (text === undefined) return fallback;
  const items = text.split(',').map((item) => item.trim()) as T[];
  const bad = items.filter((item) => !allowed.includes(item));
  if (bad.length > 0)
    throw new Error(`--${name}: unknown ${bad.join(', ')} (choose from ${allowed.join(', ')})`);
  return items;
}

function number(name: string, text: string | undefined, fallback: number, min = 0): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < min)
    throw new Error(`--${name} must be a number ≥ ${min}, got "${text}"`);
  return value;
}

export function parseBenchArgs(argv: string[]): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean' },
      systems: { type: 'string' },
      only: { type: 'string' },
      rates: { type: 'string' },
      'start-rate': { type: 'string' },
      'hold-s': { type: 'string' },
      'confirm-s': { type: 'string' },
      publishers: { type: 'string' },
      'max-inflight': { type: 'string' },
      'latency-rate': { type: 'string' },
      'latency-s': { type: 'string' },
      connections: { type: 'string' },
      'conn-systems': { type: 'string' },
      'conn-hold-s': { type: 'string' },
      'mosquitto-queue': { type: 'string' },
      profile: { type: 'boolean' },
      out: { type: 'string' },
      verbose: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  const quick = values.quick === true;
  const rates = values.rates?.split(',').map((rate) => number('rates', rate, 0, 1));
  const search = {
    ...(rates ? { rates } : quick ? { rates: [300] } : {}),
    startRate: number('start-rate', values['start-rate'], 4000, 1),
    factor: 1.5,
    maxRate: 400_000,
    refine: 2,
    holdMs: number('hold-s', values['hold-s'], quick ? 1 : 10, 0.2) * 1000,
    confirmHoldMs: number('confirm-s', values['confirm-s'], quick ? 0 : 60) * 1000,
    maxInflight: number('max-inflight', values['max-inflight'], 100, 1),
    drainTimeoutMs: 5000,
  };
  return {
    mode: quick ? 'quick' : 'full',
    command: `npm run bench${argv.length > 0 ? ` -- ${argv.join(' ')}` : ''}`,
    systems: list('systems', values.systems, SYSTEMS, DEFAULT_SYSTEMS),
    // Ingest behind Mosquitto and on a cluster only when asked: they start processes of their own.
    scenarios: list('only', values.only, [...SCENARIOS, 'mosquitto', 'cluster'], SCENARIOS),
    publishers: number('publishers', values.publishers, quick ? 10 : 100, 1),
    search,
    clusterSearch: {
      ...search,
      startRate: number('start-rate', values['start-rate'], 1000, 1),
      holdMs: number('hold-s', values['hold-s'], quick ? 1 : 5, 0.2) * 1000,
      confirmHoldMs: number('confirm-s', values['confirm-s'], quick ? 0 : 20) * 1000,
    },
    latency: {
      fractions: quick ? [0.5] : [0.25, 0.5, 0.75],
      holdMs: number('latency-s', values['latency-s'], quick ? 2.5 : 20, 1) * 1000,
      gapMs: quick ? 80 : 150,
      baseRate:
        values['latency-rate'] === undefined
          ? undefined
          : number('latency-rate', values['latency-rate'], 0, 1),
    },
    connections: {
      target: number('connections', values.connections, quick ? 200 : 100_000, 1),
      perSwarm: 15_000,
      concurrency: quick ? 20 : 200,
      holdMs: number('conn-hold-s', values['conn-hold-s'], quick ? 0.5 : 10) * 1000,
      systems: list('conn-systems', values['conn-systems'], SYSTEMS, ['gridsense', 'aedes']),
    },
    influxMs: quick ? 500 : 5000,
    mosquittoMaxQueued: number('mosquitto-queue', values['mosquitto-queue'], 0),
    profile: values.profile === true,
    verbose: values.verbose === true,
    out: values.out,
  };
}
