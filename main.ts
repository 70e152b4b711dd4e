import { CONFIG_DOC, parseConfig } from '@gridsense/core';
import { createLogger } from '@gridsense/state';
import { startPlatform } from './platform';

/** `npm start`: every service in one process on embedded defaults (see README for settings). */
const parsed = parseConfig(process.env, process.argv.slice(2));
if (!parsed.ok) {
  console.error(`GridSense cannot start; fix these settings:\n  ${parsed.errors.join('\n  ')}\n`);
  console.error(Object.entries(CONFIG_DOC).map(([k, v]) => `  ${k.padEnd(26)} ${v}`).join('\n'));
  process.exit(2);
}
const { config } = parsed;
const logger = createLogger({ level: config.logLevel });

const platform = await startPlatform(config, { logger });
const host = config.httpHost === '0.0.0.0' ? 'localhost' : config.httpHost;
if (platform.seeded) {
  // Shown once: only hashes are stored. Device secrets went to the provisioning file.
  const lines = platform.seeded.passwords.map((p) => `  ${p.username.padEnd(10)} ${p.role.padEnd(12)} ${p.password}`);
  console.log(`\nDemo district seeded. Logins (shown only now, keep them):\n${lines.join('\n')}\n`);
}
console.log(`GridSense console: http://${host}:${platform.httpPort}/   Node-RED: http://${host}:${platform.httpPort}/flows`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  platform.close().then(
    () => process.exit(0),
    (error: unknown) => {
      logger.error({ err: error }, 'shutdown failed');
      process.exit(1);
    },
  );
};
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
