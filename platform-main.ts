import { runService } from '@gridsense/state';
import { startPlatform } from './platform';

/** `npm start`: every service in one process on embedded defaults (settings: README). */
await runService('gridsense', async (config, logger) => {
  const platform = await startPlatform(config, { logger });
  const host = config.httpHost === '0.0.0.0' ? 'localhost' : config.httpHost;
  if (platform.seeded) {
    // Shown once: only hashes are stored. Device secrets went to the provisioning file.
    const lines = platform.seeded.passwords.map(
      (p) => `  ${p.username.padEnd(10)} ${p.role.padEnd(12)} ${p.password}`,
    );
    console.log(`\nDemo district seeded. Logins (shown only now, keep them):\n${lines.join('\n')}\n`);
  }
  console.log(`\nGridSense console:  http://${host}:${platform.httpPort}/`);
  if (config.nodeRed)
    console.log(`Node-RED editor:    http://${host}:${platform.httpPort}/flows  (engineers, admins)`);
  if (platform.mqttPort)
    console.log(
      `MQTT broker:        mqtt://${host}:${platform.mqttPort}  and ws://${host}:${platform.httpPort}/mqtt\n`,
    );
  return platform;
});
