/**
 * The load generator (a child process): one MQTT connection per device, QoS 1 telemetry with
 * 4 metrics per message, paced at a fixed total rate — every few ms it sends what the clock says
 * is due, spread round-robin over the connections — never a burst. Same code for every system.
 */
import { performance } from 'node:perf_hooks';
import type { Socket } from 'node:net';
import { serveParent } from '../lib/child';
import { PINGREQ, connectRaw, encodePublishQos1, encodeTopic } from '../lib/mqtt-wire';
import type { BenchDevice, StepRequest, StepResult } from './load-types';

interface Connection {
  device: BenchDevice;
  socket: Socket;
  topic: Buffer;
  nextPacketId: number;
  inflight: number;
  seq: number;
  lastTs: number;
  open: boolean;
  /** Send time of sampled messages, by packet id, for the publish→PUBACK latency. */
  sampled: Map<number, number>;
  step: { sent: number; firstSeq: number; firstTs: number; lastTs: number };
}

const KEEPALIVE_S = 60;
const CONNECT_CONCURRENCY = 50;
const SAMPLE_EVERY = 32;
/** The pacing loop's period; at 40,000 msg/s that is ~80 messages per turn over all connections. */
const TICK_MS = 2;

const SMOKE = Array.from({ length: 7 }, (_, i) => (0.1 + i * 0.03).toFixed(2));
const TEMPERATURE = Array.from({ length: 11 }, (_, i) => (21 + i * 0.1).toFixed(1));
const HUMIDITY = Array.from({ length: 13 }, (_, i) => (40 + i * 0.5).toFixed(1));

/** A normal smoke-detector reading plus humidity: 4 metrics, all in range, no rule fires. */
function payload(ts: number, seq: number): string {
  return (
    `{"ts":${ts},"seq":${seq},"metrics":{"smoke":${SMOKE[seq % 7]},"temperature":${TEMPERATURE[seq % 11]},` +
    `"battery":88.5,"humidity":${HUMIDITY[seq % 13]}}}`
  );
}

const connections: Connection[] = [];
let disconnects = 0;
let acked = 0;
let pinger: NodeJS.Timeout | undefined;
const ackLatencies: number[] = [];

async function connect(args: {
  host: string;
  port: number;
  devices: BenchDevice[];
  firstSeq: number;
}): Promise<{ connected: number }> {
  const queue = [...args.devices];
  const worker = async () => {
    for (let device = queue.shift(); device; device = queue.shift()) {
      const connection = {
        device,
        nextPacketId: 1,
        inflight: 0,
        seq: args.firstSeq,
        lastTs: 0,
        open: true,
      } as Connection;
      connection.sampled = new Map();
      connection.step = { sent: 0, firstSeq: 0, firstTs: 0, lastTs: 0 };
      connection.topic = encodeTopic(`gs/v1/${device.gridId}/${device.id}/telemetry`);
      connection.socket = await connectRaw(
        { host: args.host, port: args.port },
        {
          clientId: device.id,
          username: device.id,
          password: device.secret,
          clean: false,
          keepaliveS: KEEPALIVE_S,
        },
        (packet) => {
          if (packet.type !== 'puback') return;
          connection.inflight--;
          acked++;
          const sentAt = connection.sampled.get(packet.packetId);
          if (sentAt !== undefined) {
            connection.sampled.delete(packet.packetId);
            ackLatencies.push(performance.now() - sentAt);
          }
        },
      );
      connection.socket.on('close', () => {
        if (connection.open) disconnects++;
        connection.open = false;
      });
      connections.push(connection);
    }
  };
  await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
  // connect may be called once per broker node (the cluster scenario); one pinger serves them all.
  pinger ??= setInterval(
    () => connections.forEach((c) => c.open && c.socket.write(PINGREQ)),
    (KEEPALIVE_S * 1000) / 2,
  ).unref();
  return { connected: connections.length };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function run(request: StepRequest): Promise<StepResult> {
  const total = Math.round((request.rate * request.durationMs) / 1000);
  const maxInflight = Math.min(request.maxInflight, 60_000);
  for (const connection of connections)
    connection.step = { sent: 0, firstSeq: connection.seq, firstTs: 0, lastTs: 0 };
  const [disconnectsBefore, ackedBefore] = [disconnects, acked];
  ackLatencies.length = 0;
  const windowFrom = Date.now();
  const start = performance.now();
  const giveUpAt = start + request.durationMs * 1.5 + 1000;
  let sent = 0;
  let cursor = 0;
  let behindMax = 0;

  await new Promise<void>((finished) => {
    const turn = () => {
      const now = performance.now();
      const due = Math.min(total, Math.floor((request.rate * (now - start)) / 1000)) - sent;
      behindMax = Math.max(behindMax, due);
      const batches = new Map<Connection, Buffer[]>();
      let skipped = 0;
      for (let n = 0; n < due && skipped < connections.length;) {
        const connection = connections[cursor]!;
        cursor = (cursor + 1) % connections.length;
        if (!connection.open || connection.inflight >= maxInflight) {
          skipped++;
          continue;
        }
        skipped = 0;
        n++;
        // Distinct ts per device: InfluxDB keeps one point per series and ms.
        const ts = Math.max(Date.now(), connection.lastTs + 1);
        const packetId = connection.nextPacketId;
        connection.nextPacketId = packetId === 65_535 ? 1 : packetId + 1;
        if (sent % SAMPLE_EVERY === 0) connection.sampled.set(packetId, now);
        const buffers = batches.get(connection) ?? [];
        buffers.push(encodePublishQos1(connection.topic, packetId, payload(ts, connection.seq)));
        batches.set(connection, buffers);
        if (connection.step.sent === 0) connection.step.firstTs = ts;
        connection.step.lastTs = ts;
        connection.step.sent++;
        connection.lastTs = ts;
        connection.seq++;
        connection.inflight++;
        sent++;
      }
      for (const [connection, buffers] of batches) connection.socket.write(Buffer.concat(buffers));
      if (sent >= total || performance.now() > giveUpAt) return finished();
      setTimeout(turn, TICK_MS);
    };
    turn();
  });
  const sendMs = performance.now() - start;
  const drainDeadline = performance.now() + request.drainTimeoutMs;
  while (acked - ackedBefore < sent && performance.now() < drainDeadline)
    await new Promise((wake) => setTimeout(wake, 5));
  const drainMs = performance.now() - start - sendMs;
  const latencies = [...ackLatencies].sort((a, b) => a - b);
  return {
    rate: request.rate,
    durationMs: request.durationMs,
    planned: total,
    sent,
    acked: acked - ackedBefore,
    sendMs,
    drainMs,
    behindMax,
    disconnects: disconnects - disconnectsBefore,
    ackP50Ms: percentile(latencies, 50),
    ackP99Ms: percentile(latencies, 99),
    windowFrom,
    windowTo: Date.now(),
    perDevice: connections.map((c) => ({ id: c.device.id, ...c.step })),
  };
}

async function close(): Promise<void> {
  for (const connection of connections) {
    connection.open = false;
    connection.socket.end(Buffer.from([0xe0, 0]));
  }
  await new Promise((wake) => setTimeout(wake, 100));
  for (const connection of connections) connection.socket.destroy();
}

serveParent({ pid: process.pid }, { connect, run, close }, close);
