import { createCaseService } from '@gridsense/alerts';
import { connectServiceBus } from '@gridsense/broker';
import { openTimeSeriesStore } from '@gridsense/ingest';
import {
  auditAnchorFile,
  Closers,
  DeviceRegistry,
  getOrCreateSecret,
  loadTlsMaterial,
  openStateDb,
  runService,
  startAuditAnchoring,
} from '@gridsense/state';
import { join, resolve } from 'node:path';
import { webBusClientId } from './cluster-node';
import { mosquittoAuthSync } from './mosquitto-auth-sync';
import { emqxAuthSettings } from './routes/mqtt-auth.routes';
import { startWebServer } from './web-server';

/** The web server alone: API, console, socket.io and Node-RED, on the bus at MQTT_URL. */
await runService('web', async (config, logger) => {
  if (!config.mqttUrl) throw new Error('MQTT_URL is required to run the web server on its own');
  const onError = (error: unknown, context: string) => logger.error({ err: error, context }, context);
  const closers = new Closers((error) => onError(error, 'shutdown'));
  const db = await openStateDb(join(config.dataDir, 'state.db'), config);
  closers.add(() => db.destroy());
  const anchoring = startAuditAnchoring(db, {
    file: auditAnchorFile(config.dataDir),
    now: Date.now,
    onError: (error) => onError(error, 'audit anchor'),
  });
  closers.add(() => anchoring.close());
  const serviceSecret = await getOrCreateSecret(db, 'mqtt_service_secret');
  // Device administration is here: so is keeping an external Mosquitto's accounts in step.
  const mosquittoFiles = mosquittoAuthSync(config, { db, serviceSecret, logger });
  await mosquittoFiles?.writeNow();
  const bus = await connectServiceBus({
    config: { ...config, mqttUrl: config.mqttUrl },
    serviceSecret,
    clientId: webBusClientId(config.httpPort),
    onError: (error) => onError(error, 'bus'),
  });
  closers.add(() => bus.close());
  await mosquittoFiles?.follow(bus);
  const tls = await loadTlsMaterial(config.tls, config.dataDir);
  const store = await openTimeSeriesStore(config);
  closers.add(() => store.close());
  const web = await startWebServer(
    {
      db,
      bus,
      cases: await createCaseService({ db, bus }),
      store,
      registry: await DeviceRegistry.load(db),
      // The broker runs elsewhere (MQTT_URL): its addresses for devices are not known here.
      deviceListeners: () => ({ external: true, webSocket: false }),
      session: config.session,
      logger,
      dataDir: config.dataDir,
      staticDir: resolve(import.meta.dirname, '../dist'),
      now: Date.now,
      emqxAuth: emqxAuthSettings(config),
      ...(config.baseMap ? { baseMap: config.baseMap } : {}),
      ...(config.pdfFont ? { pdfFont: config.pdfFont } : {}),
    },
    {
      host: config.httpHost,
      port: config.httpPort,
      nodeRed: config.nodeRed,
      limits: config.limits,
      ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
      // HTTPS here as in `npm start` (production requires it, or a TLS proxy in front).
      ...(tls ? { tls: { cert: tls.cert, key: tls.key } } : {}),
    },
  );
  closers.add(() => web.close());
  logger.info({ port: web.port }, 'web listening');
  return { close: () => closers.closeAll() };
});
