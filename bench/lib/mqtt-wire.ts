/**
 * The few MQTT 3.1.1 packets the load generator needs, encoded by hand. A general client
 * (mqtt.js) spends more CPU per message than some of the systems it would be measuring, and
 * 100,000 idle connections need a few hundred bytes each, not a client object each.
 */
import net from 'node:net';

export interface ConnectOptions {
  clientId: string;
  username?: string;
  password?: string;
  clean: boolean;
  keepaliveS: number;
  will?: { topic: string; payload: string; qos: 0 | 1; retain: boolean };
}

function remainingLength(length: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = length % 128;
    length = Math.floor(length / 128);
    if (length > 0) byte |= 0x80;
    bytes.push(byte);
  } while (length > 0);
  return bytes;
}

function utf8Field(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const field = Buffer.allocUnsafe(2 + body.length);
  field.writeUInt16BE(body.length, 0);
  body.copy(field, 2);
  return field;
}

function packet(type: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([type, ...remainingLength(body.length)]), body]);
}

export function encodeConnect(options: ConnectOptions): Buffer {
  let flags = options.clean ? 0x02 : 0;
  const payload = [utf8Field(options.clientId)];
  if (options.will) {
    flags |= 0x04 | (options.will.qos << 3) | (options.will.retain ? 0x20 : 0);
    payload.push(utf8Field(options.will.topic), utf8Field(options.will.payload));
  }
  if (options.username !== undefined) {
    flags |= 0x80;
    payload.push(utf8Field(options.username));
  }
  if (options.password !== undefined) {
    flags |= 0x40;
    payload.push(utf8Field(options.password));
  }
  const header = Buffer.from([
    0,
    4,
    0x4d,
    0x51,
    0x54,
    0x54,
    4,
    flags,
    options.keepaliveS >> 8,
    options.keepaliveS & 0xff,
  ]);
  return packet(0x10, Buffer.concat([header, ...payload]));
}

/** A QoS 1 PUBLISH; `topic` is pre-encoded (utf8Field) because it repeats for every message. */
export function encodePublishQos1(topicField: Buffer, packetId: number, payload: string): Buffer {
  const payloadLength = Buffer.byteLength(payload);
  const length = topicField.length + 2 + payloadLength;
  const lengthBytes = remainingLength(length);
  const out = Buffer.allocUnsafe(1 + lengthBytes.length + length);
  out[0] = 0x32;
  let offset = 1;
  for (const byte of lengthBytes) out[offset++] = byte;
  offset += topicField.copy(out, offset);
  out.writeUInt16BE(packetId, offset);
  out.write(payload, offset + 2, 'utf8');
  return out;
}

export { utf8Field as encodeTopic };

export function encodePuback(packetId: number): Buffer {
  return Buffer.from([0x40, 2, packetId >> 8, packetId & 0xff]);
}

export function encodeSubscribe(packetId: number, filter: string, qos: 0 | 1): Buffer {
  return packet(
    0x82,
    Buffer.concat([Buffer.from([packetId >> 8, packetId & 0xff]), utf8Field(filter), Buffer.from([qos])]),
  );
}

export const PINGREQ = Buffer.from([0xc0, 0]);
export const DISCONNECT = Buffer.from([0xe0, 0]);

export type Incoming =
  | { type: 'connack'; returnCode: number }
  | { type: 'puback'; packetId: number }
  | { type: 'suback'; packetId: number }
  | { type: 'pingresp' }
  | { type: 'publish'; topic: string; qos: number; packetId: number; payload: Buffer }
  | { type: 'other'; code: number };

/** Splits a byte stream into packets; returns a function to feed chunks to. */
export function createDecoder(onPacket: (packet: Incoming) => void): (chunk: Buffer) => void {
  let pending: Buffer = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    let offset = 0;
    for (;;) {
      if (pending.length - offset < 2) break;
      let length = 0;
      let multiplier = 1;
      let index = offset + 1;
      let complete = false;
      while (index < pending.length) {
        const byte = pending[index++]!;
        length += (byte & 0x7f) * multiplier;
        multiplier *= 128;
        if ((byte & 0x80) === 0) {
          complete = true;
          break;
        }
      }
      if (!complete || pending.length < index + length) break;
      onPacket(decodeOne(pending[offset]!, pending.subarray(index, index + length)));
      offset = index + length;
    }
    pending = offset === pending.length ? Buffer.alloc(0) : pending.subarray(offset);
  };
}

function decodeOne(first: number, body: Buffer): Incoming {
  switch (first >> 4) {
    case 2:
      return { type: 'connack', returnCode: body[1] ?? 255 };
    case 4:
      return { type: 'puback', packetId: body.readUInt16BE(0) };
    case 9:
      return { type: 'suback', packetId: body.readUInt16BE(0) };
    case 13:
      return { type: 'pingresp' };
    case 3: {
      const qos = (first >> 1) & 3;
      const topicLength = body.readUInt16BE(0);
      const topic = body.toString('utf8', 2, 2 + topicLength);
      let offset = 2 + topicLength;
      const packetId = qos > 0 ? body.readUInt16BE(offset) : 0;
      if (qos > 0) offset += 2;
      return { type: 'publish', topic, qos, packetId, payload: body.subarray(offset) };
    }
    default:
      return { type: 'other', code: first >> 4 };
  }
}

/** Opens a TCP connection and completes CONNECT/CONNACK; rejects on a refusal or a timeout. */
export function connectRaw(
  target: { host: string; port: number; localAddress?: string; localPort?: number },
  options: ConnectOptions,
  onPacket: (packet: Incoming) => void,
  timeoutMs = 10_000,
): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({
      host: target.host,
      port: target.port,
      localAddress: target.localAddress,
      localPort: target.localPort,
    });
    socket.setNoDelay(true);
    const timer = setTimeout(() => fail(new Error('CONNACK timed out')), timeoutMs);
    let connected = false;
    const fail = (error: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (!connected) reject(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('closed before CONNACK')));
    socket.on(
      'data',
      createDecoder((incoming) => {
        if (connected) return onPacket(incoming);
        if (incoming.type !== 'connack') return;
        clearTimeout(timer);
        if (incoming.returnCode !== 0) return fail(new Error(`CONNACK return code ${incoming.returnCode}`));
        connected = true;
        resolve(socket);
      }),
    );
    socket.write(encodeConnect(options));
  });
}
