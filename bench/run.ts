/**
 * `npm run bench` — GridSense against raw aedes and a Mosquitto + Node-RED stack, side by side in
 * one run with the same load generator and the same InfluxDB. `--quick` takes seconds (the smoke
 * test runs it); the default is the full run. Figures go to stdout; `--out` writes them as JSON.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startInfluxd } from '../tests/src/harness/influxd';
import { REPO_ROOT, startChild } from './lib/child';
import { measureInfluxWrites } from './lib/influx';
import { findChildPid, readStolenMs } from './lib/proc-cpu';
import {
  startAedesRaw,
  startGridSense,
  startGridSenseEmbedded,
  startNodeRedStack,
  type SystemContext,
} from './lib/systems';
import type { BenchDevice } from './load/load-types';
import { describeMachine, formatReport, judgeTargets, type BenchReport } from './report';
import { summarizeProfiles } from './profile-summary';
import { parseBenchArgs, type BenchOptions, type SystemName } from './options';
import { runConnections, type ConnectionsResult } from './scenarios/connections';
import { findZeroLossRate, warmUp, type IngestResult, type SystemUnderTest } from './scenarios/ingest';
import { runAlertLatency, type LatencyLevel } from './scenarios/latency';
import { formatClusterIngest, runClusterIngest, type ClusterIngestPlan } from './scenarios/cluster-ingest';
import { defaultCrashPlan, runCrash } from './scenarios/crash';
import {
  defaultMosquittoIngestPlan,
  formatMosquittoIngest,
  runMosquittoIngest,
} from './scenarios/mosquitto-ingest';

export { parseBenchArgs } from './options';

const DEMO_GRIDS = Array.from({ length: 12 }, (_, i) => `G${String(i + 1).padStart(2, '0')}`);
const DEMO_PASSWORD = 'bench-password-1';
/** The systems that write to the shared influxd: its CPU is theirs. */
const STORES_IN_INFLUX: SystemName[] = ['gridsense', 'node-red'];

function benchDevices(prefix: string, count: number): BenchDevice[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i + 1).padStart(5, '0')}`,
    gridId: DEMO_GRIDS[i % DEMO_GRIDS.length]!,
    type: 'smoke_detector',
    secret: randomBytes(16).toString('base64url'),
  }));
}

export async function runBenchmark(
  options: BenchOptions,
  log: (line: string) => void = console.error,
): Promise<BenchReport> {
  const started = Date.now();
  const loadAverageAtStart = os.loadavg();
  const stolenAtStart = readStolenMs();
  const workDir = await mkdtemp(join(os.tmpdir(), 'gridsense-bench-'));
  const profileDir = resolve(REPO_ROOT, 'bench/profiles');
  if (options.profile) await mkdir(profileDir, { recursive: true });
  const influx = await startInfluxd();
  const publishers = benchDevices('bench-pub', options.publishers);
  // One probe device per probe, all in G01: a probe cycle takes at least one gap.
  const { latency: plan } = options;
  const probeCount = plan.fractions.length * (Math.ceil(plan.holdMs / plan.gapMs) + 2);
  const probes = benchDevices('bench-probe', probeCount).map((device) => ({ ...device, gridId: 'G01' }));
  const connectionDevices = options.scenarios.includes('connections')
    ? benchDevices('bench-conn', options.connections.target)
    : [];
  const context: SystemContext = {
    influxUrl: influx.url,
    devices: [...publishers, ...probes, ...connectionDevices],
    workDir,
    demoPassword: DEMO_PASSWORD,
    mosquittoMaxQueued: options.mosquittoMaxQueued,
    childOptions: (system) => ({
      log: options.verbose ? log : undefined,
      nodeFlags: [
        '--expose-gc',
        ...(options.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(profileDir, system)}`] : []),
      ],
    }),
  };
  const ingest: IngestResult[] = [];
  const latency: LatencyLevel[] = [];
  const connections: ConnectionsResult[] = [];
  const starters: Record<SystemName, (c: SystemContext) => Promise<SystemUnderTest>> = {
    gridsense: startGridSense,
    'gridsense-embedded': startGridSenseEmbedded,
    aedes: startAedesRaw,
    'node-red': startNodeRedStack,
  };
  try {
    const systems = options.scenarios.some(
      (scenario) => !['influx', 'mosquitto', 'cluster'].includes(scenario),
    )
      ? options.systems
      : [];
    for (const name of systems) {
      log(`${name}: starting`);
      const sut = await starters[name](context);
      const influxdPid = findChildPid('influxd');
      if (influxdPid !== undefined && STORES_IN_INFLUX.includes(name)) sut.pids.influxd = influxdPid;
      const publisher = await startChild('bench/load/publisher.ts', {
        log: options.verbose ? log : undefined,
      });
      try {
        await publisher.call('connect', {
          host: '127.0.0.1',
          port: sut.mqttPort,
          devices: publishers,
          firstSeq: Date.now(),
        });
        await warmUp(sut, publisher, log);
        if (options.scenarios.includes('ingest')) {
          const result = await findZeroLossRate(sut, publisher, options.search, log);
          ingest.push(result);
        }
        if (name === 'gridsense' && options.scenarios.includes('latency')) {
          const sustained =
            options.latency.baseRate ?? ingest.find((r) => r.system === 'gridsense')?.bestShortHold;
          if (sustained === undefined || sut.httpPort === undefined)
            log('  alert latency skipped: no sustained rate (give --latency-rate)');
          else
            latency.push(
              ...(await runAlertLatency({
                httpPort: sut.httpPort,
                mqttPort: sut.mqttPort,
                probes,
                worker: { username: 'worker01', password: DEMO_PASSWORD },
                publisher,
                levels: options.latency.fractions.map((fraction) => ({
                  fraction,
                  rate: sustained * fraction,
                })),
                holdMs: options.latency.holdMs,
                gapMs: options.latency.gapMs,
                maxInflight: options.search.maxInflight,
                log,
              })),
            );
        }
        if (options.scenarios.includes('connections') && options.connections.systems.includes(name)) {
          connections.push(
            await runConnections({
              system: name,
              sut: sut.child,
              mqttPort: sut.mqttPort,
              devices: connectionDevices,
              target: options.connections.target,
              perSwarm: options.connections.perSwarm,
              concurrency: options.connections.concurrency,
              holdMs: options.connections.holdMs,
              childOptions: { log: options.verbose ? log : undefined },
              log,
            }),
          );
        }
      } finally {
        await publisher.call('close').catch(() => undefined);
        await publisher.stop();
        await sut.stop();
      }
    }
    const influxLinesPerS = options.scenarios.includes('influx')
      ? await measureInfluxWrites(influx.url, 'bench_influx_alone', options.influxMs)
      : undefined;
    const crashPlan = defaultCrashPlan(options.mode === 'quick');
    const crash = options.scenarios.includes('crash')
      ? { plan: crashPlan, results: await runCrash(crashPlan, log) }
      : undefined;
    if (options.scenarios.includes('mosquitto')) {
      const plan = defaultMosquittoIngestPlan(options.mode === 'quick');
      log(formatMosquittoIngest(await runMosquittoIngest(influx, plan, log), plan));
    }
    if (options.scenarios.includes('cluster')) {
      const plan = { brokerNodes: [1, 2], search: options.clusterSearch } satisfies ClusterIngestPlan;
      log(formatClusterIngest(await runClusterIngest(plan, log)));
    }
    const partial = {
      mode: options.mode,
      command: options.command,
      startedAt: new Date(started).toISOString(),
      durationS: (Date.now() - started) / 1000,
      machine: describeMachine(loadAverageAtStart, {
        ms: readStolenMs() - stolenAtStart,
        wallMs: Date.now() - started,
      }),
      publishers: options.publishers,
      ingest,
      latency,
      connections,
      influxLinesPerS,
      ...(crash ? { crash } : {}),
    };
    return { ...partial, targets: judgeTargets(partial) };
  } finally {
    await influx.stop();
    await rm(workDir, { recursive: true, force: true });
    if (options.profile) log(await summarizeProfiles(profileDir));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Exit through 'exit' so influxd, Mosquitto and the children are killed on Ctrl-C too.
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  const argv = process.argv.slice(2);
  try {
    const options = parseBenchArgs(argv);
    if (options === 'help') {
      console.log((await import('./options')).USAGE);
      process.exit(0);
    }
    const report = await runBenchmark(options);
    console.log(formatReport(report));
    if (options.out) await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
    process.exit(0);
  } catch (error) {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(1);
  }
}
