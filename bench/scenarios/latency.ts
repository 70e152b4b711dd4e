/**
 * Scenario 2: alert latency under load. While the paced load runs at a share of the sustained
 * rate, a probe device in grid G01 publishes a threshold-crossing reading; the clock stops when
 * a socket.io client logged in as G01's on-duty worker receives the case in its room. Then a
 * normal reading clears the risk and, after a pause, the next probe goes from a fresh device
 * (one device toggling every few hundred ms would be held back as flapping). Probe and client live
 * in the orchestrator, which is otherwise idle, so their timestamps are not queued behind load.
 */
import type { CaseView, ClientToServerEvents, ServerToClientEvents } from '@gridsense/core';
import type { Socket as TcpSocket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import type { Child } from '../lib/child';
import { connectRaw, encodePublishQos1, encodeTopic } from '../lib/mqtt-wire';
import type { BenchDevice, StepResult } from '../load/load-types';

export interface LatencyLevel {
  fraction: number;
  rate: number;
  samples: number;
  timeouts: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  /** The background load during the probes, to show it was held. */
  load: StepResult;
}

export interface LatencyOptions {
  httpPort: number;
  mqttPort: number;
  /** Probe devices in one grid, each used for one probe: rules hold back a device that flaps. */
  probes: BenchDevice[];
  worker: { username: string; password: string };
  publisher: Child<unknown>;
  levels: { fraction: number; rate: number }[];
  holdMs: number;
  /** Pause after a probe's risk cleared, before the next probe. */
  gapMs: number;
  maxInflight: number;
  log: (line: string) => void;
}

const PROBE_TIMEOUT_MS = 5000;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** Signs in; the answer is the session cookie (`gs_session=…`), the only place the token travels. */
async function login(baseUrl: string, worker: LatencyOptions['worker']): Promise<string> {
  const response = await fetch(`${baseUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(worker),
  });
  if (response.status !== 200)
    throw new Error(`login ${worker.username}: ${response.status} ${await response.text()}`);
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('gs_session='));
  if (!cookie) throw new Error(`login ${worker.username}: no session cookie`);
  return cookie.split(';')[0]!;
}

/**
 * Resolves with the time the next case:updated for `gridId` with that risk state arrives
 * (undefined on timeout); matching the state keeps a late "cleared" from passing for a probe.
 */
function nextCaseIn(
  socket: Socket<ServerToClientEvents, ClientToServerEvents>,
  gridId: string,
  riskActive: boolean,
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish(undefined), PROBE_TIMEOUT_MS);
    const listener = (view: CaseView) => {
      if (view.gridId === gridId && view.riskActive === riskActive) finish(performance.now());
    };
    const finish = (at: number | undefined) => {
      clearTimeout(timer);
      socket.off('case:updated', listener);
      resolve(at);
    };
    socket.on('case:updated', listener);
  });
}

export async function runAlertLatency(options: LatencyOptions): Promise<LatencyLevel[]> {
  const baseUrl = `http://127.0.0.1:${options.httpPort}`;
  const cookie = await login(baseUrl, options.worker);
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseUrl, {
    extraHeaders: { cookie },
    transports: ['websocket'],
  });
  await new Promise<void>((ready, fail) => {
    socket.once('connect', () => ready());
    socket.once('connect_error', fail);
  });
  const port = options.mqttPort;
  const connections = new Map<string, TcpSocket>();
  const probeDevice = async (device: BenchDevice) => {
    const socket = await connectRaw(
      { host: '127.0.0.1', port },
      { clientId: device.id, username: device.id, password: device.secret, clean: false, keepaliveS: 60 },
      () => {},
    );
    connections.set(device.id, socket);
    const topic = encodeTopic(`gs/v1/${device.gridId}/${device.id}/telemetry`);
    let seq = Date.now();
    return (smoke: number) => {
      const body = `{"ts":${Date.now()},"seq":${seq++},"metrics":{"smoke":${smoke},"temperature":23.1,"battery":90,"humidity":45}}`;
      socket.write(encodePublishQos1(topic, seq % 65_535 || 1, body));
    };
  };
  const unused = [...options.probes];
  const gridId = unused[0]?.gridId ?? 'G01';
  const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

  const levels: LatencyLevel[] = [];
  try {
    for (const level of options.levels) {
      const load = options.publisher.call<StepResult>('run', {
        rate: Math.round(level.rate),
        durationMs: options.holdMs,
        maxInflight: options.maxInflight,
        drainTimeoutMs: 5000,
      });
      await pause(300); // the load is running before the first probe
      const latencies: number[] = [];
      let timeouts = 0;
      const until = performance.now() + options.holdMs - 600;
      while (performance.now() < until) {
        const device = unused.shift();
        if (!device) {
          options.log('  alert latency: out of probe devices; fewer probes at this level');
          break;
        }
        const publish = await probeDevice(device);
        const arrived = nextCaseIn(socket, gridId, true);
        const sentAt = performance.now();
        publish(25); // above the demo rule's critical band (smoke > 10)
        const at = await arrived;
        if (at === undefined) timeouts++;
        else latencies.push(at - sentAt);
        const cleared = nextCaseIn(socket, gridId, false);
        publish(0.1); // back below clearAtOrBelow: the risk clears
        await Promise.race([cleared, pause(options.gapMs)]);
        await pause(options.gapMs);
      }
      const sorted = latencies.sort((a, b) => a - b);
      const result: LatencyLevel = {
        ...level,
        samples: sorted.length,
        timeouts,
        p50Ms: percentile(sorted, 50),
        p95Ms: percentile(sorted, 95),
        p99Ms: percentile(sorted, 99),
        maxMs: sorted.at(-1) ?? Number.NaN,
        load: await load,
      };
      options.log(
        `  alert latency at ${Math.round(level.fraction * 100)} % (${Math.round(level.rate)} msg/s): ` +
          `p50 ${result.p50Ms.toFixed(1)} ms, p95 ${result.p95Ms.toFixed(1)}, p99 ${result.p99Ms.toFixed(1)} (${sorted.length} probes, ${timeouts} timeouts)`,
      );
      levels.push(result);
    }
  } finally {
    socket.disconnect();
    for (const connection of connections.values()) connection.destroy();
  }
  return levels;
}
