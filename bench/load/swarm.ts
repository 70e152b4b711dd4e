/**
 * A connection swarm (a child process): opens many device connections from one source address
 * (127.0.0.x, ~28,000 ephemeral ports each) and holds them, pinging as real devices do. Each
 * connection is a bare socket and a few bytes of state, so the swarm measures the system, not itself.
 */
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { serveParent } from '../lib/child';
import { DISCONNECT, PINGREQ, connectRaw } from '../lib/mqtt-wire';
import type { BenchDevice, SwarmRequest, SwarmResult } from './load-types';

const KEEPALIVE_S = 60;
const sockets: Socket[] = [];
let pinger: NodeJS.Timeout | undefined;

/**
 * Source ports are chosen here, not by the kernel: bind() to a source address with port 0 scans
 * every port already bound, which made 15,000 connections take 33 s instead of a few seconds.
 * From 10000 up there are ~55,000 ports per source address; one in use is skipped.
 */
const FIRST_PORT = 10_000;
const LAST_PORT = 65_535;

async function open(request: SwarmRequest): Promise<SwarmResult> {
  const queue = [...request.devices];
  let [connected, failed] = [0, 0];
  let nextPort = FIRST_PORT;
  let firstError: string | undefined;
  const start = performance.now();
  const connectOne = async (device: BenchDevice): Promise<Socket> => {
    for (;;) {
      if (nextPort > LAST_PORT) throw new Error(`no source ports left on ${request.localAddress}`);
      const localPort = nextPort++;
      try {
        return await connectRaw(
          { host: request.host, port: request.port, localAddress: request.localAddress, localPort },
          {
            clientId: device.id,
            username: device.id,
            password: device.secret,
            clean: false,
            keepaliveS: KEEPALIVE_S,
            // The device contract's last will: the broker keeps one per connection.
            will: {
              topic: `gs/v1/${device.gridId}/${device.id}/status`,
              payload: '{"state":"offline"}',
              qos: 1,
              retain: true,
            },
          },
          () => {},
          30_000,
        );
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
      }
    }
  };
  const worker = async () => {
    for (let device = queue.shift(); device; device = queue.shift()) {
      try {
        const socket = await connectOne(device);
        socket.on('error', () => {});
        sockets.push(socket);
        connected++;
      } catch (error) {
        failed++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, worker));
  pinger ??= setInterval(() => sockets.forEach((socket) => socket.write(PINGREQ)), (KEEPALIVE_S * 1000) / 2);
  return {
    localAddress: request.localAddress,
    attempted: request.devices.length,
    connected,
    failed,
    firstError,
    connectMs: performance.now() - start,
  };
}

/** Connections still open (the system may have dropped some while they were held). */
function count(): number {
  return sockets.filter((socket) => !socket.destroyed).length;
}

async function close(): Promise<void> {
  clearInterval(pinger);
  // DISCONNECT first: a clean goodbye, so the system does not publish thousands of wills. The
  // broker then closes first, so TIME_WAIT lands on its side and the next run can reuse our ports.
  for (const socket of sockets) socket.write(DISCONNECT);
  await new Promise((wake) => setTimeout(wake, 500));
  for (const socket of sockets) socket.destroy();
  sockets.length = 0;
}

serveParent({ pid: process.pid }, { open, count, close }, close);
