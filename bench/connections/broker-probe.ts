/**
 * Preloaded (`--import`) into a real broker process (broker/src/main.ts) by the connection bench:
 * answers the bench's questions over the IPC channel without touching the broker's code. Node's
 * own view is enough: memory after a full GC, CPU time, open TCP sockets, the open-file limit.
 */
import { writeHeapSnapshot } from 'node:v8';
import { openFileLimit } from './open-files';

export interface BrokerProbeReading {
  pid: number;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  /** User + system CPU time since start, µs. */
  cpuMicros: number;
  /** TCP sockets open in this process (device connections and the broker's own). */
  tcpSockets: number;
  openFileLimit: number;
}

export type ProbeCall = { kind: 'probe'; id: number; method: 'read' | 'snapshot'; path?: string };
export type ProbeReply = { kind: 'probe-reply'; id: number; ok: boolean; result?: unknown; error?: string };

function read(): BrokerProbeReading {
  const collect = (globalThis as { gc?: () => void }).gc;
  // Twice: the first full GC may only queue weak callbacks (WeakMaps of closed clients).
  collect?.();
  collect?.();
  const memory = process.memoryUsage();
  const cpu = process.cpuUsage();
  return {
    pid: process.pid,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    cpuMicros: cpu.user + cpu.system,
    tcpSockets: process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length,
    openFileLimit: openFileLimit(),
  };
}

process.on('message', (message: ProbeCall) => {
  if (typeof message !== 'object' || message === null || message.kind !== 'probe') return;
  let reply: ProbeReply;
  try {
    const result = message.method === 'snapshot' ? writeHeapSnapshot(message.path) : read();
    reply = { kind: 'probe-reply', id: message.id, ok: true, result };
  } catch (error) {
    reply = { kind: 'probe-reply', id: message.id, ok: false, error: String(error) };
  }
  process.send?.(reply);
});
