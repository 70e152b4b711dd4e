import mqtt from 'mqtt';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mosquittoTestMode, startMosquitto, type MosquittoInstance } from './harness/mosquitto';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const CONF = path.resolve(import.meta.dirname, '../../docker/mosquitto.conf');

/** A setting of docker/mosquitto.conf, or Mosquitto's default when the file leaves it out. */
async function setting(name: string, fallback: string): Promise<string> {
  const line = (await readFile(CONF, 'utf8')).split('\n').find((l) => l.trim().startsWith(`${name} `));
  return line?.trim().split(/\s+/)[1] ?? fallback;
}

// Mosquitto writes sessions and queues to disk only every autosave_interval (default 1,800 s),
// so a kill -9 lost everything it had acknowledged to devices and queued for ingest since start.
describe.skipIf(mosquittoTestMode() === 'skip')('Mosquitto as docker/mosquitto.conf sets it up', () => {
  let mosquitto: MosquittoInstance | undefined;
  afterEach(async () => {
    await mosquitto?.stop();
  });

  it('keeps what it queued for ingest across a kill -9 once an autosave has passed', async () => {
    const autosaveIntervalS = Number(await setting('autosave_interval', '1800'));
    const autosaveOnChanges = (await setting('autosave_on_changes', 'false')) === 'true';
    expect(autosaveOnChanges).toBe(false); // the interval below is then in seconds
    expect(autosaveIntervalS).toBeLessThanOrEqual(10);
    mosquitto = await startMosquitto({ persistence: { autosaveIntervalS, autosaveOnChanges } });

    const ingest = {
      clientId: 'gridsense-ingest',
      clean: false,
      protocolVersion: 4 as const,
      reconnectPeriod: 0,
    };
    const subscriber = await mqtt.connectAsync(mosquitto.url, ingest);
    await subscriber.subscribeAsync('gs/v1/+/+/+', { qos: 1 });
    await subscriber.endAsync();
    const device = await mqtt.connectAsync(mosquitto.url, { clientId: 'dev-1', reconnectPeriod: 0 });
    for (let seq = 1; seq <= 50; seq++)
      await device.publishAsync(
        'gs/v1/g1/dev-1/telemetry',
        JSON.stringify({ seq, metrics: { battery: 1 } }),
        {
          qos: 1,
        },
      );
    await device.endAsync();

    await sleep((autosaveIntervalS + 2) * 1000);
    await mosquitto.restart('SIGKILL');

    const seqs = new Set<number>();
    const back = mqtt.connect(mosquitto.url, ingest);
    back.on('message', (_topic, payload) =>
      seqs.add((JSON.parse(payload.toString()) as { seq: number }).seq),
    );
    for (let waited = 0; seqs.size < 50 && waited < 10_000; waited += 100) await sleep(100);
    await back.endAsync();
    expect(seqs.size).toBe(50);
  }, 60_000);
});
