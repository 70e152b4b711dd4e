import { loadTlsMaterial } from '@gridsense/state';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { openSubscriberConnection, type SubscriberConnection } from './subscriber-connection';
import { brokerUrl, webSocketAddress } from './subscriber-transport';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}

/** One WebSocket connection to the scripted broker, and every MQTT packet it received. */
interface BrokerSide {
  path: string;
  protocol: string;
  packets: Packet[];
  /** Frames that came as text: MQTT over WebSocket must send binary frames. */
  textFrames: number;
  send(packet: Packet): void;
  /** The broker goes away without a close frame. */
  drop(): void;
}

/** A scripted MQTT-over-WebSocket broker: CONNACKs and SUBACKs, the rest is up to the test. */
async function startWebSocketBroker(): Promise<{
  port: number;
  sides: BrokerSide[];
  close(): Promise<void>;
}> {
  const server: Server = createServer();
  const wss = new WebSocketServer({ server });
  const sides: BrokerSide[] = [];
  wss.on('connection', (ws: WebSocket, request) => {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    const send = (packet: Packet) => ws.send(mqttPacket.generate(packet));
    const side: BrokerSide = {
      path: request.url ?? '',
      protocol: ws.protocol,
      packets: [],
      textFrames: 0,
      send,
      drop: () => ws.terminate(),
    };
    sides.push(side);
    parser.on('packet', (packet: Packet) => {
      side.packets.push(packet);
      if (packet.cmd === 'connect') send({ cmd: 'connack', returnCode: 0, sessionPresent: !packet.clean });
      if (packet.cmd === 'subscribe') send({ cmd: 'suback', messageId: packet.messageId, granted: [1] });
    });
    ws.on('message', (data: Buffer, isBinary) => {
      if (!isBinary) side.textFrames++;
      parser.parse(data);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sides,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const publish = (messageId: number): Packet => ({
  cmd: 'publish',
  topic: 'gs/v1/G01/smoke-1/telemetry',
  payload: Buffer.from(JSON.stringify({ seq: messageId })),
  qos: 1,
  messageId,
  dup: false,
  retain: false,
});
const pubacks = (side: BrokerSide) => side.packets.flatMap((p) => (p.cmd === 'puback' ? [p.messageId] : []));

describe('subscriber connection over WebSocket', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function connect(
    url: string,
    onPublish: (topic: string, payload: Buffer) => Promise<unknown>,
    extra: { maxUnacked?: number } = {},
  ): Promise<{ connection: SubscriberConnection; errors: unknown[] }> {
    const errors: unknown[] = [];
    const { connection, ready } = openSubscriberConnection({
      url,
      clientId: 'ingest-ws',
      clean: false,
      filter: 'gs/v1/+/+/+',
      reconnectMs: 50,
      onPublish,
      onError: (error) => errors.push(error),
      ...extra,
    });
    cleanups.push(() => connection.endAsync());
    await ready;
    return { connection, errors };
  }

  it('speaks MQTT in binary frames on the `mqtt` subprotocol at the URL path, and PUBACKs once handled', async () => {
    const broker = await startWebSocketBroker();
    cleanups.push(() => broker.close());
    const handled: { resolve(): void }[] = [];
    const topics: string[] = [];
    await connect(`ws://127.0.0.1:${broker.port}/mqtt?tenant=a`, (topic) => {
      topics.push(topic);
      return new Promise<void>((resolve) => handled.push({ resolve }));
    });
    const side = broker.sides[0]!;
    expect(side.path).toBe('/mqtt?tenant=a');
    expect(side.protocol).toBe('mqtt');
    expect(side.packets.map((p) => p.cmd)).toEqual(['connect', 'subscribe']);
    expect(side.packets[0]).toMatchObject({ clientId: 'ingest-ws', clean: false });

    for (const id of [1, 2, 3]) side.send(publish(id));
    await until(() => handled.length === 3);
    expect(topics).toEqual(Array(3).fill('gs/v1/G01/smoke-1/telemetry'));
    await sleep(50);
    expect(pubacks(side)).toEqual([]);
    handled[1]!.resolve();
    await until(() => pubacks(side).length === 1);
    handled[0]!.resolve();
    handled[2]!.resolve();
    await until(() => pubacks(side).length === 3);
    expect(pubacks(side)).toEqual([2, 1, 3]);
    expect(side.textFrames).toBe(0);
  });

  it('reconnects with its persistent session when the broker drops the WebSocket, and sends no PUBACK owed on the old one', async () => {
    const broker = await startWebSocketBroker();
    cleanups.push(() => broker.close());
    const handled: (() => void)[] = [];
    const { connection } = await connect(
      `ws://127.0.0.1:${broker.port}/mqtt`,
      () => new Promise<void>((resolve) => handled.push(resolve)),
    );
    broker.sides[0]!.send(publish(7));
    await until(() => handled.length === 1);
    broker.sides[0]!.drop();
    await until(() => broker.sides.length === 2 && connection.connected());
    handled[0]!();
    const again = broker.sides[1]!;
    expect(again.packets.map((p) => p.cmd)).toEqual(['connect', 'subscribe']);
    expect(again.packets[0]).toMatchObject({ clientId: 'ingest-ws', clean: false });
    again.send(publish(7)); // the broker sends it again on the new connection
    await until(() => handled.length === 2);
    handled[1]!();
    await until(() => pubacks(again).length === 1);
    await sleep(50);
    expect(pubacks(again)).toEqual([7]);
    expect(pubacks(broker.sides[0]!)).toEqual([]);
  });

  it('stops reading at maxUnacked messages in flight and reads on as they are handled', async () => {
    const broker = await startWebSocketBroker();
    cleanups.push(() => broker.close());
    const handled: (() => void)[] = [];
    const { connection } = await connect(
      `ws://127.0.0.1:${broker.port}/mqtt`,
      () => new Promise<void>((resolve) => handled.push(resolve)),
      { maxUnacked: 10 },
    );
    const side = broker.sides[0]!;
    for (let id = 1; id <= 100; id++) side.send(publish(id));
    await until(() => handled.length === 10);
    await sleep(200);
    expect(handled.length).toBe(10);
    expect(connection.unacked()).toBe(10);
    // Handle everything as it comes: reading resumes below half of maxUnacked.
    for (;;) {
      const due = handled.splice(0);
      for (const resolve of due) resolve();
      if (pubacks(side).length === 100) break;
      await sleep(10);
    }
    expect(new Set(pubacks(side)).size).toBe(100);
  });
});

describe('subscriber connection URLs', () => {
  it('names the schemes it speaks when given another', () => {
    const open = () =>
      openSubscriberConnection({
        url: 'http://broker.example:8080/mqtt',
        clientId: 'x',
        clean: false,
        onPublish: () => Promise.resolve(),
        onError: () => {},
      });
    expect(open).toThrow(
      'the ingest subscriber speaks MQTT over TCP, TLS or WebSocket (mqtt:, mqtts:, ws:, wss:), not http:',
    );
  });

  it.each([
    ['ws://broker.example:8080/mqtt', 'ws://broker.example:8080/mqtt'],
    ['wss://gridsense:secret@broker.example/mqtt?x=1', 'wss://broker.example/mqtt?x=1'],
    ['ws://broker.example', 'ws://broker.example/'],
    ['wss://broker.example:443/', 'wss://broker.example/'],
  ])('%s opens a WebSocket to %s', (raw, address) => {
    expect(webSocketAddress(brokerUrl(raw))).toBe(address);
  });
});

describe('subscriber connection TLS', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  // wss: checks the broker's certificate as mqtts: does: a self-signed one is refused.
  it.each(['mqtts', 'wss'])('%s: refuses a broker certificate that does not verify', async (scheme) => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-subscriber-tls-'));
    const { cert, key } = (await loadTlsMaterial({ kind: 'self-signed' }, dir))!;
    let reachedBroker = false;
    const reached = () => (reachedBroker = true);
    let server: TlsServer;
    if (scheme === 'wss') {
      const https = createHttpsServer({ cert, key });
      new WebSocketServer({ server: https }).on('connection', reached);
      server = https;
    } else server = createTlsServer({ cert, key }, reached);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const errors: unknown[] = [];
    const { ready } = openSubscriberConnection({
      url: `${scheme}://localhost:${port}/mqtt`,
      clientId: 'ingest-tls',
      clean: false,
      reconnectMs: 0,
      onPublish: () => Promise.resolve(),
      onError: (error) => errors.push(error),
    });
    await expect(ready).rejects.toThrow('could not connect as ingest-tls');
    await new Promise((resolve) => server.close(resolve));
    expect(reachedBroker).toBe(false);
    expect(errors).toContainEqual(expect.objectContaining({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }));
  });
});
