import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type Config, type Reading } from '@gridsense/core';
import {
  createEmbeddedStore,
  createInfluxStore,
  openTimeSeriesStore,
  readRememberedStore,
  rememberStore,
  StoreMismatchError,
} from '@gridsense/ingest';
import { openStateDb, seedDemoDistrict, type DeviceCredential } from '@gridsense/state';
import { influxTestMode, startInfluxd, type InfluxdInstance } from './harness/influxd';
import { runScript } from './harness/run-script';

const T0 = Date.UTC(2026, 1, 1, 8);
const READINGS_PER_DEVICE = 1_500;

describe.skipIf(influxTestMode() === 'skip')(
  'moving the time series between the embedded store and InfluxDB',
  () => {
    let influxd: InfluxdInstance;
    const dirs: string[] = [];
    beforeAll(async () => {
      influxd = await startInfluxd();
    });
    afterAll(async () => {
      await influxd?.stop();
      for (const dir of dirs) await rm(dir, { recursive: true, force: true });
    });

    const dataDir = async () => {
      const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-move-'));
      dirs.push(dir);
      return dir;
    };
    const configOf = (env: Record<string, string>): Config => {
      const parsed = parseConfig(env);
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      return parsed.config;
    };
    const influxql = async (q: string, db: string) => {
      const response = await fetch(`${influxd.url}/query`, {
        method: 'POST',
        body: new URLSearchParams({ q, db, epoch: 'ms' }),
      });
      return (await response.json()) as {
        results: { series?: { tags?: Record<string, string>; values: unknown[][] }[] }[];
      };
    };

    it('starts on InfluxDB where the embedded store was served only when the move is confirmed', async () => {
      const dir = await dataDir();
      await rememberStore(dir, { kind: 'embedded' }, T0);
      const env = { GRIDSENSE_DATA_DIR: dir, INFLUX_URL: `${influxd.url}/`, INFLUX_DATABASE: 'moved' };
      await expect(openTimeSeriesStore(configOf(env), { maintainRollups: true })).rejects.toThrow(
        StoreMismatchError,
      );

      const store = await openTimeSeriesStore(configOf({ ...env, GRIDSENSE_TIMESERIES_MOVE: 'confirm' }), {
        maintainRollups: true,
      });
      await store.writeReadings([
        { deviceId: 'd', gridId: 'G01', deviceType: 't', ts: T0, seq: 1, metrics: { v: 1 } },
      ]);
      await store.close();
      expect(await readRememberedStore(dir)).toMatchObject({
        kind: 'influx',
        url: influxd.url,
        database: 'moved',
      });
      // The move stands: InfluxDB without the setting, and the embedded store is refused now.
      const again = await openTimeSeriesStore(configOf(env), { maintainRollups: true });
      expect(await again.countReadings('d', 0, T0 + 1)).toBe(1);
      await again.close();
      await expect(openTimeSeriesStore(configOf({ GRIDSENSE_DATA_DIR: dir }))).rejects.toThrow(
        StoreMismatchError,
      );
    });

    it('copies embedded readings into InfluxDB, each once, then serves InfluxDB and refuses the embedded store', async () => {
      const dir = await dataDir();
      const db = await openStateDb(path.join(dir, 'state.db'));
      const seeded = await seedDemoDistrict(db, { now: T0, fixedPassword: 'test-password-1' });
      await db.destroy();
      const devices: DeviceCredential[] = seeded!.devices.slice(0, 3);

      // The history an embedded platform acknowledged: numbered readings, some in the same ms.
      const embedded = createEmbeddedStore({ path: path.join(dir, 'timeseries.db') });
      const history: Reading[] = devices.flatMap((device, d) =>
        Array.from({ length: READINGS_PER_DEVICE }, (_, i) => ({
          deviceId: device.id,
          gridId: device.gridId,
          deviceType: device.type,
          ts: T0 + i * 100 + (i % 10 === 0 ? 0 : d),
          seq: i + 1,
          metrics: { v: i, ok: i % 2 === 0 },
        })),
      );
      await embedded.writeReadings(history);
      await embedded.writeEvents([
        {
          deviceId: devices[0]!.id,
          gridId: devices[0]!.gridId,
          deviceType: devices[0]!.type,
          ts: T0 + 5,
          type: 'tamper',
          seq: 1,
        },
      ]);
      await embedded.close();
      await rememberStore(dir, { kind: 'embedded' }, T0);

      const database = 'copied';
      const env = { GRIDSENSE_DATA_DIR: dir, INFLUX_URL: influxd.url, INFLUX_DATABASE: database };
      const first = await runScript(
        'ingest/src/migrate-readings.ts',
        ['--from', 'embedded', '--to', 'influx'],
        env,
      );
      expect(first.output).toContain(
        `copied ${(3 * READINGS_PER_DEVICE).toLocaleString('en')} readings of 3 devices and 1 events`,
      );
      expect(first.code).toBe(0);
      expect(first.output).toMatch(/readings 4,500 copied, through 2026-02-01T08:02:29\.9\d\dZ/);
      // Copying again (an interrupted run resumed) adds nothing.
      expect(
        (await runScript('ingest/src/migrate-readings.ts', ['--from', 'embedded', '--to', 'influx'], env))
          .code,
      ).toBe(0);

      // Every reading once: one row per seq in each device's series, tagged with its grid and type.
      const counts = await influxql(
        'SELECT COUNT("seq") FROM telemetry GROUP BY "device_id", "grid_id", "device_type"',
        database,
      );
      const series = counts.results[0]!.series!.map((s) => ({ ...s.tags, count: s.values[0]![1] }));
      expect(series).toHaveLength(devices.length);
      for (const device of devices)
        expect(series).toContainEqual({
          device_id: device.id,
          grid_id: device.gridId,
          device_type: device.type,
          count: READINGS_PER_DEVICE,
        });
      const influx = await createInfluxStore({ url: influxd.url, database, maintainRollups: false });
      const copied = await influx.readingsBetween({ from: 0, to: T0 + 3_600_000, limit: 10_000 });
      const key = (r: Reading) =>
        `${r.deviceId} ${r.seq} ${r.ts} ${JSON.stringify(Object.entries(r.metrics).sort())}`;
      expect(copied.map(key).sort()).toEqual(history.map(key).sort());
      expect(await influx.eventsBetween({ from: 0, to: T0 + 10, limit: 10 })).toMatchObject([
        { type: 'tamper', seq: 1 },
      ]);
      await influx.close();

      expect(await readRememberedStore(dir)).toMatchObject({ kind: 'influx', url: influxd.url, database });
      // The drill: the platform started again without INFLUX_URL stops instead of splitting the history.
      const restart = await runScript('platform-main.ts', [], {
        GRIDSENSE_DATA_DIR: dir,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        MQTT_HOST: '127.0.0.1',
        MQTT_PORT: '0',
        GRIDSENSE_SIMULATOR: 'off',
        GRIDSENSE_NODE_RED: 'off',
      });
      expect(restart.code).toBe(1);
      expect(restart.output).toContain(`serves InfluxDB at ${influxd.url}, database \\"${database}\\"`);
      expect(restart.output).toContain('GRIDSENSE_TIMESERIES_MOVE=confirm');

      // And back: InfluxDB into the embedded store of another data dir.
      const other = await dataDir();
      const back = await runScript(
        'ingest/src/migrate-readings.ts',
        ['--from', 'influx', '--to', 'embedded'],
        {
          ...env,
          GRIDSENSE_DATA_DIR: other,
        },
      );
      expect(back.code).toBe(0);
      const returned = createEmbeddedStore({ path: path.join(other, 'timeseries.db') });
      const all = await returned.readingsBetween({ from: 0, to: T0 + 3_600_000, limit: 10_000 });
      expect(all.map(key).sort()).toEqual(history.map(key).sort());
      await returned.close();
      expect(JSON.parse(await readFile(path.join(other, 'timeseries-store.json'), 'utf8'))).toMatchObject({
        kind: 'embedded',
      });
    });
  },
);
