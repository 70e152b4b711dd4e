import { oversizedPackets } from '@gridsense/broker';
import mqtt from 'mqtt';
import mqttPacket from 'mqtt-packet';
import type { Socket as NetSocket } from 'node:net';
import { io, type Socket } from 'socket.io-client';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { exchange, hasStatusLine, httpStatus } from './fuzz/raw-socket';
import { nextCaseUpdate, startTestPlatform, type TestPlatform } from './harness/test-platform';

/**
 * Single requests that each ended the whole process once (or could hold it hostage), sent to a
 * real platform: each must be refused on its own and leave the platform serving everyone else.
 */

/** Errors nothing caught while a test ran: in the platform's own process each would have ended it. */
const uncaught: unknown[] = [];
const record = (error: unknown) => uncaught.push(error);
beforeEach(() => {
  uncaught.length = 0;
  process.on('uncaughtException', record).on('unhandledRejection', record);
});
afterEach(() => {
  process.off('uncaughtException', record).off('unhandledRejection', record);
  expect(uncaught).toEqual([]);
});

const UPGRADE_HEADERS =
  'Host: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const upgrade = (target: string) => Buffer.from(`GET ${target} HTTP/1.1\r\n${UPGRADE_HEADERS}`);

const healthz = async (env: TestPlatform) => (await fetch(`${env.baseUrl}/healthz`)).status;
const httpPort = (env: TestPlatform) => env.platform.httpPort;
const mqttPort = (env: TestPlatform) => env.platform.mqttPort!;

/** A device's MQTT session with the given options (mqtt.js rejects with the CONNACK code). */
function connectDevice(
  env: TestPlatform,
  device: TestPlatform['devices'][number],
  options: mqtt.IClientOptions = {},
) {
  return mqtt.connectAsync(env.mqttUrl, {
    clientId: device.id,
    username: device.id,
    password: device.secret,
    protocolVersion: 4,
    reconnectPeriod: 0,
    ...options,
  });
}

/** The MQTT CONNECT a device sends, as bytes (3.1.1, clean session). */
const connectPacket = (device: { id: string; secret: string }): Buffer =>
  mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId: device.id,
    username: device.id,
    password: Buffer.from(device.secret),
    clean: true,
    keepalive: 60,
  });

describe('hostile single requests', () => {
  let env: TestPlatform;

  beforeAll(async () => {
    env = await startTestPlatform();
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('answers an absolute-URL upgrade target on /mqtt with 400 and keeps serving', async () => {
    const result = await exchange(httpPort(env), upgrade('http://a:99999999/mqtt'), {
      enough: hasStatusLine,
      timeoutMs: 5_000,
    });
    expect(httpStatus(result.received)).toBe(400);
    expect(await healthz(env)).toBe(200);
  });

  it('answers an upgrade to an unknown path with 404 and closes the connection', async () => {
    const result = await exchange(httpPort(env), upgrade('/nothing-here'), { timeoutMs: 5_000 });
    expect(httpStatus(result.received)).toBe(404);
    expect(result.closedByServer).toBe(true);
    expect(await healthz(env)).toBe(200);
  });

  it('refuses a session cookie that does not URI-decode, on REST (401) and on the socket.io handshake', async () => {
    const cookie = 'gs_session=%E0%A4%A';
    const rest = await fetch(`${env.baseUrl}/api/me`, { headers: { cookie } });
    expect(rest.status).toBe(401);
    expect(((await rest.json()) as { error: { code: string } }).error.code).toBe('unauthenticated');

    const socket = io(env.baseUrl, {
      extraHeaders: { cookie },
      transports: ['websocket'],
      reconnection: false,
    });
    const refusal = await new Promise<Error>((resolve, reject) => {
      socket.once('connect_error', resolve);
      socket.once('connect', () => reject(new Error('a broken cookie signed in')));
    });
    socket.disconnect();
    expect(refusal.message).toBe('unauthenticated');
    expect(await healthz(env)).toBe(200);
  });

  it('survives grid:watch with no arguments, a number, an object or no ack, and grid:unwatch with junk', async () => {
    const worker = await env.login('worker01');
    // Untyped: these are the events a hostile client sends, not the ones the types allow.
    const socket = (await worker.socket()) as unknown as Socket;
    socket.emit('grid:watch');
    socket.emit('grid:watch', 42);
    socket.emit('grid:watch', { gridId: 'G01' });
    socket.emit('grid:watch', 'G01');
    socket.emit('grid:watch', 'G01', 'not a function');
    socket.emit('grid:unwatch');
    socket.emit('grid:unwatch', { $ne: null }, () => undefined);
    socket.emit('grid:unwatch', ['G01']);
    // Events are handled in order: these answers come after all of the above.
    expect(await socket.timeout(5_000).emitWithAck('grid:watch', 42)).toEqual({
      ok: false,
      error: 'not_found',
    });
    expect(await socket.timeout(5_000).emitWithAck('grid:watch', 'G01')).toEqual({ ok: true });
    // In scope only: worker01's grid is G01; G07 lies in the other street.
    expect(await socket.timeout(5_000).emitWithAck('grid:watch', 'G07')).toEqual({
      ok: false,
      error: 'not_found',
    });
    expect(socket.connected).toBe(true);
    expect(await healthz(env)).toBe(200);
  });

  it('closes an MQTT connection whose CONNECT announces 256 MiB, before holding any of it', async () => {
    const refusedBefore = oversizedPackets.count;
    const rssBefore = process.memoryUsage().rss;
    let written = 0;
    const result = await exchange(mqttPort(env), Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]), {
      timeoutMs: 10_000,
      // Then keep streaming the announced body, 64 MiB of it, for as long as the broker reads.
      then: async (socket: NetSocket) => {
        const chunk = Buffer.alloc(1024 * 1024, 0x41);
        while (written < 64 * 1024 * 1024 && !socket.destroyed) {
          written += chunk.length;
          if (!socket.write(chunk))
            await new Promise((resolve) => socket.once('drain', resolve).once('close', resolve));
        }
      },
    });
    expect(result.closedByServer).toBe(true);
    expect(result.received.length).toBe(0);
    expect(oversizedPackets.count).toBe(refusedBefore + 1);
    // Buffered, 64 MiB would show; closed after the fixed header, next to nothing does.
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(32 * 1024 * 1024);

    const device = await connectDevice(env, env.devices[0]!);
    expect(device.connected).toBe(true);
    await device.endAsync();
  });

  it('closes a TCP connection that never sends CONNECT', async () => {
    // The broker's connect timeout is 10 s: this test waits for it once.
    const result = await exchange(mqttPort(env), Buffer.alloc(0), { timeoutMs: 20_000 });
    expect(result.closedByServer).toBe(true);
    expect(result.received.length).toBe(0);
  });

  it('refuses client id gridsense-bus from a device (CONNACK 5) and the platform bus keeps working', async () => {
    const smoke = env.devices.find((d) => d.type === 'smoke_detector' && d.gridId === 'G01')!;
    const refused = connectDevice(env, smoke, { clientId: 'gridsense-bus' });
    await expect(refused).rejects.toMatchObject({ code: 5 });

    // A reading still becomes a case pushed to the grid's worker: that path rides the bus.
    const socket = await (await env.login('worker01')).socket();
    const pushed = nextCaseUpdate(socket, (view) => view.deviceId === smoke.id);
    const device = await connectDevice(env, smoke);
    await device.publishAsync(
      `gs/v1/${smoke.gridId}/${smoke.id}/telemetry`,
      JSON.stringify({ ts: Date.now(), seq: 1, metrics: { smoke: 14.5, temperature: 31, battery: 90 } }),
      { qos: 1 },
    );
    await device.endAsync();
    expect((await pushed).gridId).toBe('G01');
  });

  it("refuses a device whose will is another device's topic (CONNACK 5), and accepts its own", async () => {
    const [device, other] = env.devices.filter((d) => d.gridId === 'G01');
    const will = (gridId: string, deviceId: string) => ({
      will: {
        topic: `gs/v1/${gridId}/${deviceId}/status`,
        payload: Buffer.from('offline'),
        qos: 1 as const,
        retain: false,
      },
    });
    await expect(connectDevice(env, device!, will(other!.gridId, other!.id))).rejects.toMatchObject({
      code: 5,
    });
    const own = await connectDevice(env, device!, will(device!.gridId, device!.id));
    expect(own.connected).toBe(true);
    await own.endAsync();
  });
});

describe('hostile upgrade with Node-RED on', () => {
  let env: TestPlatform;

  beforeAll(async () => {
    env = await startTestPlatform({ nodeRed: true });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it("answers an absolute-URL upgrade target on Node-RED's /flows/comms with 400 and keeps serving", async () => {
    const result = await exchange(httpPort(env), upgrade('http://a:99999999/flows/comms'), {
      enough: hasStatusLine,
      timeoutMs: 5_000,
    });
    expect(httpStatus(result.received)).toBe(400);
    expect(await healthz(env)).toBe(200);
  });
});

describe('connection caps per address', () => {
  let env: TestPlatform;

  beforeAll(async () => {
    // Three at a time from one address, two new ones a second (bursts of ten).
    env = await startTestPlatform({
      env: { GRIDSENSE_MAX_CONNECTIONS_PER_ADDRESS: '3', GRIDSENSE_CONNECTIONS_PER_SECOND: '2' },
    });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('refuses a fourth MQTT connection from one address until one of the three closes', async () => {
    const [a, b, c, d] = env.devices;
    const open = await Promise.all([a!, b!, c!].map((device) => connectDevice(env, device)));
    const fourth = await exchange(mqttPort(env), connectPacket(d!), { timeoutMs: 5_000 });
    expect(fourth.closedByServer).toBe(true);
    expect(fourth.received.length).toBe(0); // No CONNACK: refused before the broker read a byte.

    await open[0]!.endAsync();
    // The broker sees the close a moment after the client does.
    let again: Awaited<ReturnType<typeof exchange>> | undefined;
    for (let attempt = 0; attempt < 20 && !again?.received.length; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      again = await exchange(mqttPort(env), connectPacket(d!), {
        timeoutMs: 5_000,
        enough: (bytes) => bytes.length >= 4,
      });
    }
    expect([...again!.received.subarray(0, 4)]).toEqual([0x20, 2, 0, 0]); // CONNACK accepted
    await Promise.all(open.slice(1).map((device) => device.endAsync()));
  });

  it('refuses new HTTP connections from an address that opens them faster than the rate', async () => {
    const answers: (number | undefined)[] = [];
    for (let i = 0; i < 20; i += 1) {
      const result = await exchange(
        httpPort(env),
        Buffer.from('GET /healthz HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n'),
        { timeoutMs: 5_000 },
      );
      answers.push(httpStatus(result.received));
    }
    const served = answers.filter((status) => status === 200).length;
    // The burst allowance is served; the rest, arriving faster than 2 a second, are closed unanswered.
    expect(served).toBeGreaterThanOrEqual(5);
    expect(answers.filter((status) => status === undefined).length).toBeGreaterThan(0);
    expect(answers.every((status) => status === 200 || status === undefined)).toBe(true);
  });
});
