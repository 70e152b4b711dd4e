import { connectServiceBus } from '@gridsense/broker';
import { Closers, getOrCreateSecret, openStateDb, runService } from '@gridsense/state';
import { join } from 'node:path';
import { createAlerts } from './alerts-service';

/** Alerts alone: risks from the bus at MQTT_URL become cases in the shared state database. */
await runService('alerts', async (config, logger) => {
  if (!config.mqttUrl) throw new Error('MQTT_URL is required to run alerts on its own');
  const onError = (error: unknown, context: string) => logger.error({ err: error, context }, context);
  const closers = new Closers((error) => onError(error, 'shutdown'));
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  closers.add(() => db.destroy());
  const bus = await connectServiceBus({
    config: { ...config, mqttUrl: config.mqttUrl },
    serviceSecret: await getOrCreateSecret(db, 'mqtt_service_secret'),
    clientId: 'gridsense-alerts',
    role: 'alerts',
    onError: (error) => onError(error, 'bus'),
  });
  closers.add(() => bus.close());
  const alerts = await createAlerts({
    db,
    bus,
    onError,
    tickerIntervalMs: config.deadlineCheckMs,
    ...(config.workMessaging ? { workMessaging: config.workMessaging } : {}),
  });
  closers.add(() => alerts.close());
  logger.info({ mqtt: config.mqttUrl }, 'alerts running');
  return { close: () => closers.closeAll() };
});
