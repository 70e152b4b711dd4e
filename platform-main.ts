import { runService } from '@gridsense/state';
import { startPlatform } from './platform';

/**
 * The platform: every service in one process on embedded defaults (settings: README). `runService`
 * sets the umask that keeps the data dir this user's only.
 */
await runService('gridsense', async (config, logger) => {
  const platform = await startPlatform(config, { logger });
  const host = config.httpHost === '0.0.0.0' ? 'localhost' : config.httpHost;
  const [http, ws] = platform.tlsFingerprint ? ['https', 'wss'] : ['http', 'ws'];
  if (platform.seeded) {
    // Shown once: only hashes are stored. Device secrets went to the provisioning file.
    const lines = platform.seeded.passwords.map(
      (p) => `  ${p.username.padEnd(10)} ${p.role.padEnd(12)} ${p.password}`,
    );
    console.log(`\nDemo district seeded. Logins (shown only now, keep them):\n${lines.join('\n')}\n`);
  }
  console.log(`\nGridSense console:  ${http}://${host}:${platform.httpPort}/`);
  if (config.nodeRed)
    console.log(`Node-RED editor:    ${http}://${host}:${platform.httpPort}/flows  (engineers, admins)`);
  if (platform.mqttPort) console.log(`MQTT broker:        mqtt://${host}:${platform.mqttPort}`);
  if (platform.mqttsPort) console.log(`MQTT over TLS:      mqtts://${host}:${platform.mqttsPort}`);
  if (platform.mqttPort || platform.mqttsPort)
    console.log(`MQTT over ${ws}:     ${ws}://${host}:${platform.httpPort}/mqtt`);
  if (platform.tlsFingerprint)
    console.log(`TLS certificate:    SHA-256 ${platform.tlsFingerprint} (compare it where a browser warns)`);
  console.log('');
  return platform;
});
