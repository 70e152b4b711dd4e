import {
  createAlerts,
  createCaseService,
  stageDemoCohandling,
  type PushTargetPolicy,
} from '@gridsense/alerts';
import { stageDemoWorkflow } from '@gridsense/alerts/demo-workflow';
import {
  closeBroker,
  closeRevokedSessions,
  connectMqttBus,
  createAedesBus,
  createBroker,
  createDeviceAccess,
  heldPublishes,
  listenMqtt,
  mqttOverWebSocket,
  openBrokerCluster,
  openSeqHandover,
  serviceCredentials,
  splitClusterBus,
  type Broker,
} from '@gridsense/broker';
import type { Bus, Config, DeviceListeners } from '@gridsense/core';
import {
  createIngestService,
  ingestSettings,
  openTimeSeriesStore,
  spawnIngestWorker,
  startIngestWorker,
  subscribeExternalBroker,
  type IngestHandle,
  type RuleEngine,
  type SeqHandover,
} from '@gridsense/ingest';
import { startSimulation, writeReadingsHistory } from '@gridsense/simulators';
import {
  auditAnchorFile,
  Closers,
  DeviceRegistry,
  getOrCreateSecret,
  loadTlsMaterial,
  openStateDb,
  seedDemoDistrict,
  seedProductionDistrict,
  startAuditAnchoring,
  type DeviceCredential,
  type Logger,
  type SeedResult,
  type StateDb,
} from '@gridsense/state';
import { emqxAuthSettings, mosquittoAuthSync, startWebServer, type WebServer } from '@gridsense/web';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

export interface Platform {
  httpPort: number;
  /** The embedded broker's TCP port (undefined with an external broker, or plain MQTT off). */
  mqttPort: number | undefined;
  /** Its MQTT-over-TLS port, with TLS on. */
  mqttsPort: number | undefined;
  /** The certificate's SHA-256 fingerprint, with TLS on. */
  tlsFingerprint: string | undefined;
  /** Present on the first start only: the generated credentials. */
  seeded: SeedResult | undefined;
  /** Ingest; its rule engine is here only when ingest runs on this thread (GRIDSENSE_INGEST_THREADS=0). */
  ingest: IngestHandle & { rules?: RuleEngine };
  /** The web server's Express app (tests walk its routes). */
  webApp: WebServer['app'];
  close(): Promise<void>;
}

export interface PlatformOptions {
  logger: Logger;
  now?: () => number;
  /** Where the built console is (default web/dist next to this file). */
  staticDir?: string;
  /** Tests only (push receivers on loopback); main.ts never sets it. */
  pushTargets?: PushTargetPolicy;
}

/** A production data dir's first start: the root region only; people come from `npm run admin:create`. */
async function seedDistrictRoot(db: StateDb, config: Config, at: number, logger: Logger): Promise<undefined> {
  const root = await seedProductionDistrict(db, { now: at, districtName: config.districtName });
  if (root)
    logger.info(
      { regionId: root.id, name: root.name },
      'district seeded; create the first administrator with npm run admin:create',
    );
  return undefined;
}

/**
 * Every GridSense service in one process (`npm start`): on the embedded broker and store unless
 * MQTT_URL / INFLUX_URL say otherwise. The services' own main.ts files run them apart.
 */
export async function startPlatform(config: Config, options: PlatformOptions): Promise<Platform> {
  const { logger } = options;
  const now = options.now ?? Date.now;
  const onError = (error: unknown, context: string) => logger.error({ err: error, context }, context);
  const closers = new Closers((error) => onError(error, 'shutdown'));

  try {
    // Ingest in a worker thread (decision 0015) behind the embedded broker; it writes the store
    // from there, and this thread only reads it (the web server). A test's own clock keeps it here.
    // The thread loads its modules while this one opens the state database and the broker.
    const ingestInWorker = !config.mqttUrl && config.ingestThreads > 0 && !options.now;
    const spawned = ingestInWorker ? spawnIngestWorker(config) : undefined;
    if (spawned) closers.add(() => spawned.terminate());
    await mkdir(config.dataDir, { recursive: true });
    const db = await openStateDb(join(config.dataDir, 'state.db'), config);
    closers.add(() => db.destroy());
    // Production seeds only the district root and the standard case configuration.
    const seeded = config.production
      ? await seedDistrictRoot(db, config, now(), logger)
      : await seedDemoDistrict(db, {
          now: now(),
          ...(config.demoPassword ? { fixedPassword: config.demoPassword } : {}),
          historyDays: config.demoHistoryDays,
        });
    const provisioningFile = join(config.dataDir, 'demo-devices.json');
    // Device secrets for the simulator; readable by this user only.
    if (seeded) await writeFile(provisioningFile, JSON.stringify(seeded.devices, null, 2), { mode: 0o600 });
    const anchoring = startAuditAnchoring(db, {
      file: auditAnchorFile(config.dataDir),
      now,
      onError: (error) => onError(error, 'audit anchor'),
    });
    closers.add(() => anchoring.close());
    const registry = await DeviceRegistry.load(db);
    const store = await openTimeSeriesStore(config, {
      log: logger.child({ service: 'ingest' }),
      maintainRollups: !ingestInWorker,
    });
    closers.add(() => store.close());
    // The demo's past readings go in once, through this thread's store: ingest's own when it runs
    // here; with the worker, before the worker opens its store (startIngestWorker, below), so the
    // store has one writer at a time.
    if (seeded?.history) {
      const started = performance.now();
      const readings = await writeReadingsHistory(store, seeded.devices, {
        now: now(),
        days: config.demoHistoryDays,
      });
      logger.info(
        { ...seeded.history, readings, readingsMs: Math.round(performance.now() - started) },
        'demo history seeded',
      );
    }
    const serviceSecret = await getOrCreateSecret(db, 'mqtt_service_secret');

    let broker: Broker | undefined;
    let bus: Bus;
    // What web nodes hear on a broker cluster (every node's events); otherwise `bus`.
    let webBus: Bus | undefined;
    // The broker's publish hook needs ingest, and ingest needs the broker's bus: tie the knot late.
    const late: { ingest?: IngestHandle & { adoptDevice?(deviceId: string): Promise<void> } } = {};
    let handover: SeqHandover | undefined;
    if (config.mqttUrl) {
      const service = serviceCredentials(config, serviceSecret);
      // An external Mosquitto learns the service accounts (and the devices) before the bus logs in.
      const mosquittoFiles = mosquittoAuthSync(config, { db, serviceSecret, logger });
      await mosquittoFiles?.writeNow();
      bus = await connectMqttBus({
        url: config.mqttUrl,
        fallbackUrls: config.mqttFailoverUrls,
        clientId: 'gridsense-bus',
        ...service,
        onError: (error) => onError(error, 'bus'),
      });
      await mosquittoFiles?.follow(bus);
    } else {
      // With REDIS_URL: one node of several (docs/broker-cluster.md).
      const cluster = config.redisUrl
        ? openBrokerCluster({
            redisUrl: config.redisUrl,
            nodeId: config.nodeId,
            onError: (error) => onError(error, 'broker cluster (Redis)'),
          })
        : undefined;
      if (config.redisUrl) {
        const shared = openSeqHandover(config.redisUrl, onError);
        closers.add(() => shared.close());
        handover = shared;
      }
      broker = await createBroker(
        createDeviceAccess({
          devices: registry,
          serviceSecret,
          // The device's PUBACK waits for this: ingest resolves once the reading is durable.
          onDevicePublish: (topic, packet) =>
            late.ingest!.handleDeviceMessage(topic, packet.payload as Buffer),
          // A device may come from another node of the cluster: its seqs come over before its publishes.
          ...(cluster
            ? {
                onDeviceConnect: (deviceId: string) =>
                  (late.ingest?.adoptDevice?.(deviceId) ?? Promise.resolve()).catch((error: unknown) =>
                    onError(error, `take over the seq state of ${deviceId}`),
                  ),
              }
            : {}),
        }),
        cluster,
      );
      heldPublishes(broker).maxHeld = config.mqttMaxHeldPublishes;
      const brokerBus = createAedesBus(broker, (error) => onError(error, 'bus'));
      // On a cluster, ingest and alerts act on this node's risks only (cluster-bus.ts).
      const views = config.redisUrl
        ? splitClusterBus(brokerBus, (error) => onError(error, 'bus'))
        : undefined;
      bus = views?.node ?? brokerBus;
      webBus = views?.cluster;
      closers.add(() => closeBroker(broker!));
      // One node: the registry is shared in this process, only the revoked sessions need ending.
      // On a cluster, the change was made through another node: reload the registry first.
      await closeRevokedSessions(broker, bus, {
        ...(config.redisUrl ? { refresh: () => registry.reload() } : {}),
        onClosed: (deviceId, change) => logger.info({ deviceId, change }, 'device session ended'),
      });
    }
    closers.add(() => bus.close());

    if (spawned) logger.info('ingest runs in a worker thread (GRIDSENSE_INGEST_THREADS)');
    const ingest: IngestHandle & { rules?: RuleEngine } = spawned
      ? await startIngestWorker({ spawned, bus, registry, log: logger.child({ service: 'ingest' }), onError })
      : await createIngestService({
          db,
          store,
          registry,
          bus,
          now,
          ...ingestSettings(config),
          ...(handover ? { handover } : {}),
          ackPath: config.mqttUrl ? 'external' : 'embedded',
          log: logger.child({ service: 'ingest' }),
          onError,
        });
    late.ingest = ingest;
    closers.add(() => ingest.close());
    if (config.mqttUrl) {
      const subscriber = await subscribeExternalBroker({
        url: config.mqttUrl,
        clientId: 'gridsense-ingest',
        ...serviceCredentials(config, serviceSecret),
        ingest,
        onError,
        subscribers: config.ingestSubscribers,
        instance: config.ingestInstance,
        silenceCheckMs: config.ingestSilenceCheckMs,
      });
      closers.add(() => subscriber.endAsync());
    }

    const tls = await loadTlsMaterial(config.tls, config.dataDir);
    if (tls) logger.info({ certificate: tls.source, sha256: tls.fingerprint }, 'TLS on');
    const { pushTargets } = options;
    // GRIDSENSE_ALERTS=off: one alerts process on the cluster takes the risks and keeps the clocks;
    // the console here still acts on cases.
    const alerts = config.alerts
      ? await createAlerts({
          db,
          bus,
          now,
          onError,
          tickerIntervalMs: config.deadlineCheckMs,
          ...(pushTargets ? { pushTargets } : {}),
          ...(config.workMessaging ? { workMessaging: config.workMessaging } : {}),
        })
      : undefined;
    if (alerts) closers.add(() => alerts.close());
    const cases = alerts?.cases ?? (await createCaseService({ db, bus, now }));
    // A fresh demo opens with a 延期 request waiting and a case under 督办 (decision 0017).
    if (seeded && !config.production && config.simulator)
      await stageDemoWorkflow(db, cases).catch((error: unknown) => onError(error, 'demo workflow scene'));
    // …and a 协办 case whose co-handler's report is still owed (decision 0021).
    if (seeded && !config.production && config.simulator)
      await stageDemoCohandling(db, cases).catch((error: unknown) => onError(error, 'demo 协办 scene'));
    // Filled in once the broker's listeners run (after the web server, which serves /mqtt).
    let deviceListeners: DeviceListeners = {
      external: broker === undefined,
      webSocket: broker !== undefined,
      ...(config.mqttPublicHost ? { publicHost: config.mqttPublicHost } : {}),
    };
    const web = await startWebServer(
      {
        db,
        bus: webBus ?? bus,
        cases,
        store,
        registry,
        deviceListeners: () => deviceListeners,
        session: config.session,
        logger,
        dataDir: config.dataDir,
        staticDir: options.staticDir ?? resolve(import.meta.dirname, 'web/dist'),
        now,
        emqxAuth: emqxAuthSettings(config),
        ...(config.baseMap ? { baseMap: config.baseMap } : {}),
        ...(config.pdfFont ? { pdfFont: config.pdfFont } : {}),
        ...(pushTargets ? { pushTargets } : {}),
      },
      {
        host: config.httpHost,
        port: config.httpPort,
        nodeRed: config.nodeRed,
        limits: config.limits,
        upgrades: broker ? { '/mqtt': mqttOverWebSocket(broker, config.limits) } : {},
        ...(tls ? { tls } : {}),
        behindTlsProxy: config.behindTlsProxy,
        ...(config.redisUrl ? { redisUrl: config.redisUrl } : {}),
      },
    );
    closers.add(() => web.close());

    let mqttPort: number | undefined;
    let mqttsPort: number | undefined;
    if (broker && (config.mqttPlain || !tls)) {
      const listening = await listenMqtt(broker, config.mqttPort, config.mqttHost, config.limits);
      mqttPort = listening.port;
      closers.add(() => listening.close());
    }
    if (broker && tls) {
      const listening = await listenMqtt(broker, config.mqttsPort, config.mqttHost, config.limits, tls);
      mqttsPort = listening.port;
      closers.add(() => listening.close());
    }
    deviceListeners = {
      ...deviceListeners,
      ...(mqttPort !== undefined ? { mqttPort } : {}),
      ...(mqttsPort !== undefined ? { mqttsPort } : {}),
    };

    if (config.simulator) {
      const devices = JSON.parse(await readFile(provisioningFile, 'utf8')) as DeviceCredential[];
      // The built-in simulator is a demo's devices on this host: plain MQTT on loopback.
      if (!config.mqttUrl && !mqttPort) throw new Error('the device simulator needs GRIDSENSE_MQTT_PLAIN=on');
      const url = config.mqttUrl ?? `mqtt://127.0.0.1:${mqttPort}`;
      const simulation = startSimulation({
        url,
        devices,
        intervalMs: config.simulatorIntervalMs,
        // About one incident a minute across the demo's 100 devices at the default interval.
        riskProbability: 0.001,
        log: (line) => logger.debug({ service: 'simulator' }, line),
      });
      // One early incident so a fresh demo shows a case within seconds, not after a minute.
      const firstSmoke = devices.find((d) => d.type === 'smoke_detector');
      const early = setTimeout(() => firstSmoke && simulation.triggerRisk(firstSmoke.id), 8000);
      early.unref();
      closers.add(() => simulation.stop());
      closers.add(() => Promise.resolve(clearTimeout(early)));
      logger.info({ devices: devices.length, url }, 'device simulator running');
    }

    logger.info(
      {
        http: web.port,
        mqtt: mqttPort ?? config.mqttUrl,
        mqtts: mqttsPort,
        influx: config.influxUrl ?? 'embedded',
        dataDir: config.dataDir,
      },
      'GridSense is up',
    );
    return {
      httpPort: web.port,
      mqttPort,
      mqttsPort,
      tlsFingerprint: tls?.fingerprint,
      seeded,
      ingest,
      webApp: web.app,
      close: () => closers.closeAll(),
    };
  } catch (error) {
    await closers.closeAll();
    throw error;
  }
}
