import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStateDb } from './database';
import { seedDemoDistrict } from './demo/seed-demo';
import { seedProductionDistrict } from './district/seed-district';
import { runService } from './service-runner';

/**
 * Migrates the state database and seeds it once (for services run apart): the demo district, or
 * in production only the district root and the standard case configuration.
 */
await runService('state', async (config, logger) => {
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  if (config.production) {
    const root = await seedProductionDistrict(db, { now: Date.now(), districtName: config.districtName });
    if (root)
      logger.info({ regionId: root.id, name: root.name }, 'district seeded; next: npm run admin:create');
    else logger.info('already seeded');
    await db.destroy();
    process.exit(0);
  }
  const seeded = await seedDemoDistrict(db, {
    now: Date.now(),
    ...(config.demoPassword ? { fixedPassword: config.demoPassword } : {}),
  });
  if (seeded) {
    await writeFile(join(config.dataDir, 'demo-devices.json'), JSON.stringify(seeded.devices, null, 2), {
      mode: 0o600,
    });
    console.log(
      seeded.passwords.map((p) => `${p.username.padEnd(10)} ${p.role.padEnd(12)} ${p.password}`).join('\n'),
    );
  } else logger.info('already seeded');
  await db.destroy();
  process.exit(0);
});
