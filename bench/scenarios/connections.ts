/**
 * Scenario 3: concurrent device connections. Swarm processes, each on its own 127.0.0.x source
 * address (one address has ~28,000 ephemeral ports towards one broker port), connect registered
 * devices with the contract's CONNECT (credentials, clean: false, last will) and hold them. The
 * system reports its memory (after a full GC) before and after; the difference per connection is
 * what 100,000 devices would cost.
 */
import { readFileSync } from 'node:fs';
import { startChild, type Child, type ChildOptions } from '../lib/child';
import type { BenchDevice, SwarmResult } from '../load/load-types';

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

export interface ConnectionsResult {
  system: string;
  target: number;
  /** Set when the open-file limit forced a smaller target than asked. */
  cappedBy: string | undefined;
  connected: number;
  failed: number;
  firstError: string | undefined;
  stillHeld: number;
  connectMs: number;
  connectsPerS: number;
  before: Memory;
  after: Memory;
  rssPerConnectionBytes: number;
  heapPerConnectionBytes: number;
  /** rss before + per-connection cost × 100,000. */
  projected100kBytes: number;
  sources: string[];
}

export interface ConnectionsOptions {
  system: string;
  sut: Child<unknown>;
  mqttPort: number;
  devices: BenchDevice[];
  target: number;
  /** Connections per swarm process (each needs one file descriptor per connection). */
  perSwarm: number;
  concurrency: number;
  holdMs: number;
  childOptions: ChildOptions;
  log: (line: string) => void;
}

/** This process's open-file limit; children inherit it, and the system needs one fd per connection. */
export function openFileLimit(): number {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const soft = Number(line?.split(/\s+/)[3]);
    return Number.isFinite(soft) ? soft : Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/** Headroom for the system's own files (database, store connections, logs). */
const FD_HEADROOM = 500;

export async function runConnections(options: ConnectionsOptions): Promise<ConnectionsResult> {
  const limit = openFileLimit();
  const target = Math.min(options.target, options.devices.length, limit - FD_HEADROOM);
  const cappedBy =
    target < options.target
      ? target === limit - FD_HEADROOM
        ? `open-file limit ${limit} (raise ulimit -n for more)`
        : `${options.devices.length} registered devices`
      : undefined;
  const perSwarm = Math.min(options.perSwarm, limit - FD_HEADROOM);
  const swarmCount = Math.ceil(target / perSwarm);
  const sources = Array.from({ length: swarmCount }, (_, k) => `127.0.0.${2 + k}`);
  const swarms: Child<unknown>[] = [];
  try {
    for (let k = 0; k < swarmCount; k++)
      swarms.push(await startChild('bench/load/swarm.ts', options.childOptions));
    const before = await options.sut.call<Memory>('memory');
    const start = Date.now();
    const results = await Promise.all(
      swarms.map((swarm, k) =>
        swarm.call<SwarmResult>('open', {
          host: '127.0.0.1',
          port: options.mqttPort,
          localAddress: sources[k],
          devices: options.devices.slice(k * perSwarm, Math.min(target, (k + 1) * perSwarm)),
          concurrency: options.concurrency,
        }),
      ),
    );
    const connectMs = Date.now() - start;
    const connected = results.reduce((sum, r) => sum + r.connected, 0);
    const failed = results.reduce((sum, r) => sum + r.failed, 0);
    options.log(
      `  ${options.system}: ${connected}/${target} connected in ${connectMs} ms from ${sources.join(', ')}`,
    );
    await new Promise((wake) => setTimeout(wake, options.holdMs));
    const after = await options.sut.call<Memory>('memory');
    const stillHeld = (await Promise.all(swarms.map((swarm) => swarm.call<number>('count')))).reduce(
      (a, b) => a + b,
      0,
    );
    const per = (key: keyof Memory) => (connected > 0 ? (after[key] - before[key]) / connected : Number.NaN);
    const rssPerConnectionBytes = per('rss');
    return {
      system: options.system,
      target,
      cappedBy,
      connected,
      failed,
      firstError: results.find((r) => r.firstError)?.firstError,
      stillHeld,
      connectMs,
      connectsPerS: connectMs > 0 ? (connected * 1000) / connectMs : Number.NaN,
      before,
      after,
      rssPerConnectionBytes,
      heapPerConnectionBytes: per('heapUsed'),
      projected100kBytes: before.rss + rssPerConnectionBytes * 100_000,
      sources,
    };
  } finally {
    await Promise.all(swarms.map((swarm) => swarm.call('close').catch(() => undefined)));
    await Promise.all(swarms.map((swarm) => swarm.stop()));
  }
}
