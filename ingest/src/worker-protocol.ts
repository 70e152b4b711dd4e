import {
  deviceTopic,
  type BusEventName,
  type Config,
  type DeviceTopic,
  type DeviceTopicKind,
} from '@gridsense/core';
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

/** Topics numbered before the packer starts again from none (its table and the worker's). */
export const TOPICS_KEPT = 100_000;

/**
 * Device messages gathered during one turn of the broker's event loop, packed at `take()` into
 * one buffer. A device publishes to the same few topics again and again, so each topic is sent
 * once, numbered, and then named by its number: the buffer starts with a flag (1: forget the
 * numbered topics first), the count of topics new in this batch and each (kind u8, grid and
 * device id as u16 length + UTF-8); then per message its id (u32), topic number (u32) and
 * payload (u32 length + bytes).
 */
export class MessagePacker {
  private ids: number[] = [];
  private topicNumbers: number[] = [];
  private payloads: Uint8Array[] = [];
  private bytes = 0;
  /** By object first (the embedded broker hands the same object for a device's topic)... */
  private numberOf = new WeakMap<DeviceTopic, number>();
  /** ...then by name (a subscriber parses every message's topic afresh). */
  private readonly numberByName = new Map<string, number>();
  private fresh: DeviceTopic[] = [];
  private freshBytes = 0;
  private forget = false;

  constructor(private readonly topicsKept = TOPICS_KEPT) {}

  get count(): number {
    return this.ids.length;
  }

  add(id: number, topic: DeviceTopic, payload: Uint8Array): void {
    this.ids.push(id);
    this.topicNumbers.push(this.topicNumber(topic));
    this.payloads.push(payload);
    this.bytes += 4 + 4 + 4 + payload.length;
  }

  private topicNumber(topic: DeviceTopic): number {
    const known = this.numberOf.get(topic);
    if (known !== undefined) return known;
    const name = deviceTopic(topic.gridId, topic.deviceId, topic.kind);
    let number = this.numberByName.get(name);
    if (number === undefined) {
      number = this.numberByName.size;
      this.numberByName.set(name, number);
      this.fresh.push(topic);
      this.freshBytes += 1 + 2 + Buffer.byteLength(topic.gridId) + 2 + Buffer.byteLength(topic.deviceId);
    }
    this.numberOf.set(topic, number);
    return number;
  }

  /** The packed batch (its buffer is to be transferred) and an empty packer. */
  take(): { buffer: ArrayBuffer; count: number } {
    const buffer = new ArrayBuffer(1 + 4 + this.freshBytes + this.bytes);
    const out = Buffer.from(buffer);
    out[0] = this.forget ? 1 : 0;
    out.writeUInt32LE(this.fresh.length, 1);
    let at = 5;
    const writeText = (text: string) => {
      const length = out.write(text, at + 2, 'utf8');
      out.writeUInt16LE(length, at);
      at += 2 + length;
    };
    for (const topic of this.fresh) {
      out[at++] = KIND_CODE[topic.kind];
      writeText(topic.gridId);
      writeText(topic.deviceId);
    }
    for (let i = 0; i < this.ids.length; i++) {
      const payload = this.payloads[i]!;
      out.writeUInt32LE(this.ids[i]!, at);
      out.writeUInt32LE(this.topicNumbers[i]!, at + 4);
      out.writeUInt32LE(payload.length, at + 8);
      out.set(payload, at + 12);
      at += 12 + payload.length;
    }
    const count = this.ids.length;
    this.ids = [];
    this.topicNumbers = [];
    this.payloads = [];
    this.bytes = 0;
    this.fresh = [];
    this.freshBytes = 0;
    this.forget = false;
    // Past the limit (devices come and go), numbering starts again from none with the next batch.
    if (this.numberByName.size >= this.topicsKept) {
      this.numberByName.clear();
      this.numberOf = new WeakMap();
      this.forget = true;
    }
    return { buffer, count };
  }
}

/** A packed batch read back: payloads are views into the batch's buffer. */
export interface UnpackedMessages {
  ids: number[];
  topics: DeviceTopic[];
  payloads: Buffer[];
}

/**
 * The worker's side of the numbered topics: one object per topic, shared by all its messages
 * (no strings decoded per message, and every map keyed by device id sees the same string).
 */
export class TopicTable {
  private topics: DeviceTopic[] = [];

  unpack(buffer: ArrayBuffer, count: number): UnpackedMessages {
    const input = Buffer.from(buffer);
    if (input[0] === 1) this.topics = [];
    const fresh = input.readUInt32LE(1);
    let at = 5;
    const readText = () => {
      const length = input.readUInt16LE(at);
      const text = input.toString('utf8', at + 2, at + 2 + length);
      at += 2 + length;
      return text;
    };
    for (let i = 0; i < fresh; i++) {
      const kind = KINDS[input[at++]!]!;
      const gridId = readText();
      const deviceId = readText();
      this.topics.push({ gridId, deviceId, kind });
    }
    const ids = new Array<number>(count);
    const topics = new Array<DeviceTopic>(count);
    const payloads = new Array<Buffer>(count);
    for (let i = 0; i < count; i++) {
      ids[i] = input.readUInt32LE(at);
      const topic = this.topics[input.readUInt32LE(at + 4)];
      if (!topic) throw new Error(`device message names topic ${input.readUInt32LE(at + 4)}, never sent`);
      topics[i] = topic;
      const length = input.readUInt32LE(at + 8);
      payloads[i] = input.subarray(at + 12, at + 12 + length);
      at += 12 + length;
    }
    return { ids, topics, payloads };
  }
}
