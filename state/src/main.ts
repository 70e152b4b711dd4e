import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { openStateDb } from './database';
import { seedDemoDistrict } from './demo/seed-demo';
import { runService } from './service-runner';

/** Migrates the state database and seeds the demo district (for services run apart). */
await runService('state', async (config, logger) => {
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
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
