/**
 * GridSense as a system under test (a child process): the whole platform from platform.ts on a
 * temp data dir, the real InfluxDB given by the orchestrator (or, without one, the embedded store
 * in the data dir, as `npm start` runs), every bench device registered.
 */
import { parseConfig } from '@gridsense/core';
import { EMBEDDED_STORE_FILE } from '@gridsense/ingest';
import {
  createLogger,
  hashDeviceSecret,
  insertDevices,
  openStateDb,
  seedDemoDistrict,
} from '@gridsense/state';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPlatform } from '../../platform';
import { measureMemory, serveParent } from '../lib/child';
import type { BenchDevice } from '../load/load-types';

export interface GridSenseArgs {
  /** Absent: no INFLUX_URL, the readings go to the embedded store. */
  influx?: { url: string; database: string };
  devicesFile: string;
  demoPassword: string;
}

export interface GridSenseInfo {
  mqttPort: number;
  httpPort: number;
  devices: number;
  /** The embedded store's SQLite file, when it is the store (the orchestrator counts in it). */
  embeddedStoreFile?: string;
}

const INSERT_CHUNK = 500;

/** Demo district first (grids, workers, rules), then the bench devices in its grids. */
async function provision(dataDir: string, args: GridSenseArgs): Promise<number> {
  const devices = JSON.parse(await readFile(args.devicesFile, 'utf8')) as BenchDevice[];
  const db = await openStateDb(join(dataDir, 'state.db'));
  try {
    const now = Date.now();
    await seedDemoDistrict(db, { now, fixedPassword: args.demoPassword });
    for (let i = 0; i < devices.length; i += INSERT_CHUNK) {
      const chunk = devices.slice(i, i + INSERT_CHUNK).map((d) => ({
        id: d.id,
        gridId: d.gridId,
        type: d.type,
        name: `压测设备 ${d.id}`,
        lat: 30.255,
        lng: 120.17,
        secretHash: hashDeviceSecret(d.secret),
      }));
      await insertDevices(db, chunk, now);
    }
  } finally {
    await db.destroy();
  }
  return devices.length;
}

const args = JSON.parse(process.argv[2] ?? '{}') as GridSenseArgs;
const dataDir = await mkdtemp(join(tmpdir(), 'gridsense-bench-'));
const devices = await provision(dataDir, args);
const parsed = parseConfig({
  GRIDSENSE_DATA_DIR: dataDir,
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  MQTT_HOST: '127.0.0.1',
  MQTT_PORT: '0',
  GRIDSENSE_SIMULATOR: 'off',
  GRIDSENSE_NODE_RED: 'off',
  GRIDSENSE_DEMO_PASSWORD: args.demoPassword,
  // The district without its generated history: the bench measures ingest, not the seed.
  GRIDSENSE_DEMO_HISTORY_DAYS: '0',
  ...(args.influx ? { INFLUX_URL: args.influx.url, INFLUX_DATABASE: args.influx.database } : {}),
  LOG_LEVEL: 'warn',
  // The connection swarm comes from one loopback address, far past a stranger's share.
  GRIDSENSE_MAX_CONNECTIONS: '200000',
  GRIDSENSE_MAX_CONNECTIONS_PER_ADDRESS: '200000',
  GRIDSENSE_CONNECTIONS_PER_SECOND: '100000',
  // Ingest on the broker's loop (0) or in a worker thread (1): the default unless the bench's
  // environment sets it, so both can be measured in one sitting.
  GRIDSENSE_INGEST_THREADS: process.env.GRIDSENSE_INGEST_THREADS ?? '',
});
if (!parsed.ok) throw new Error(parsed.errors.join('; '));
const platform = await startPlatform(parsed.config, { logger: createLogger({ level: 'warn' }) });
if (platform.mqttPort === undefined) throw new Error('the embedded broker did not start');

const info: GridSenseInfo = {
  mqttPort: platform.mqttPort,
  httpPort: platform.httpPort,
  devices,
  ...(args.influx ? {} : { embeddedStoreFile: join(dataDir, EMBEDDED_STORE_FILE) }),
};
serveParent(info, { memory: measureMemory }, async () => {
  await platform.close();
  await rm(dataDir, { recursive: true, force: true });
});
