/**
 * A connection load generator (a child process of bench/connections.ts): opens its share of idle
 * device connections, each group of devices from its own loopback source address (127/8 is all
 * local on Linux) so that no address exceeds the broker's per-address guard or runs out of
 * ports, then holds them with PINGREQs as real devices do.
 */
import type { Socket } from 'node:net';
import { serveParent } from '../lib/child';
import { PINGREQ } from '../lib/mqtt-wire';
import { openFileLimit } from './open-files';
import { connectDevice } from './device-socket';
import { benchDevice } from './devices';

export interface DeviceGroup {
  port: number;
  localAddress: string;
  /** Device indexes first … first + count − 1. */
  first: number;
  count: number;
}

export interface GeneratorRequest {
  host: string;
  salt: string;
  groups: DeviceGroup[];
  keepaliveS: number;
  subscribe: boolean;
  /** Connections being opened at once. */
  concurrency: number;
  /** Device indexes sent a wrong secret on purpose (they must be refused). */
  wrongSecret?: number[];
}

export interface GeneratorResult {
  attempted: number;
  connected: number;
  subscribed: number;
  /** Refused at CONNACK, by return code. */
  refused: Record<string, number>;
  failed: number;
  firstFailure: string | undefined;
  connectMs: number;
  /** Connections established per broker port. */
  perPort: Record<string, number>;
}

export interface GeneratorStatus {
  open: number;
  /** Connections the broker closed after accepting them. */
  dropped: number;
  rss: number;
  heapUsed: number;
  openFileLimit: number;
}

/** Source ports chosen here from 10000 up: bind() with port 0 scans every bound port. */
const FIRST_PORT = 10_000;
const LAST_PORT = 65_535;

const sockets = new Set<Socket>();
let dropped = 0;
let pinger: NodeJS.Timeout | undefined;

async function open(request: GeneratorRequest): Promise<GeneratorResult> {
  const wrong = new Set(request.wrongSecret ?? []);
  const jobs = request.groups.flatMap((group) =>
    Array.from({ length: group.count }, (_, i) => ({ group, index: group.first + i })),
  );
  const nextPort = new Map<string, number>();
  const result: GeneratorResult = {
    attempted: jobs.length,
    connected: 0,
    subscribed: 0,
    refused: {},
    failed: 0,
    firstFailure: undefined,
    connectMs: 0,
    perPort: {},
  };
  const started = performance.now();
  const openOne = async ({ group, index }: (typeof jobs)[number]) => {
    const device = benchDevice(index, request.salt);
    if (wrong.has(index)) device.secret = `${device.secret}-wrong`;
    for (;;) {
      const localPort = nextPort.get(group.localAddress) ?? FIRST_PORT;
      if (localPort > LAST_PORT) throw new Error(`no source ports left on ${group.localAddress}`);
      nextPort.set(group.localAddress, localPort + 1);
      const outcome = await connectDevice(
        { host: request.host, port: group.port, localAddress: group.localAddress, localPort },
        device,
        { keepaliveS: request.keepaliveS, subscribe: request.subscribe, timeoutMs: 60_000 },
      );
      // A port another process holds on that address (or a TIME_WAIT of an earlier run): next.
      if (!outcome.ok && outcome.addressInUse) continue;
      if (outcome.ok) {
        const { socket } = outcome;
        sockets.add(socket);
        socket.once('close', () => {
          if (sockets.delete(socket)) dropped++;
        });
        result.connected++;
        if (outcome.subscribed) result.subscribed++;
        result.perPort[group.port] = (result.perPort[group.port] ?? 0) + 1;
      } else if (outcome.refusedCode !== undefined) {
        result.refused[outcome.refusedCode] = (result.refused[outcome.refusedCode] ?? 0) + 1;
      } else {
        result.failed++;
        result.firstFailure ??= `${device.id}: ${outcome.reason}`;
      }
      return;
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await openOne(jobs[next++]!);
  };
  await Promise.all(Array.from({ length: request.concurrency }, worker));
  result.connectMs = performance.now() - started;
  pinger ??= setInterval(
    () => sockets.forEach((socket) => socket.write(PINGREQ)),
    (request.keepaliveS * 1000) / 2,
  );
  return result;
}

function status(): GeneratorStatus {
  const memory = process.memoryUsage();
  return {
    open: sockets.size,
    dropped,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    openFileLimit: openFileLimit(),
  };
}

async function close(): Promise<void> {
  clearInterval(pinger);
  // DISCONNECT: a clean goodbye, so the brokers publish no wills; they close first, so
  // TIME_WAIT lands on their side and the next run can reuse these source ports.
  const goodbye = Buffer.from([0xe0, 0]);
  const open = [...sockets];
  sockets.clear();
  for (const socket of open) socket.end(goodbye);
  await new Promise((wake) => setTimeout(wake, 1000));
  for (const socket of open) socket.destroy();
}

serveParent({ pid: process.pid, openFileLimit: openFileLimit() }, { open, status, close }, close);
