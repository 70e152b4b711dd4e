import { DEFAULT_NETWORK_LIMITS } from '@gridsense/core';
import fc from 'fast-check';
import mqtt from 'mqtt';
import type { Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeBroker, createBroker, type Broker } from './create-broker';
import { createDeviceAccess, SERVICE_USERNAME } from './device-access';
import { listenMqtt } from './listeners';
import { oversizedPackets, PacketLengthScanner } from './packet-limit';

/** An MQTT fixed header (a PUBLISH's type byte, then the remaining length as a varint). */
function fixedHeader(length: number): Buffer {
  const bytes = [0x30];
  do {
    bytes.push((length % 128) | (length >= 128 ? 0x80 : 0));
    length = Math.floor(length / 128);
  } while (length > 0);
  return Buffer.from(bytes);
}

/** Cuts `bytes` at the given offsets (in any order, repeats allowed). */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  return [0, ...points]
    .map((start, i) => bytes.subarray(start, points[i] ?? bytes.length))
    .filter((c) => c.length);
}

describe('PacketLengthScanner', () => {
  it('accepts packets up to the limit however the stream is cut, and refuses the first one over it before its body', () => {
    const max = 300;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 20_000 }), { minLength: 1, maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (lengths, cuts) => {
          const packets = lengths.map((n) => Buffer.concat([fixedHeader(n), Buffer.alloc(n, 7)]));
          const stream = Buffer.concat(packets);
          const scanner = new PacketLengthScanner(max);
          let offset = 0;
          let refusedAt: number | undefined;
          for (const chunk of cut(stream, cuts)) {
            if (!scanner.accept(chunk)) {
              refusedAt = offset;
              break;
            }
            offset += chunk.length;
          }
          const firstOver = lengths.findIndex((n) => n > max);
          if (firstOver < 0) return refusedAt === undefined;
          // Refused in a chunk that starts before the oversized packet's body does.
          const bodyStart =
            packets.slice(0, firstOver + 1).reduce((sum, p) => sum + p.length, 0) - lengths[firstOver]!;
          return refusedAt !== undefined && refusedAt < bodyStart;
        },
      ),
    );
  });

  it('refuses a CONNECT that announces 256 MiB from its fixed header alone', () => {
    const scanner = new PacketLengthScanner(DEFAULT_NETWORK_LIMITS.mqttMaxPacketBytes);
    expect(scanner.accept(Buffer.from([0x10]))).toBe(true);
    expect(scanner.accept(Buffer.from([0xff, 0xff, 0xff, 0x7f]))).toBe(false);
  });

  it('refuses a remaining length whose varint does not end within four bytes', () => {
    const scanner = new PacketLengthScanner(2 ** 30);
    expect(scanner.accept(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80]))).toBe(false);
  });

  it('takes a raised limit from the next packet on', () => {
    const scanner = new PacketLengthScanner(10);
    expect(scanner.accept(Buffer.concat([fixedHeader(10), Buffer.alloc(10)]))).toBe(true);
    scanner.maxBytes = 1000;
    expect(scanner.accept(Buffer.concat([fixedHeader(1000), Buffer.alloc(1000)]))).toBe(true);
    expect(scanner.accept(fixedHeader(1001))).toBe(false);
  });
});

describe('the packet size limit on a real broker', () => {
  const limits = { ...DEFAULT_NETWORK_LIMITS, mqttMaxPacketBytes: 1024 };
  const payload = Buffer.alloc(8 * 1024, 0x61);
  let broker: Broker;
  let server: Server;
  let url: string;

  beforeAll(async () => {
    broker = await createBroker(
      createDeviceAccess({
        devices: {
          checkDevice: (id, secret) =>
            id === 'DEV-1' && secret === 'secret-1' ? { gridId: 'G01' } : undefined,
        },
        serviceSecret: 'service-secret',
        onDevicePublish: () => Promise.resolve({ outcome: 'accepted' }),
      }),
    );
    ({ server } = await listenMqtt(broker, 0, '127.0.0.1', limits));
    const address = server.address();
    url = `mqtt://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await new Promise<void>((done) => server.close(() => done()));
    await closeBroker(broker);
  });

  it('ends a device that sends a packet over the limit', async () => {
    const before = oversizedPackets.count;
    const device = await mqtt.connectAsync(url, {
      clientId: 'DEV-1',
      username: 'DEV-1',
      password: 'secret-1',
      reconnectPeriod: 0,
    });
    const closed = new Promise<void>((resolve) => device.once('close', () => resolve()));
    device.publish('gs/v1/G01/DEV-1/telemetry', payload, { qos: 1 });
    await closed;
    expect(oversizedPackets.count).toBe(before + 1);
    await device.endAsync(true);
  });

  it('lets a signed-in service send larger packets', async () => {
    const before = oversizedPackets.count;
    const service = await mqtt.connectAsync(url, {
      clientId: 'gridsense-test-service',
      username: SERVICE_USERNAME,
      password: 'service-secret',
      reconnectPeriod: 0,
    });
    await service.publishAsync('gridsense/bus/test', payload, { qos: 1 });
    expect(service.connected).toBe(true);
    expect(oversizedPackets.count).toBe(before);
    await service.endAsync();
  });
});
