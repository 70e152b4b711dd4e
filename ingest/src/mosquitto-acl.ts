import { configuredServiceAccounts } from '@gridsense/broker';
import { commandConfig, getOrCreateSecret, openStateDb, writeMosquittoAuthFiles } from '@gridsense/state';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run mosquitto:acl -- --out <dir>

Writes Mosquitto's password file (<dir>/passwd) and ACL (<dir>/acl) from the device registry in
GRIDSENSE_DATA_DIR: GridSense's service accounts (the general one, MQTT_USERNAME/MQTT_PASSWORD or
the one GridSense keeps: device topics read, the bus gridsense/#; gridsense-ingest: the same;
gridsense-alerts: the bus only), and each enabled device only gs/v1/{its grid}/{its id}/#. Run it
before Mosquitto first starts; afterwards GridSense rewrites both files on every registry change
when GRIDSENSE_MOSQUITTO_DIR names the folder, and reloads Mosquitto when
GRIDSENSE_MOSQUITTO_RELOAD_COMMAND or GRIDSENSE_MOSQUITTO_PID_FILE is set (SIGHUP).`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || !values.out) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const config = commandConfig();
  if (!config) return 2;
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  try {
    const services = configuredServiceAccounts(config, await getOrCreateSecret(db, 'mqtt_service_secret'));
    const { devices, withoutHash } = await writeMosquittoAuthFiles(db, values.out, services);
    console.log(
      `wrote ${values.out}/passwd and ${values.out}/acl: ${devices} devices and ${services.map((s) => s.username).join(', ')}`,
    );
    if (withoutHash.length > 0)
      console.warn(
        `left out (issued before GridSense kept Mosquitto hashes; rotate their secrets): ${withoutHash.join(', ')}`,
      );
    return 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
