import { parseConfig, type Config } from '@gridsense/core';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isPermanentWriteError } from './durable-writer';
import { openTimeSeriesStore, StoreMismatchError } from './open-store';
import { StoreNotReachableError } from './timeseries/store-when-reachable';
import { REMEMBERED_STORE_FILE, readRememberedStore, rememberStore } from './remembered-store';

// Nothing listens here: a refusal must come before any attempt to connect.
const CLOSED_INFLUX = 'http://127.0.0.1:9';
const T0 = Date.UTC(2026, 2, 1);

describe('openTimeSeriesStore: the data dir remembers its store', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-store-'));
    dirs.push(dir);
    return dir;
  };
  const configOf = (env: Record<string, string>): Config => {
    const parsed = parseConfig(env);
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    return parsed.config;
  };
  const warnings: string[] = [];
  const log = {
    info: () => {},
    warn: (_: object, message: string) => void warnings.push(message),
    error: () => {},
  };
  const writer = { log, maintainRollups: true, now: () => T0 };

  it('records the embedded store at the first start of a writer (owner-only), not of a reader', async () => {
    const dir = await dataDir();
    const reader = await openTimeSeriesStore(configOf({ GRIDSENSE_DATA_DIR: dir }));
    await reader.close();
    expect(await readRememberedStore(dir)).toBeUndefined();

    const store = await openTimeSeriesStore(configOf({ GRIDSENSE_DATA_DIR: dir }), writer);
    await store.close();
    const file = path.join(dir, REMEMBERED_STORE_FILE);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      kind: 'embedded',
      since: new Date(T0).toISOString(),
    });
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('refuses the embedded store where InfluxDB was served, writer and reader alike, naming both', async () => {
    const dir = await dataDir();
    await rememberStore(dir, { kind: 'influx', url: 'http://influx-a:8086', database: 'gridsense' }, T0);
    for (const options of [writer, {}]) {
      const opening = openTimeSeriesStore(configOf({ GRIDSENSE_DATA_DIR: dir }), options);
      await expect(opening).rejects.toThrow(StoreMismatchError);
      await expect(opening).rejects.toThrow(
        /serves InfluxDB at http:\/\/influx-a:8086, database "gridsense".*now name the embedded store/,
      );
    }
    expect(await readRememberedStore(dir)).toMatchObject({ kind: 'influx' });
  });

  it('refuses InfluxDB where the embedded store was served, before connecting to it', async () => {
    const dir = await dataDir();
    await rememberStore(dir, { kind: 'embedded' }, T0);
    const opening = openTimeSeriesStore(
      configOf({ GRIDSENSE_DATA_DIR: dir, INFLUX_URL: CLOSED_INFLUX, INFLUX_DATABASE: 'gs' }),
      writer,
    );
    await expect(opening).rejects.toThrow(StoreMismatchError);
    await expect(opening).rejects.toThrow(
      /serves the embedded store .* now name InfluxDB at http:\/\/127.0.0.1:9, database "gs"/,
    );
  });

  it('moves to the embedded store when confirmed, records it, and warns while the setting stays', async () => {
    const dir = await dataDir();
    await rememberStore(dir, { kind: 'influx', url: 'http://influx-a:8086', database: 'gridsense' }, T0);
    const confirmed = configOf({ GRIDSENSE_DATA_DIR: dir, GRIDSENSE_TIMESERIES_MOVE: 'confirm' });

    const reader = await openTimeSeriesStore(confirmed);
    await reader.close();
    expect(await readRememberedStore(dir)).toMatchObject({ kind: 'influx' });

    warnings.length = 0;
    const moved = await openTimeSeriesStore(confirmed, { ...writer, now: () => T0 + 1000 });
    await moved.close();
    expect(await readRememberedStore(dir)).toEqual({
      kind: 'embedded',
      since: new Date(T0 + 1000).toISOString(),
    });
    expect(warnings).toEqual([expect.stringMatching(/^time-series store moved.*Remove the setting now/)]);

    const again = await openTimeSeriesStore(confirmed, writer);
    await again.close();
    expect(warnings.at(-1)).toMatch(/GRIDSENSE_TIMESERIES_MOVE=confirm is still set/);
    // Without the setting the move stands, and the old store is refused in turn.
    const after = await openTimeSeriesStore(configOf({ GRIDSENSE_DATA_DIR: dir }), writer);
    await after.close();
    await expect(
      openTimeSeriesStore(configOf({ GRIDSENSE_DATA_DIR: dir, INFLUX_URL: 'http://influx-a:8086' }), writer),
    ).rejects.toThrow(StoreMismatchError);
  });

  it('refuses to guess when the record is unreadable', async () => {
    const dir = await dataDir();
    await writeFile(path.join(dir, REMEMBERED_STORE_FILE), '{"kind":');
    await expect(openTimeSeriesStore(configOf({ GRIDSENSE_DATA_DIR: dir }), writer)).rejects.toThrow(
      /does not say which time-series store this data dir serves/,
    );
  });

  it('starts on an InfluxDB that does not answer; writes fail as an outage does, so ingest spools', async () => {
    const dir = await dataDir();
    const store = await openTimeSeriesStore(
      configOf({ GRIDSENSE_DATA_DIR: dir, INFLUX_URL: CLOSED_INFLUX }),
      {
        ...writer,
        reconnectMs: { min: 10, max: 20 },
      },
    );
    const write = store.writeReadings([
      { deviceId: 'd1', gridId: 'G01', deviceType: 'smoke_detector', ts: T0, metrics: { smoke: 1 } },
    ]);
    await expect(write).rejects.toBeInstanceOf(StoreNotReachableError);
    expect(isPermanentWriteError(await write.catch((error: unknown) => error))).toBe(false);
    await expect(store.latest('d1')).rejects.toThrow(/not reachable yet/);
    // The data dir records the store all the same: it is the configured one.
    expect(await readRememberedStore(dir)).toMatchObject({ kind: 'influx', url: CLOSED_INFLUX });
    await store.close();
  });
});
