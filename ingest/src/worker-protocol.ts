import type { BusEventName, Config, DeviceTopic, DeviceTopicKind } from '@gridsense/core';
import type { Ingest } from './ingest-pipeline';

/**
 * The seam between a broker and ingest running in a worker thread: device messages go in as
 * batches packed into one transferred buffer (no object cloned per message), acknowledgements
 * come back as two typed arrays. Whoever feeds it (the embedded broker's publish hook today, an
 * external broker's subscriber later) only packs messages and waits for their outcome codes.
 */

/** What the worker needs to open its own state database, store, spool and rules. */
export interface WorkerStart {
  config: Config;
  /** Which acknowledgement the PUBACK-delay metric measures: the embedded broker's or Mosquitto's. */
  ackPath: 'embedded' | 'external';
}

export const OUTCOME_ACCEPTED = 0;
export const OUTCOME_REJECTED = 1;
/** Not durable (the write failed for good): no PUBACK, the device resends. */
export const OUTCOME_FAILED = 2;

/** What the proxy shows of the worker without asking it (sent with every answer). */
export interface WorkerSnapshot {
  status: ReturnType<Ingest['status']>;
  counters: ReturnType<Ingest['counters']>;
}

export type WorkerCall = 'flush' | 'drained' | 'close' | 'reloadRules' | 'metrics';

export type ToWorker =
  | { type: 'start' }
  | { type: 'messages'; buffer: ArrayBuffer; count: number }
  | { type: 'bus'; sub: number; topic: string; payload: Uint8Array }
  | { type: 'call'; id: number; call: WorkerCall };

export type FromWorker =
  | { type: 'ready'; snapshot: WorkerSnapshot }
  | { type: 'failed'; error: string }
  | {
      type: 'acks';
      ids: Uint32Array;
      outcomes: Uint8Array;
      /** Why each rejected one was rejected, by its index in `ids`. */
      reasons: { index: number; reason: string; detail: string }[];
      /** Failures by index: the error to give the broker (the device is disconnected and resends). */
      errors: { index: number; message: string }[];
      snapshot: WorkerSnapshot;
    }
  | { type: 'publish'; event: BusEventName; payload: unknown }
  | { type: 'subscribe'; sub: number; filter: string }
  | { type: 'unsubscribe'; sub: number }
  | { type: 'touched'; devices: [string, number][] }
  /** Sent a few times a second, so status() moves while no acknowledgement does (spool full). */
  | { type: 'snapshot'; snapshot: WorkerSnapshot }
  | { type: 'reply'; id: number; error?: string; value?: unknown; snapshot: WorkerSnapshot };

const KINDS: readonly DeviceTopicKind[] = ['telemetry', 'event', 'status'];
const KIND_CODE: Record<DeviceTopicKind, number> = { telemetry: 0, event: 1, status: 2 };

/**
 * Device messages gathered during one turn of the broker's event loop, packed at `take()` into
 * one buffer: per message its id (u32), kind (u8), device and grid id (u16 length + UTF-8) and
 * payload (u32 length + bytes).
 */
export class MessagePacker {
  private ids: number[] = [];
  private topics: DeviceTopic[] = [];
  private payloads: Uint8Array[] = [];
  private bytes = 0;

  get count(): number {
    return this.ids.length;
  }

  add(id: number, topic: DeviceTopic, payload: Uint8Array): void {
    this.ids.push(id);
    this.topics.push(topic);
    this.payloads.push(payload);
    this.bytes +=
      4 +
      1 +
      2 +
      Buffer.byteLength(topic.deviceId) +
      2 +
      Buffer.byteLength(topic.gridId) +
      4 +
      payload.length;
  }

  /** The packed batch (its buffer is to be transferred) and an empty packer. */
  take(): { buffer: ArrayBuffer; count: number } {
    const buffer = new ArrayBuffer(this.bytes);
    const out = Buffer.from(buffer);
    let at = 0;
    const writeText = (text: string) => {
      const length = out.write(text, at + 2, 'utf8');
      out.writeUInt16LE(length, at);
      at += 2 + length;
    };
    for (let i = 0; i < this.ids.length; i++) {
      const topic = this.topics[i]!;
      const payload = this.payloads[i]!;
      out.writeUInt32LE(this.ids[i]!, at);
      out[at + 4] = KIND_CODE[topic.kind];
      at += 5;
      writeText(topic.deviceId);
      writeText(topic.gridId);
      out.writeUInt32LE(payload.length, at);
      out.set(payload, at + 4);
      at += 4 + payload.length;
    }
    const count = this.ids.length;
    this.ids = [];
    this.topics = [];
    this.payloads = [];
    this.bytes = 0;
    return { buffer, count };
  }
}

/** Calls `each` for every message of a packed batch; payloads are views into the batch's buffer. */
export function unpackMessages(
  buffer: ArrayBuffer,
  count: number,
  each: (id: number, topic: DeviceTopic, payload: Buffer) => void,
): void {
  const input = Buffer.from(buffer);
  let at = 0;
  const readText = () => {
    const length = input.readUInt16LE(at);
    const text = input.toString('utf8', at + 2, at + 2 + length);
    at += 2 + length;
    return text;
  };
  for (let i = 0; i < count; i++) {
    const id = input.readUInt32LE(at);
    const kind = KINDS[input[at + 4]!]!;
    at += 5;
    const deviceId = readText();
    const gridId = readText();
    const length = input.readUInt32LE(at);
    const payload = input.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    each(id, { gridId, deviceId, kind }, payload);
  }
}
