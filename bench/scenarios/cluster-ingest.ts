/**
 * Ingest on a cluster (`--only cluster`): the services of `npm run cluster` (cluster/start-cluster.ts:
 * PostgreSQL, Redis and InfluxDB of their own, broker nodes with ingest, one alerts process; no web
 * nodes, they are not on a reading's path) with 1 and then 2 broker nodes, each on a fresh cluster.
 * The demo district's smoke detectors are split evenly over the nodes, each device on one node, and
 * the same rate search as the other ingest scenarios finds the highest rate held with zero loss
 * (every reading counted in InfluxDB by seq). Every process's CPU is measured per step, so the
 * figure that outlives this machine is a broker node's CPU per reading.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { startClusterNodes, type ClusterNodes } from '../../cluster/start-cluster';
import { startChild, type Child } from '../lib/child';
import { findChildPids } from '../lib/proc-cpu';
import { influxIdle, influxVerifier } from '../lib/systems';
import {
  findZeroLossRate,
  formatCpu,
  warmUp,
  type IngestResult,
  type MeasuredSystem,
  type RateSearch,
  type StepOutcome,
} from './ingest';

export interface ClusterIngestPlan {
  /** Measured one after another, each on a fresh cluster. */
  brokerNodes: (1 | 2)[];
  search: RateSearch;
}

export interface ClusterIngestResult {
  brokerNodes: number;
  devices: number;
  ingest: IngestResult;
  /** The step the CPU figures are of: the best rate's passing step at the hold it was judged on. */
  best: StepOutcome | undefined;
  /** CPU-µs each broker node spent per reading of its own devices. */
  nodeCpuUsPerReading: Record<string, number>;
  /** CPU-µs per reading of every cluster process together (not the load generator). */
  clusterCpuUsPerReading: number;
}

/** Each device on one node, in turn (as `npm run cluster` spreads the simulator). */
export function splitDevices<T>(devices: T[], nodes: number): T[][] {
  return Array.from({ length: nodes }, (_, node) => devices.filter((_, i) => i % nodes === node));
}

/**
 * CPU-µs per reading from a step's CPU shares (of one core, over the step: sending plus the drain
 * of acknowledgements) and how many readings that process handled.
 */
export function cpuMicrosPerReading(share: number, step: StepOutcome['step'], readings: number): number {
  return readings > 0 ? (share * (step.sendMs + step.drainMs) * 1000) / readings : Number.NaN;
}

/** The processes that are not the cluster: the load generator, and the hypervisor's steal. */
const NOT_THE_CLUSTER = new Set(['publisher', 'stolen']);

export function describeCpuPerReading(
  outcome: StepOutcome,
  nodes: { name: string; deviceIds: Set<string> }[],
): Pick<ClusterIngestResult, 'nodeCpuUsPerReading' | 'clusterCpuUsPerReading'> {
  const sentBy = (ids: Set<string>) =>
    outcome.step.perDevice.filter((d) => ids.has(d.id)).reduce((sum, d) => sum + d.sent, 0);
  const nodeCpuUsPerReading = Object.fromEntries(
    nodes.map((node) => [
      node.name,
      cpuMicrosPerReading(outcome.cpu[node.name] ?? Number.NaN, outcome.step, sentBy(node.deviceIds)),
    ]),
  );
  const clusterShare = Object.entries(outcome.cpu)
    .filter(([name]) => !NOT_THE_CLUSTER.has(name))
    .reduce((sum, [, share]) => sum + share, 0);
  return {
    nodeCpuUsPerReading,
    clusterCpuUsPerReading: cpuMicrosPerReading(clusterShare, outcome.step, outcome.step.sent),
  };
}

/** The step the result's best rate was judged on (the confirming hold when there was one). */
function bestStep(result: IngestResult): StepOutcome | undefined {
  return result.steps.findLast((s) => s.passed && s.rate === result.best && s.holdMs === result.bestHoldMs);
}

/** The cluster's processes for CPU shares, read afresh at every step (PostgreSQL's backends come and go). */
function clusterPids(cluster: ClusterNodes): Record<string, number | number[]> {
  return {
    ...Object.fromEntries(cluster.brokers.map((node) => [node.process.name, node.process.pid() ?? 0])),
    ...(cluster.alerts ? { alerts: cluster.alerts.pid() ?? 0 } : {}),
    postgres: [cluster.postgres.pid, ...findChildPids(cluster.postgres.pid)],
    redis: cluster.redis.pid,
    influxd: cluster.influx.pid,
  };
}

async function measureCluster(
  brokerNodes: 1 | 2,
  search: RateSearch,
  log: (line: string) => void,
): Promise<ClusterIngestResult> {
  log(`cluster: starting PostgreSQL, Redis, InfluxDB, ${brokerNodes} broker node(s) and alerts`);
  const cluster = await startClusterNodes({
    demoPassword: randomBytes(9).toString('base64url'),
    brokerNodes,
    webNodes: 0,
    alerts: true,
    // As `npm start` runs the platform (package.json): readings in flight die young.
    env: { NODE_OPTIONS: '--max-semi-space-size=64' },
  });
  let publisher: Child<unknown> | undefined;
  try {
    publisher = await startChild('bench/load/publisher.ts');
    // The demo's smoke detectors: the load's readings are in range for them, so no rule fires.
    const devices = cluster.devices.filter((d) => d.type === 'smoke_detector');
    const groups = splitDevices(devices, brokerNodes);
    const firstSeq = Date.now();
    for (const [i, node] of cluster.brokers.entries()) {
      const { hostname, port } = new URL(node.mqttUrl);
      await publisher.call('connect', { host: hostname, port: Number(port), devices: groups[i], firstSeq });
    }
    const system: MeasuredSystem = {
      name: `cluster-${brokerNodes}`,
      label: `${brokerNodes} broker node(s) + alerts, PostgreSQL, Redis, InfluxDB`,
      get pids() {
        return clusterPids(cluster);
      },
      // A PUBACK already means "stored": anything missing after a short settle is lost.
      verify: influxVerifier(cluster.influx.url, cluster.influxDatabase, 2000),
      waitIdle: influxIdle(cluster.influx.url, cluster.influxDatabase),
    };
    await warmUp(system, publisher, log);
    const ingest = await findZeroLossRate(system, publisher, search, log);
    const best = bestStep(ingest);
    const nodes = cluster.brokers.map((node, i) => ({
      name: node.process.name,
      deviceIds: new Set(groups[i]!.map((d) => d.id)),
    }));
    return {
      brokerNodes,
      devices: devices.length,
      ingest,
      best,
      ...(best
        ? describeCpuPerReading(best, nodes)
        : { nodeCpuUsPerReading: {}, clusterCpuUsPerReading: Number.NaN }),
    };
  } finally {
    await publisher?.call('close').catch(() => undefined);
    await publisher?.stop();
    await cluster.stop();
  }
}

export async function runClusterIngest(
  plan: ClusterIngestPlan,
  log: (line: string) => void,
): Promise<ClusterIngestResult[]> {
  const results: ClusterIngestResult[] = [];
  for (const brokerNodes of plan.brokerNodes)
    results.push(await measureCluster(brokerNodes, plan.search, log));
  return results;
}

const figure = (n: number) => (Number.isNaN(n) ? '–' : Math.round(n).toLocaleString('en-US'));

export function formatClusterIngest(results: ClusterIngestResult[]): string {
  const cores = os.cpus().length;
  const lines = [
    `Ingest on a cluster (cluster/start-cluster.ts: broker nodes + alerts, PostgreSQL, Redis, InfluxDB), the demo's smoke detectors split evenly over the nodes, QoS 1, counted in InfluxDB by seq`,
    '| broker nodes | devices | held with zero loss | CPU per process (share of one core) | CPU-µs per reading, per broker node | CPU-µs per reading, whole cluster |',
    '| ------------ | ------- | ------------------- | ----------------------------------- | ----------------------------------- | --------------------------------- |',
    ...results.map((r) => {
      const held =
        r.ingest.best === undefined
          ? 'no rate held'
          : `${figure(r.ingest.best)} readings/s × ${r.ingest.bestHoldMs / 1000} s`;
      const perNode = Object.entries(r.nodeCpuUsPerReading)
        .map(([name, us]) => `${name} ${figure(us)}`)
        .join(', ');
      return `| ${r.brokerNodes} | ${r.devices} | ${held} | ${r.best ? formatCpu(r.best.cpu) : '–'} | ${perNode || '–'} | ${figure(r.clusterCpuUsPerReading)} |`;
    }),
    '',
    `This machine has ${cores} core(s): the broker nodes share them with PostgreSQL, Redis, InfluxDB, the` +
      ' alerts process and the load generator, so 2 nodes are not expected to hold more than 1 here.' +
      " The figure that transfers to real machines is a broker node's CPU-µs per reading (a node on a" +
      ' core of its own: 1,000,000 / that readings/s).',
  ];
  return lines.join('\n');
}
