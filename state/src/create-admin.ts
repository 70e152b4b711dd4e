import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStateDb } from './database';
import { commandConfig } from './service-runner';
import { createDistrictAdmin } from './district/first-admin';

const USAGE = `Usage: npm run admin:create -- --username <name> --name <display name>

Creates an administrator of the whole district in the state database of GRIDSENSE_DATA_DIR (with
the same settings and keys as GridSense) and prints a generated password once; it must be changed
at the first sign-in. For the first administrator of a production district; later ones are created
in the console. Refuses a username that exists.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      name: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || values.username === undefined || values.name === undefined) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const config = commandConfig();
  if (!config) return 2;
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  try {
    const result = await createDistrictAdmin(db, {
      username: values.username,
      displayName: values.name,
      now: Date.now(),
    });
    if (!result.ok) {
      console.error(`cannot create the administrator: ${result.problems.join('; ')}`);
      return 1;
    }
    console.log(
      `Administrator ${values.username.trim()} created for region ${result.regionId}.\n` +
        `Password (shown only now; it must be changed at the first sign-in): ${result.password}`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}

process.exitCode = await main();
