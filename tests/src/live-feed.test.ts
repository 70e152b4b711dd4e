import mqtt, { type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type LiveSocket = Awaited<ReturnType<ApiClient['socket']>>;

const watch = (socket: LiveSocket, gridId: string) =>
  new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit('grid:watch', gridId, resolve));

/** Every live reading of one device a socket receives, by seq. */
function liveSeqs(socket: LiveSocket, deviceId: string): number[] {
  const seqs: number[] = [];
  socket.on('device:readings', ({ readings }) => {
    for (const r of readings) if (r.deviceId === deviceId) seqs.push(Number(r.metrics.smoke));
  });
  return seqs;
}

/**
 * The live map's feed: a grid's readings reach a watching socket once a second, from the moment its
 * watch is acknowledged; the node subscribes to that grid's device traffic only while a socket
 * watches it, and watching again after the last watcher left neither misses nor doubles a reading.
 */
describe('live readings for a watched grid', () => {
  let env: TestPlatform;
  let worker: ApiClient;
  let device: MqttClient;
  let seq = 0;

  beforeAll(async () => {
    env = await startTestPlatform();
    worker = await env.login('worker01');
    const smoke = env.devices.find((d) => d.id === 'smoke-G01-2')!;
    device = await mqtt.connectAsync(env.mqttUrl, {
      clientId: smoke.id,
      username: smoke.id,
      password: smoke.secret,
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 0,
    });
  });
  afterAll(async () => {
    await device?.endAsync(true);
    await env?.stop();
  });

  // The smoke value carries the number, so each live reading says which publish it was.
  const publish = async (count: number) => {
    const sent: number[] = [];
    for (let i = 0; i < count; i++) {
      seq++;
      sent.push(seq);
      await device.publishAsync(
        'gs/v1/G01/smoke-G01-2/telemetry',
        JSON.stringify({ seq, metrics: { smoke: seq / 1000, temperature: 21, battery: 90 } }),
        { qos: 1 },
      );
    }
    return sent.map((n) => n / 1000);
  };

  it('sends what is published after the watch is acknowledged, once each, across unwatch and watch again', async () => {
    const socket = await worker.socket();
    try {
      const seen = liveSeqs(socket, 'smoke-G01-2');
      expect(await watch(socket, 'G01')).toEqual({ ok: true });
      const first = await publish(3);
      await expect.poll(() => seen, { timeout: 10_000 }).toEqual(first);

      // The last watcher leaves (the feed ends), then comes back: the new feed is the only one.
      socket.emit('grid:unwatch', 'G01');
      expect(await watch(socket, 'G01')).toEqual({ ok: true });
      const second = await publish(3);
      await expect.poll(() => seen, { timeout: 10_000 }).toEqual([...first, ...second]);
    } finally {
      socket.disconnect();
    }
  });

  it('sends nothing to a socket that stopped watching, while another still watches', async () => {
    const [leaving, staying] = [await worker.socket(), await worker.socket()];
    try {
      const [left, stayed] = [liveSeqs(leaving, 'smoke-G01-2'), liveSeqs(staying, 'smoke-G01-2')];
      expect(await watch(leaving, 'G01')).toEqual({ ok: true });
      expect(await watch(staying, 'G01')).toEqual({ ok: true });
      const before = await publish(2);
      await expect.poll(() => left, { timeout: 10_000 }).toEqual(before);
      leaving.emit('grid:unwatch', 'G01');
      // A round trip on the same socket: the unwatch has been handled once this answers.
      expect(await watch(leaving, 'G99-not-mine')).toEqual({ ok: false, error: 'not_found' });
      const after = await publish(2);
      await expect.poll(() => stayed, { timeout: 10_000 }).toEqual([...before, ...after]);
      expect(left).toEqual(before);
    } finally {
      leaving.disconnect();
      staying.disconnect();
    }
  });
});
