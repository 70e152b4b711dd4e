/**
 * The device registry a connection bench needs: a state database (the real migrations and
 * repositories) holding every bench device, built once and copied into each broker node's data
 * dir — in production every node reads the same shared database.
 */
import { hashDeviceSecret, insertDevices, openStateDb } from '@gridsense/state';
import { copyFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BENCH_GRID, benchDevice } from './devices';

const INSERT_CHUNK = 500;

/** Builds `<dir>/state.db` with `count` devices; returns how long the inserts took. */
export async function buildRegistry(dir: string, count: number, salt: string): Promise<{ insertMs: number }> {
  await mkdir(dir, { recursive: true });
  const db = await openStateDb(join(dir, 'state.db'));
  try {
    await db
      .insertInto('regions')
      .values({ id: BENCH_GRID, level: 'grid', parent_id: null, name: '连接压测网格', boundary: null })
      .execute();
    const started = performance.now();
    const now = Date.now();
    for (let first = 1; first <= count; first += INSERT_CHUNK) {
      const chunk = [];
      for (let i = first; i < Math.min(first + INSERT_CHUNK, count + 1); i++) {
        const device = benchDevice(i, salt);
        chunk.push({
          id: device.id,
          gridId: device.gridId,
          type: 'smoke_detector',
          name: `连接压测 ${device.id}`,
          lat: 30.255,
          lng: 120.17,
          secretHash: hashDeviceSecret(device.secret),
        });
      }
      await insertDevices(db, chunk, now);
    }
    return { insertMs: performance.now() - started };
  } finally {
    await db.destroy();
  }
}

/** A node's own data dir holding a copy of the registry (and keys of its own, made at start). */
export async function nodeDataDir(registryDir: string, nodeDir: string): Promise<void> {
  await mkdir(nodeDir, { recursive: true });
  await copyFile(join(registryDir, 'state.db'), join(nodeDir, 'state.db'));
}
