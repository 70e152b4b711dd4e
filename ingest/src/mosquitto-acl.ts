import { serviceCredentials } from '@gridsense/broker';
import { commandConfig, getOrCreateSecret, openStateDb, writeMosquittoAuthFiles } from '@gridsense/state';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const USAGE = `Usage: npm run mosquitto:acl -- --out <dir>

Writes Mosquitto's password file (<dir>/passwd) and ACL (<dir>/acl) from the device registry in
GRIDSENSE_DATA_DIR: GridSense's service account (MQTT_USERNAME/MQTT_PASSWORD, or the one GridSense
keeps) may use every topic, each enabled device only gs/v1/{its grid}/{its id}/#. Run it before
Mosquitto first starts; afterwards GridSense rewrites both files on every registry change when
GRIDSENSE_MOSQUITTO_DIR names the folder. Mosquitto re-reads them on SIGHUP.`;

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
    const service = serviceCredentials(config, await getOrCreateSecret(db, 'mqtt_service_secret'));
    const { devices, withoutHash } = await writeMosquittoAuthFiles(db, values.out, service);
    console.log(
      `wrote ${values.out}/passwd and ${values.out}/acl: ${devices} devices and ${service.username}`,
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
