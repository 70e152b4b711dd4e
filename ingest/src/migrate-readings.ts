import type { Config } from '@gridsense/core';
import { commandConfig } from '@gridsense/state';
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { IngestLog } from './ingest-log';
import { openStoreOfKind } from './open-store';
import { migrateReadings } from './readings-migration';
import {
  EMBEDDED_STORE_FILE,
  configuredStore,
  describeStore,
  readRememberedStore,
  rememberStore,
  sameStore,
  type StoreIdentity,
} from './remembered-store';

const USAGE = `Usage: npm run migrate:readings -- --from <embedded|influx> --to <embedded|influx>

Copies every raw reading and event of the data dir's time-series store to the other store, oldest
first, then records that the data dir serves the target. Stop GridSense first. The embedded store is
<GRIDSENSE_DATA_DIR>/${EMBEDDED_STORE_FILE}; InfluxDB is the one INFLUX_URL, INFLUX_DATABASE and
its credentials name. Running it again copies nothing twice.`;

type Kind = StoreIdentity['kind'];
const KINDS: Kind[] = ['embedded', 'influx'];

/** Problems with the request, each a sentence; empty when it can run. */
async function checkRequest(config: Config, from: Kind, to: Kind): Promise<string[]> {
  if (from === to) return [`--from and --to are both ${from}: nothing to copy`];
  const problems: string[] = [];
  if (!config.influxUrl) problems.push('INFLUX_URL is not set: it names the InfluxDB to copy from or to');
  if (from === 'embedded' && !existsSync(join(config.dataDir, EMBEDDED_STORE_FILE)))
    problems.push(`there is no embedded store at ${join(config.dataDir, EMBEDDED_STORE_FILE)}`);
  if (problems.length > 0) return problems;
  const remembered = await readRememberedStore(config.dataDir);
  const [source, target] = [identityOf(from, config), identityOf(to, config)];
  if (remembered && !sameStore(remembered, source) && !sameStore(remembered, target))
    problems.push(
      `this data dir serves ${describeStore(remembered, config.dataDir)}, neither store of this copy; ` +
        'copying would leave that history behind',
    );
  return problems;
}

const identityOf = (kind: Kind, config: Config): StoreIdentity =>
  kind === 'embedded' ? { kind } : configuredStore(config);

/**
 * Grid and type per device, read straight from the state database (read-only: a copy tool must
 * not migrate or otherwise touch the state), for readings of the embedded store, which keeps neither.
 */
function loadDevices(dataDir: string): Map<string, { gridId: string; type: string }> {
  const path = join(dataDir, 'state.db');
  if (!existsSync(path)) return new Map();
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const rows = db.prepare('SELECT id, grid_id, type FROM devices').all() as {
      id: string;
      grid_id: string;
      type: string;
    }[];
    return new Map(rows.map((row) => [row.id, { gridId: row.grid_id, type: row.type }]));
  } finally {
    db.close();
  }
}

const consoleLog: IngestLog = {
  info: (_fields, message) => console.log(message),
  warn: (fields, message) => console.warn(message, fields),
  error: (fields, message) => console.error(message, fields),
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  const [from, to] = [values.from as Kind, values.to as Kind];
  if (values.help || !KINDS.includes(from) || !KINDS.includes(to)) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const config = commandConfig();
  if (!config) return 2;
  const problems = await checkRequest(config, from, to);
  if (problems.length > 0) {
    console.error(`cannot copy the readings: ${problems.join('; ')}`);
    return 2;
  }
  const [source, target] = [identityOf(from, config), identityOf(to, config)];
  console.log(`copying ${describeStore(source, config.dataDir)} to ${describeStore(target, config.dataDir)}`);
  const devices = from === 'embedded' ? loadDevices(config.dataDir) : new Map();
  const fromStore = await openStoreOfKind(from, config, { log: consoleLog });
  try {
    // The target keeps its rollups up to date: minutes rolled up before get redone.
    const toStore = await openStoreOfKind(to, config, { log: consoleLog, maintainRollups: true });
    try {
      const result = await migrateReadings({
        from: fromStore,
        to: toStore,
        deviceOf: (id) => devices.get(id),
        progress: (line) => console.log(line),
      });
      console.log(
        `copied ${result.readings.toLocaleString('en')} readings of ${result.devices} devices and ` +
          `${result.events.toLocaleString('en')} events`,
      );
      if (result.untagged > 0)
        console.warn(
          `${result.untagged.toLocaleString('en')} readings belong to devices no longer registered: ` +
            'stored without grid and type',
        );
      if (result.shortfalls.length > 0) {
        for (const s of result.shortfalls)
          console.error(`  ${s.deviceId}: ${s.source} readings in the source, ${s.target} in the target`);
        console.error('the target is missing readings: the data dir still serves the source store');
        return 1;
      }
    } finally {
      await toStore.close();
    }
  } finally {
    await fromStore.close();
  }
  await rememberStore(config.dataDir, target, Date.now());
  console.log(
    `this data dir now serves ${describeStore(target, config.dataDir)}: start GridSense with ` +
      (to === 'influx' ? 'INFLUX_URL set' : 'INFLUX_URL unset'),
  );
  return 0;
}

process.exitCode = await main();
