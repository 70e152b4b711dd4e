import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { Reading } from '@gridsense/core';
import { createEmbeddedStore } from './embedded-store';
import { describeTimeSeriesStoreContract } from './store-contract';

const at = (ts: number, seq: number, temp: number): Reading => ({
  deviceId: 'dev-1',
  gridId: 'grid-1',
  deviceType: 'smoke_detector',
  ts,
  seq,
  metrics: { temp },
});

describeTimeSeriesStoreContract('EmbeddedStore (:memory:)', async () => {
  const store = createEmbeddedStore({ path: ':memory:' });
  return { store, cleanup: () => store.close() };
});

describe('EmbeddedStore', () => {
  const dirs: string[] = [];
  const tempFile = async (): Promise<string> => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-embedded-'));
    dirs.push(dir);
    return path.join(dir, 'timeseries.db');
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it('opens a store made with the old (device, seq) unique indexes and keeps a reused seq from then on', async () => {
    const file = await tempFile();
    const old = new Database(file);
    old.exec(`CREATE TABLE readings (device_id TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
        seq INTEGER, value REAL NOT NULL, is_bool INTEGER NOT NULL, PRIMARY KEY (device_id, metric, ts)) WITHOUT ROWID;
      CREATE UNIQUE INDEX readings_device_seq ON readings (device_id, seq, metric);
      INSERT INTO readings VALUES ('dev-1', 'temp', 1000, 1, 20, 0);`);
    old.close();

    const store = createEmbeddedStore({ path: file });
    await store.writeReadings([at(9000, 1, 25)]); // seq 1 of the device's next boot
    expect(await store.latest('dev-1')).toStrictEqual({ temp: { ts: 9000, value: 25 } });
    await store.close();
    const db = new Database(file, { readonly: true });
    const indexes = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'readings'")
      .all();
    db.close();
    expect(indexes).not.toContainEqual({ name: 'readings_device_seq' });
  });

  it('keeps written readings in a WAL-mode file across reopening', async () => {
    const file = await tempFile();
    const first = createEmbeddedStore({ path: file });
    await first.writeReadings([at(1000, 1, 20), at(2000, 2, 21)]);
    await first.close();

    const db = new Database(file, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();

    const reopened = createEmbeddedStore({ path: file });
    expect(await reopened.countReadings('dev-1', 0, 10_000)).toBe(2);
    expect(await reopened.latest('dev-1')).toStrictEqual({ temp: { ts: 2000, value: 21 } });
    await reopened.close();
  });

  it('fails a whole batch on a bad reading instead of keeping part of it', async () => {
    const store = createEmbeddedStore({ path: ':memory:' });
    const bad = { ...at(3000, 3, 22), deviceId: null } as unknown as Reading;

    await expect(store.writeReadings([at(1000, 1, 20), bad])).rejects.toThrow(/NOT NULL/);
    expect(await store.countReadings('dev-1', 0, 10_000)).toBe(0);
    await store.close();
  });
});
