import { createAlerts } from '@gridsense/alerts';
import {
  attachMqttOverWebSocket,
  closeBroker,
  connectMqttBus,
  createAedesBus,
  createBroker,
  createDeviceAccess,
  listenMqtt,
  SERVICE_USERNAME,
  type Broker,
} from '@gridsense/broker';
import type { Bus, Config } from '@gridsense/core';
import {
  createEmbeddedStore,
  createInfluxStore,
  createIngestService,
  subscribeExternalBroker,
  type IngestService,
  type TimeSeriesStore,
} from '@gridsense/ingest';
import { startSimulation } from '@gridsense/simulators';
import {
  DeviceRegistry,
  getOrCreateSecret,
  openStateDb,
  seedDemoDistrict,
  type DeviceCredential,
  type Logger,
  type SeedResult,
} from '@gridsense/state';
import { SessionTokens, startWebServer } from '@gridsense/web';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:net';
import { join, resolve } from 'node:path';

export interface Platform {
  httpPort: number;
  /** The embedded broker's TCP port (undefined with an external broker). */
  mqttPort: number | undefined;
  /** Present on the first start only: the generated credentials. */
  seeded: SeedResult | undefined;
  ingest: IngestService;
  close(): Promise<void>;
}

export interface PlatformOptions {
  logger: Logger;
  now?: () => number;
  /** Where the built console is (default web/dist next to this file). */
  staticDir?: string;
}

/** Starts every GridSense service in one process, on the embedded parts unless configured otherwise. */
export async function startPlatform(config: Config, options: PlatformOptions): Promise<Platform> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const onError = (error: unknown, context: string) => logger.error({ err: error, context }, context);
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch((error: unknown) => onError(error, 'shutdown'));
  };

  try {
    await mkdir(config.dataDir, { recursive: true });
    const db = await openStateDb(join(config.dataDir, 'state.db'));
    closers.push(() => db.destroy());
    const seeded = await seedDemoDistrict(db, { now: now(), ...(config.demoPassword ? { fixedPassword: config.demoPassword } : {}) });
    const provisioningFile = join(config.dataDir, 'demo-devices.json');
    if (seeded) await writeFile(provisioningFile, JSON.stringify(seeded.devices, null, 2), { mode: 0o600 });
    const registry = await DeviceRegistry.load(db);

    const store: TimeSeriesStore = config.influxUrl
      ? await createInfluxStore({
          url: config.influxUrl,
          database: config.influxDatabase,
          ...(config.influxUsername ? { username: config.influxUsername } : {}),
          ...(config.influxPassword ? { password: config.influxPassword } : {}),
          ...(config.influxToken ? { token: config.influxToken } : {}),
        })
      : await createEmbeddedStore({ path: join(config.dataDir, 'timeseries.db') });
    closers.push(() => store.close());

    let broker: Broker | undefined;
    let bus: Bus;
    let ingest: IngestService | undefined;
    if (config.mqttUrl) {
      bus = await connectMqttBus({
        url: config.mqttUrl,
        clientId: 'gridsense-bus',
        ...(config.mqttUsername ? { username: config.mqttUsername, password: config.mqttPassword ?? '' } : {}),
        onError: (error) => onError(error, 'bus'),
      });
    } else {
      const serviceSecret = await getOrCreateSecret(db, 'mqtt_service_secret');
      broker = await createBroker(
        createDeviceAccess({
          devices: registry,
          serviceSecret,
          onDevicePublish: (topic, packet) =>
            ingest!.handleDeviceMessage(topic, packet.payload as Buffer).then((result) => result.outcome),
        }),
      );
      bus = createAedesBus(broker, (error) => onError(error, 'bus'));
      closers.push(() => closeBroker(broker!));
    }
    closers.push(() => bus.close());

    ingest = await createIngestService({ db, store, registry, bus, now, onError });
    closers.push(() => ingest!.close());
    if (config.mqttUrl) {
      const subscriber = await subscribeExternalBroker({
        url: config.mqttUrl,
        clientId: 'gridsense-ingest',
        ...(config.mqttUsername ? { username: config.mqttUsername, password: config.mqttPassword ?? '' } : {}),
        ingest,
        onError,
      });
      closers.push(() => subscriber.endAsync());
    }

    const { cases } = await createAlerts({ db, bus, now, onError });
    const tokens = new SessionTokens(await getOrCreateSecret(db, 'session_key'));
    const web = await startWebServer(
      {
        db,
        bus,
        cases,
        store,
        registry,
        tokens,
        logger,
        dataDir: config.dataDir,
        staticDir: options.staticDir ?? resolve(import.meta.dirname, 'web/dist'),
        now,
      },
      {
        host: config.httpHost,
        port: config.httpPort,
        nodeRed: config.nodeRed,
        beforeListen: (server) => broker && attachMqttOverWebSocket(server, broker, '/mqtt'),
      },
    );
    closers.push(() => web.close());

    let mqttPort: number | undefined;
    if (broker) {
      const listening = await listenMqtt(broker, config.mqttPort, config.mqttHost);
      mqttPort = listening.port;
      closers.push(() => new Promise<void>((done) => (listening.server as Server).close(() => done())));
    }

    if (config.simulator) {
      const devices = JSON.parse(await readFile(provisioningFile, 'utf8')) as DeviceCredential[];
      const url = config.mqttUrl ?? `mqtt://127.0.0.1:${mqttPort}`;
      const simulation = startSimulation({
        url,
        devices,
        intervalMs: config.simulatorIntervalMs,
        log: (line) => logger.debug({ service: 'simulator' }, line),
      });
      closers.push(() => simulation.stop());
      logger.info({ devices: devices.length, url }, 'device simulator running');
    }

    logger.info(
      { http: web.port, mqtt: mqttPort ?? config.mqttUrl, influx: config.influxUrl ?? 'embedded', dataDir: config.dataDir },
      'GridSense is up',
    );
    return { httpPort: web.port, mqttPort, seeded, ingest, close };
  } catch (error) {
    await close();
    throw error;
  }
}

export { SERVICE_USERNAME };
