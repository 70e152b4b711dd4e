import { STANDARD_DEVICE_TYPES, deviceTopic, type DeviceTopicKind } from '@gridsense/core';
import type { DeviceCredential } from '@gridsense/state';
import fc from 'fast-check';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { exchange } from './raw-socket';
import { TargetDown, type EntryPoint } from './runner';
import type { FuzzTarget } from './target';

type ProtocolVersion = 3 | 4 | 5;

const LANES = 4;

/** One generated connection: raw bytes, either first thing or after a real device's CONNECT. */
interface Connection {
  asDevice: boolean;
  /** How the packets are written; a device always logs in with 3.1.1 (aedes does not speak 5). */
  protocolVersion: 4 | 5;
  /** Packet shapes the bytes were made from (for the report), then the bytes. */
  shapes: string[];
  bytes: Buffer;
}

const qos = fc.constantFrom(0 as const, 1 as const, 2 as const);
const messageId = fc.integer({ min: 0, max: 65_535 });
const shortText = fc.string({ maxLength: 24 });

/** Topics a device might try: its own, another's, wildcards, system and service topics, junk. */
function topics(devices: DeviceCredential[]): fc.Arbitrary<string> {
  const kind = fc.constantFrom<DeviceTopicKind>('telemetry', 'event', 'status');
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc.tuple(fc.constantFrom(...devices), kind).map(([d, k]) => deviceTopic(d.gridId, d.id, k)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '#',
        '+/+',
        'gs/v1/#',
        'gs/v1/+/+/telemetry',
        '$SYS/#',
        '$share/g/#',
        'gridsense/rejected/x',
        'gridsense/bus/case.changed',
        '',
        '/',
        'gs/v1//x/telemetry',
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  );
}

/** Payloads: readings shaped as the contract says with values in and out of range, and junk. */
const payloads: fc.Arbitrary<Buffer> = (() => {
  const metricNames = [
    ...new Set(Object.values(STANDARD_DEVICE_TYPES).flatMap((t) => Object.keys(t.metrics))),
  ];
  const metricValue = fc.oneof(
    fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    fc.integer({ min: -10, max: 200 }),
    fc.boolean(),
    fc.jsonValue({ maxDepth: 1 }),
  );
  const reading = fc.record(
    {
      ts: fc.oneof(fc.constant(Date.now()), fc.integer(), fc.double(), fc.string()),
      seq: fc.oneof(fc.nat(), fc.integer(), fc.constant(-1), fc.double()),
      metrics: fc.dictionary(fc.oneof(fc.constantFrom(...metricNames), shortText), metricValue, {
        maxKeys: 5,
      }),
      type: fc.string({ maxLength: 20 }),
    },
    { requiredKeys: [] },
  );
  return fc.oneof(
    { weight: 3, arbitrary: reading.map((r) => Buffer.from(JSON.stringify(r))) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => Buffer.from(JSON.stringify(v) ?? '')) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 120 }).map((b) => Buffer.from(b)) },
  );
})();

/** Packet shapes mqtt-packet can write: all fifteen types, fields across their ranges. */
function packets(devices: DeviceCredential[]): fc.Arbitrary<Packet> {
  const topic = topics(devices);
  const device = fc.constantFrom(...devices);
  const connect = fc
    .record({
      protocolId: fc.constantFrom('MQTT' as const, 'MQIsdp' as const),
      protocolVersion: fc.constantFrom<ProtocolVersion>(3, 4, 5),
      clientId: fc.oneof(
        device.map((d) => d.id),
        fc.constantFrom('gridsense-bus', 'gridsense-ingest', ''),
        shortText,
      ),
      clean: fc.boolean(),
      keepalive: fc.integer({ min: 0, max: 65_535 }),
      username: fc.option(
        fc.oneof(
          device.map((d) => d.id),
          shortText,
        ),
        { nil: undefined },
      ),
      password: fc.option(
        fc
          .oneof(
            device.map((d) => d.secret),
            shortText,
          )
          .map((s) => Buffer.from(s)),
        { nil: undefined },
      ),
      will: fc.option(fc.record({ topic, payload: payloads, qos, retain: fc.boolean() }), { nil: undefined }),
    })
    .map((fields) => ({ cmd: 'connect' as const, ...fields }));
  const publish = fc
    .record({ topic, payload: payloads, qos, retain: fc.boolean(), dup: fc.boolean(), messageId })
    .map((fields) => ({ cmd: 'publish' as const, ...fields }));
  const subscribe = fc
    .record({ messageId, subscriptions: fc.array(fc.record({ topic, qos }), { minLength: 1, maxLength: 3 }) })
    .map((fields) => ({ cmd: 'subscribe' as const, ...fields }));
  const unsubscribe = fc
    .record({ messageId, unsubscriptions: fc.array(topic, { minLength: 1, maxLength: 3 }) })
    .map((fields) => ({ cmd: 'unsubscribe' as const, ...fields }));
  const acknowledgement = fc
    .record({
      cmd: fc.constantFrom(
        'puback' as const,
        'pubrec' as const,
        'pubrel' as const,
        'pubcomp' as const,
        'unsuback' as const,
      ),
      messageId,
    })
    .map((p) => p as Packet);
  const bare = fc.constantFrom<Packet>(
    { cmd: 'pingreq' },
    { cmd: 'pingresp' },
    { cmd: 'disconnect' },
    { cmd: 'connack', returnCode: 0, sessionPresent: false },
    { cmd: 'suback', messageId: 1, granted: [0, 1, 128] },
    { cmd: 'auth', reasonCode: 0 },
  );
  return fc.oneof(
    { weight: 2, arbitrary: connect },
    { weight: 6, arbitrary: publish },
    { weight: 2, arbitrary: subscribe },
    { weight: 1, arbitrary: unsubscribe },
    { weight: 2, arbitrary: acknowledgement },
    { weight: 2, arbitrary: bare },
  );
}

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; count: number }
  | { op: 'truncate'; at: number }
  | { op: 'length'; value: number };

const mutations: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    value: fc.constantFrom(0x00, 0x7f, 0x80, 0xff, 0x30, 0x10),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), count: fc.integer({ min: 1, max: 8 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  // The remaining length, rewritten: too short, too long, or a varint that never ends.
  fc.record({
    op: fc.constant('length' as const),
    value: fc.constantFrom(0, 1, 2, 127, 128, 0x3fff, 0x1fffff, 0xfffffff),
  }),
);

function mutate(bytes: Buffer, list: Mutation[]): Buffer {
  let out = Buffer.from(bytes);
  for (const m of list) {
    const at = out.length === 0 ? 0 : ('at' in m ? m.at : 0) % out.length;
    switch (m.op) {
      case 'flip':
        if (out.length > 0) out[at] = out[at]! ^ (1 << m.bit);
        break;
      case 'set':
        if (out.length > 0) out[at] = m.value;
        break;
      case 'insert':
        out = Buffer.concat([out.subarray(0, at), m.bytes, out.subarray(at)]);
        break;
      case 'delete':
        out = Buffer.concat([out.subarray(0, at), out.subarray(at + m.count)]);
        break;
      case 'truncate':
        out = out.subarray(0, at);
        break;
      case 'length': {
        const varint: number[] = [];
        let rest = m.value;
        do {
          varint.push((rest % 128) | (rest >= 128 ? 0x80 : 0));
          rest = Math.floor(rest / 128);
        } while (rest > 0);
        let end = 1;
        while (end < out.length && end < 5 && out[end]! & 0x80) end += 1;
        out = Buffer.concat([out.subarray(0, 1), Buffer.from(varint), out.subarray(end + 1)]);
        break;
      }
    }
  }
  return out;
}

/** A packet's bytes, or (when the shape is one mqtt-packet will not write) its JSON as junk. */
function encode(packet: Packet, protocolVersion: ProtocolVersion): Buffer {
  try {
    return mqttPacket.generate(packet, { protocolVersion });
  } catch {
    return Buffer.from(JSON.stringify(packet));
  }
}

function connections(devices: DeviceCredential[]): fc.Arbitrary<Connection> {
  const piece = fc.oneof(
    { weight: 3, arbitrary: fc.tuple(packets(devices), fc.array(mutations, { minLength: 1, maxLength: 3 })) },
    { weight: 1, arbitrary: fc.tuple(packets(devices), fc.constant([] as Mutation[])) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }) },
  );
  return fc
    .record({
      asDevice: fc.boolean(),
      protocolVersion: fc.constantFrom(4 as const, 5 as const),
      pieces: fc.array(piece, { minLength: 1, maxLength: 4 }),
    })
    .map(({ asDevice, protocolVersion, pieces }) => {
      const shapes: string[] = [];
      const parts = pieces.map((p) => {
        if (p instanceof Uint8Array) {
          shapes.push(`random ${Buffer.from(p).toString('hex')}`);
          return Buffer.from(p);
        }
        const [packet, list] = p;
        const bytes = mutate(encode(packet, protocolVersion), list);
        shapes.push(`${packet.cmd} ${list.map((m) => m.op).join('+') || 'as is'}: ${bytes.toString('hex')}`);
        return bytes;
      });
      return { asDevice, protocolVersion, shapes, bytes: Buffer.concat(parts) };
    });
}

/** CONNACK's return code, once its four bytes have arrived. */
const connackCode = (bytes: Buffer): number | undefined =>
  bytes.length >= 4 && bytes[0] === 0x20 ? bytes[3] : undefined;

/**
 * (e) MQTT as raw bytes on the broker's TCP port: packets of every type written by mqtt-packet
 * and then mutated (bit flips, inserted and deleted bytes, truncation, rewritten remaining
 * lengths), plus random bytes, sent first thing or after a real device's CONNECT. A real device
 * must always be let in; whatever follows may only cost that one connection.
 */
export function mqttRawEntryPoint(target: FuzzTarget): EntryPoint<Connection[]> {
  const devices = target.mqttDevices;
  const perLane = Math.floor(devices.length / LANES);
  const counters = { closed_by_broker: 0, held_open: 0 };

  const sendOne = async (connection: Connection, device: DeviceCredential): Promise<void> => {
    const login = mqttPacket.generate(
      {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion: 4,
        clientId: device.id,
        username: device.id,
        password: Buffer.from(device.secret),
        clean: true,
        keepalive: 60,
      },
      { protocolVersion: 4 },
    );
    let refusedCode: number | undefined;
    const result = await exchange(target.mqttPort, connection.asDevice ? login : connection.bytes, {
      timeoutMs: 2_000,
      endAfterWrite: true,
      then: connection.asDevice
        ? async (socket, received) => {
            await new Promise<void>((resolve) => {
              const check = () => {
                if (connackCode(received()) === undefined && !socket.destroyed) return;
                socket.off('data', check);
                socket.off('close', check);
                resolve();
              };
              socket.on('data', check);
              socket.on('close', check);
              check();
            });
            const code = connackCode(received());
            if (code !== 0) refusedCode = code ?? -1;
            else socket.write(connection.bytes);
          }
        : undefined,
    });
    if (result.refused) throw new TargetDown('MQTT connection refused');
    if (refusedCode !== undefined)
      throw new Error(`device ${device.id} was refused (CONNACK ${refusedCode})`);
    if (result.closedByServer) counters.closed_by_broker += 1;
    else counters.held_open += 1;
  };

  return {
    lanes: LANES,
    counters,
    // One device per connection in a batch and lane, so no two take each other's session over.
    cases: fc.array(connections(devices), { minLength: 1, maxLength: perLane, size: 'max' }),
    async send(batch, lane) {
      await Promise.all(batch.map((c, i) => sendOne(c, devices[lane * perLane + i]!)));
      return batch.length;
    },
  };
}
