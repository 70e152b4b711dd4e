import { connectMqttBus, serviceCredentials } from '@gridsense/broker';
import { Closers, DeviceRegistry, getOrCreateSecret, openStateDb, runService } from '@gridsense/state';
import { join } from 'node:path';
import { subscribeExternalBroker } from './external-subscriber';
import { createIngestService, ingestSettings } from './ingest-service';
import { serveMetrics } from './metrics-server';
import { openTimeSeriesStore } from './open-store';
import { spawnIngestWorker, startIngestWorker } from './worker-ingest';

/** The broker's safety net for registry changes whose bus event was missed (broker/src/main.ts). */
const REGISTRY_RELOAD_MS = 10_000;

/** Ingest alone, against the broker at MQTT_URL (persistent session, PUBACK after durable). */
await runService('ingest', async (config, logger) => {
  if (!config.mqttUrl) throw new Error('MQTT_URL is required to run ingest on its own');
  const onError = (error: unknown, context: string) => logger.error({ err: error, context }, context);
  const closers = new Closers((error) => onError(error, 'shutdown'));
  // With GRIDSENSE_INGEST_THREADS=1 the pipeline runs in a worker thread (decision 0015), so the
  // subscriber's MQTT framing and PUBACKs use one core and decoding, rules and the store another.
  const spawned = config.ingestThreads > 0 ? spawnIngestWorker(config, 'external') : undefined;
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  closers.add(() => db.destroy());
  const credentials = serviceCredentials(
    config,
    await getOrCreateSecret(db, 'mqtt_service_secret'),
    'ingest',
  );
  const bus = await connectMqttBus({
    url: config.mqttUrl,
    fallbackUrls: config.mqttFailoverUrls,
    // One bus session per ingest process: two processes on one id would take it from each other.
    clientId:
      config.ingestInstance.index === 1
        ? 'gridsense-ingest-bus'
        : `gridsense-ingest-bus-${config.ingestInstance.index}`,
    ...credentials,
    onError: (error) => onError(error, 'bus'),
  });
  closers.add(() => bus.close());
  const registry = await DeviceRegistry.load(db);
  // Devices registered or changed while ingest runs: at once on the web service's event, and
  // every 10 s for an event missed while the bus was down.
  const reloadDevices = () =>
    void registry.reload().catch((error: unknown) => onError(error, 'reload devices'));
  await bus.subscribe('device.access_changed', reloadDevices);
  const reloadTimer = setInterval(reloadDevices, REGISTRY_RELOAD_MS);
  closers.add(() => Promise.resolve(clearInterval(reloadTimer)));
  const ingest = spawned
    ? await startIngestWorker({ spawned, bus, registry, log: logger, onError })
    : await createIngestService({
        db,
        store: await openStore(),
        registry,
        bus,
        ...ingestSettings(config),
        ackPath: 'external',
        log: logger,
        onError,
      });
  closers.add(() => ingest.close());
  const subscriber = await subscribeExternalBroker({
    url: config.mqttUrl,
    clientId: 'gridsense-ingest',
    ...credentials,
    ingest,
    onError,
    subscribers: config.ingestSubscribers,
    instance: config.ingestInstance,
    silenceCheckMs: config.ingestSilenceCheckMs,
  });
  closers.add(() => subscriber.endAsync());
  if (config.metricsPort !== undefined) {
    const metrics = await serveMetrics(config.metricsPort, config.httpHost);
    closers.add(() => new Promise<void>((done) => metrics.close(() => done())));
  }
  logger.info(
    {
      mqtt: config.mqttUrl,
      influx: config.influxUrl ?? 'embedded',
      pipeline: spawned ? 'worker thread' : "subscriber's loop",
    },
    'ingest running',
  );
  return { close: () => closers.closeAll() };

  async function openStore() {
    const store = await openTimeSeriesStore(config, { log: logger, maintainRollups: true });
    closers.add(() => store.close());
    return store;
  }
});
