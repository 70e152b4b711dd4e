import { Closers, DeviceRegistry, getOrCreateSecret, openStateDb, runService } from '@gridsense/state';
import { join } from 'node:path';
import { createAedesBus } from './aedes-bus';
import { closeBroker, createBroker, openBrokerCluster } from './create-broker';
import { createDeviceAccess } from './device-access';
import { listenMqtt } from './listeners';
import { closeRevokedSessions } from './revoked-sessions';

/**
 * The broker alone: device auth and the topic ACL, no ingest hook (run ingest against it with
 * MQTT_URL; its persistent session then carries readings durably).
 */
await runService('broker', async (config, logger) => {
  const closers = new Closers((error) => logger.error({ err: error }, 'shutdown'));
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  closers.add(() => db.destroy());
  const registry = await DeviceRegistry.load(db);
  const broker = await createBroker(
    createDeviceAccess({
      devices: registry,
      serviceSecret: await getOrCreateSecret(db, 'mqtt_service_secret'),
      onDevicePublish: () => Promise.resolve({ outcome: 'accepted' }),
    }),
    // With REDIS_URL: one node of several (docs/broker-cluster.md).
    config.redisUrl
      ? openBrokerCluster({
          redisUrl: config.redisUrl,
          nodeId: config.nodeId,
          onError: (error) => logger.error({ err: error }, 'broker cluster (Redis)'),
        })
      : undefined,
  );
  closers.add(() => closeBroker(broker));
  // The web service announces registry changes over this broker: reload at once, and end the
  // session a rotated secret or a disable revoked.
  await closeRevokedSessions(
    broker,
    createAedesBus(broker, (error) => logger.error({ err: error }, 'bus')),
    {
      refresh: () => registry.reload(),
      onClosed: (deviceId, change) => logger.info({ deviceId, change }, 'device session ended'),
    },
  );
  const { port, close } = await listenMqtt(broker, config.mqttPort, config.mqttHost, config.limits);
  closers.add(close);
  // A safety net for changes made while this broker was down or the event was missed.
  const timer = setInterval(
    () => void registry.reload().catch((error: unknown) => logger.error({ err: error }, 'reload devices')),
    10_000,
  );
  closers.add(() => Promise.resolve(clearInterval(timer)));
  logger.info({ port }, 'broker listening');
  return { close: () => closers.closeAll() };
});
