/**
 * The connection bench itself: a device registry in a temp state database, N real broker nodes
 * (broker/src/main.ts) and M load generators, then memory per idle connection on every node.
 */
import { DeviceRegistry, openStateDb, verifyDeviceSecret } from '@gridsense/state';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../tests/src/harness/free-port';
import { startChild, type Child } from '../lib/child';
import { startBrokerNodeProcess, type BrokerNodeProcess } from './broker-node';
import type { BrokerProbeReading } from './broker-probe';
import { benchDevice } from './devices';
import type { GeneratorRequest, GeneratorResult, GeneratorStatus } from './generator';
import { openFileLimit } from './open-files';
import { planSpread } from './plan';
import { buildRegistry, nodeDataDir } from './registry';

export interface ConnectionBenchOptions {
  devices: number;
  /** Connections per broker node at most (stay under its open-file limit). */
  maxPerNode: number;
  maxPerGenerator: number;
  perAddress: number;
  keepaliveS: number;
  subscribe: boolean;
  concurrency: number;
  /** Idle time after connecting, before the second reading (wills, keepalives, reloads run). */
  holdMs: number;
  /** Device indexes (1-based) that connect with a wrong secret. */
  wrongSecret: number[];
  /** Directory for a heap snapshot of the first node with its connections open. */
  snapshotDir?: string | undefined;
}

export interface NodeFigures {
  name: string;
  port: number;
  connections: number;
  before: BrokerProbeReading;
  after: BrokerProbeReading;
  heapPerConnection: number;
  rssPerConnection: number;
  externalPerConnection: number;
  /** CPU share of one core while idle with its connections, over the hold. */
  idleCpuShare: number;
  snapshot?: string;
}

export interface ConnectionBenchReport {
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memGiB: number; node: string; openFileLimit: number };
  loadAverage: { start: number[]; end: number[] };
  options: ConnectionBenchOptions;
  registry: { devices: number; insertMs: number; loadMs: number; reloadHeapBytes: number };
  auth: { verifyMicros: number };
  nodes: NodeFigures[];
  generators: (GeneratorResult & { status: GeneratorStatus })[];
  totals: {
    attempted: number;
    connected: number;
    subscribed: number;
    refused: Record<string, number>;
    failed: number;
    stillOpen: number;
    dropped: number;
    connectMs: number;
    connectsPerS: number;
  };
}

/** Cost of one CONNECT's secret check (a salted SHA-256, no cache): µs, over `count` checks. */
async function measureVerify(registryDir: string, salt: string, count: number): Promise<number> {
  const db = await openStateDb(join(registryDir, 'state.db'));
  try {
    const registry = await DeviceRegistry.load(db);
    const devices = Array.from({ length: count }, (_, i) => benchDevice(i + 1, salt));
    const hashes = devices.map((d) => registry.get(d.id)!.secretHash);
    const started = performance.now();
    for (let i = 0; i < count; i++)
      if (!verifyDeviceSecret(devices[i]!.secret, hashes[i]!))
        throw new Error('bench secret does not verify');
    return ((performance.now() - started) * 1000) / count;
  } finally {
    await db.destroy();
  }
}

/** A broker node's first registry load, and every 60th reload (the others read only changes). */
async function measureRegistryLoad(registryDir: string): Promise<{ loadMs: number; heapBytes: number }> {
  const db = await openStateDb(join(registryDir, 'state.db'));
  try {
    const collect = (globalThis as { gc?: () => void }).gc;
    collect?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const registry = await DeviceRegistry.load(db);
    const loadMs = performance.now() - started;
    collect?.();
    const heapBytes = process.memoryUsage().heapUsed - heapBefore;
    if (registry.all().length === 0) throw new Error('empty registry');
    return { loadMs, heapBytes };
  } finally {
    await db.destroy();
  }
}

export async function runConnectionBench(
  options: ConnectionBenchOptions,
  log: (line: string) => void = console.error,
): Promise<ConnectionBenchReport> {
  const startedAt = new Date().toISOString();
  const loadStart = os.loadavg();
  const workDir = await mkdtemp(join(os.tmpdir(), 'gridsense-conn-'));
  const salt = randomBytes(8).toString('hex');
  const nodes: BrokerNodeProcess[] = [];
  const generators: Child<{ pid: number; openFileLimit: number }>[] = [];
  let cleaned: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaned ??= (async () => {
      await Promise.allSettled(generators.map((g) => g.stop()));
      await Promise.allSettled(nodes.map((node) => node.stop()));
      await rm(workDir, { recursive: true, force: true });
    })());
  // Interrupted (Ctrl-C, a timeout's SIGTERM): children and the temp dir go too. Children also
  // end themselves when this process dies outright (their IPC channel closes).
  const onSignal = () => void cleanUp().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    log(`registry: ${options.devices} devices in a temp state database`);
    const registryDir = join(workDir, 'registry');
    const { insertMs } = await buildRegistry(registryDir, options.devices, salt);
    const verifyMicros = await measureVerify(registryDir, salt, Math.min(options.devices, 20_000));
    const load = await measureRegistryLoad(registryDir);

    const nodeCount = Math.max(1, Math.ceil(options.devices / options.maxPerNode));
    // Each child adds a kill-on-exit listener: 100,000 devices take 13 children.
    const children = nodeCount + Math.ceil(options.devices / options.maxPerGenerator);
    process.setMaxListeners(Math.max(process.getMaxListeners(), children + 10));
    log(`starting ${nodeCount} broker node(s) (broker/src/main.ts)`);
    for (let n = 1; n <= nodeCount; n++) {
      const dataDir = join(workDir, `node-${n}`);
      await nodeDataDir(registryDir, dataDir);
      nodes.push(await startBrokerNodeProcess({ name: `broker-${n}`, dataDir, port: await freePort(), log }));
    }
    const plan = planSpread({
      devices: options.devices,
      maxPerNode: options.maxPerNode,
      maxPerGenerator: options.maxPerGenerator,
      perAddress: options.perAddress,
      nodePorts: nodes.map((node) => node.port),
    });
    const before = await Promise.all(nodes.map((node) => node.read()));
    for (const [i, reading] of before.entries())
      if (reading.openFileLimit < plan.perNode[i]!.count + 100)
        throw new Error(
          `broker-${i + 1}: open-file limit ${reading.openFileLimit} < ${plan.perNode[i]!.count}`,
        );

    log(`starting ${plan.generators.length} load generator(s)`);
    for (let g = 0; g < plan.generators.length; g++)
      generators.push(await startChild('bench/connections/generator.ts', { log }));
    const wrong = new Set(options.wrongSecret);
    log(`connecting ${options.devices} devices`);
    const connectStarted = performance.now();
    const results = await Promise.all(
      generators.map((generator, g) => {
        const groups = plan.generators[g]!;
        const request: GeneratorRequest = {
          host: '127.0.0.1',
          salt,
          groups,
          keepaliveS: options.keepaliveS,
          subscribe: options.subscribe,
          concurrency: options.concurrency,
          wrongSecret: groups.flatMap((group) =>
            [...wrong].filter((i) => i >= group.first && i < group.first + group.count),
          ),
        };
        return generator.call<GeneratorResult>('open', request);
      }),
    );
    const connectMs = performance.now() - connectStarted;
    const cpuAtHold = await Promise.all(nodes.map((node) => node.read()));
    log(`holding ${options.holdMs / 1000} s idle`);
    await new Promise((wake) => setTimeout(wake, options.holdMs));
    const after = await Promise.all(nodes.map((node) => node.read()));
    const statuses = await Promise.all(generators.map((g) => g.call<GeneratorStatus>('status')));

    const figures: NodeFigures[] = nodes.map((node, i) => {
      const connections = after[i]!.tcpSockets - before[i]!.tcpSockets;
      const per = (key: 'heapUsed' | 'rss' | 'external') =>
        connections > 0 ? (after[i]![key] - before[i]![key]) / connections : NaN;
      return {
        name: node.name,
        port: node.port,
        connections,
        before: before[i]!,
        after: after[i]!,
        heapPerConnection: per('heapUsed'),
        rssPerConnection: per('rss'),
        externalPerConnection: per('external'),
        idleCpuShare: (after[i]!.cpuMicros - cpuAtHold[i]!.cpuMicros) / 1000 / options.holdMs,
      };
    });
    if (options.snapshotDir && nodes[0]) {
      log('writing a heap snapshot of broker-1');
      figures[0]!.snapshot = await nodes[0].snapshot(
        join(options.snapshotDir, `broker-1-${Date.now()}.heapsnapshot`),
      );
    }

    const refused: Record<string, number> = {};
    for (const result of results)
      for (const [code, n] of Object.entries(result.refused)) refused[code] = (refused[code] ?? 0) + n;
    const sum = (pick: (r: GeneratorResult) => number) => results.reduce((total, r) => total + pick(r), 0);
    const connected = sum((r) => r.connected);
    const cpuModel = os.cpus()[0]?.model ?? 'unknown';
    return {
      startedAt,
      machine: {
        cpus: os.cpus().length,
        cpuModel,
        memGiB: Math.round(os.totalmem() / 2 ** 30),
        node: process.version,
        openFileLimit: openFileLimit(),
      },
      loadAverage: { start: loadStart, end: os.loadavg() },
      options,
      registry: { devices: options.devices, insertMs, loadMs: load.loadMs, reloadHeapBytes: load.heapBytes },
      auth: { verifyMicros },
      nodes: figures,
      generators: results.map((result, g) => ({ ...result, status: statuses[g]! })),
      totals: {
        attempted: sum((r) => r.attempted),
        connected,
        subscribed: sum((r) => r.subscribed),
        refused,
        failed: sum((r) => r.failed),
        stillOpen: statuses.reduce((total, s) => total + s.open, 0),
        dropped: statuses.reduce((total, s) => total + s.dropped, 0),
        connectMs,
        connectsPerS: (connected * 1000) / connectMs,
      },
    };
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await cleanUp();
  }
}
