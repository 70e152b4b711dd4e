import type { DeviceCredential } from '@gridsense/state';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { freePort } from '../tests/src/harness/free-port';
import { startInfluxd, type InfluxdInstance } from '../tests/src/harness/influxd';
import { startPostgres, type PostgresInstance } from '../tests/src/harness/postgres';
import { startRedis, type RedisInstance } from '../tests/src/harness/redis-server';
import { startServiceProcess, type ServiceProcess } from '../tests/src/harness/service-process';

export interface ClusterOptions {
  /** Every seeded demo person's password. */
  demoPassword: string;
  /** The services' LOG_LEVEL (default warn). */
  logLevel?: string;
  /** GRIDSENSE_DEADLINE_CHECK_S for the alerts process (default 15). */
  deadlineCheckS?: number;
  /** More environment for every service, e.g. NODE_OPTIONS. */
  env?: Record<string, string>;
}

/** Which services a cluster of `startClusterNodes` runs (`startCluster`: 2 broker nodes, alerts, 2 web nodes). */
export interface ClusterLayout {
  brokerNodes: 1 | 2;
  webNodes: 0 | 1 | 2;
  alerts: boolean;
}

/** A broker node: the embedded broker with ingest attached (and a console of its own). */
export interface BrokerNode {
  process: ServiceProcess;
  mqttUrl: string;
  httpUrl: string;
}

export interface WebNode {
  process: ServiceProcess;
  httpUrl: string;
}

export interface ClusterNodes {
  postgres: PostgresInstance;
  databaseUrl: string;
  redis: RedisInstance;
  influx: InfluxdInstance;
  influxDatabase: string;
  brokers: BrokerNode[];
  alerts: ServiceProcess | undefined;
  web: WebNode[];
  /** The demo district's devices and their secrets. */
  devices: DeviceCredential[];
  stop(): Promise<void>;
}

export interface RunningCluster extends ClusterNodes {
  brokers: [BrokerNode, BrokerNode];
  alerts: ServiceProcess;
  web: [WebNode, WebNode];
}

const INFLUX_DATABASE = 'gridsense';

/**
 * A small real GridSense cluster on this machine (docs/broker-cluster.md): PostgreSQL, Redis and InfluxDB
 * of their own in temp dirs, two broker nodes (broker + ingest, GRIDSENSE_ALERTS=off) sharing
 * sessions and publishes over the Redis, one alerts process, and two web nodes (socket.io over
 * the Redis). Each service is a child process on loopback with its own data dir (its spool); the
 * state is in the one PostgreSQL.
 */
export async function startCluster(options: ClusterOptions): Promise<RunningCluster> {
  const cluster = await startClusterNodes({ ...options, brokerNodes: 2, webNodes: 2, alerts: true });
  const [first, second] = cluster.brokers;
  const [webOne, webTwo] = cluster.web;
  return { ...cluster, brokers: [first!, second!], alerts: cluster.alerts!, web: [webOne!, webTwo!] };
}

/** `startCluster` with fewer services: one broker node, no web nodes, no alerts (the cluster bench). */
export async function startClusterNodes(options: ClusterOptions & ClusterLayout): Promise<ClusterNodes> {
  const started: { stop(): Promise<void> }[] = [];
  const stopAll = async () => {
    for (const part of started.splice(0).reverse()) await part.stop().catch(() => undefined);
  };
  try {
    const dir = await mkdtemp(join(os.tmpdir(), 'gridsense-cluster-'));
    started.push({ stop: () => rm(dir, { recursive: true, force: true }) });
    const [postgres, redis, influx] = await Promise.all([startPostgres(), startRedis(), startInfluxd()]);
    started.push(postgres, redis, influx);
    const databaseUrl = await postgres.createDatabase();

    // What every node shares: the state, the Redis, the time-series store, and the keys.
    const shared = {
      DATABASE_URL: databaseUrl,
      GRIDSENSE_AUDIT_KEY: randomBytes(32).toString('hex'),
      GRIDSENSE_DATA_KEY: randomBytes(32).toString('hex'),
      REDIS_URL: redis.url,
      INFLUX_URL: influx.url,
      INFLUX_DATABASE,
      GRIDSENSE_DEMO_PASSWORD: options.demoPassword,
      GRIDSENSE_NODE_RED: 'off',
      GRIDSENSE_SIMULATOR: 'off',
      LOG_LEVEL: options.logLevel ?? 'warn',
      HTTP_HOST: '127.0.0.1',
      ...options.env,
    };
    const service = async (
      name: string,
      entry: string,
      env: Record<string, string>,
      ready: string | null,
    ) => {
      const process = await startServiceProcess({
        name,
        entry,
        env: { ...shared, GRIDSENSE_DATA_DIR: join(dir, name), ...env },
        ready: ready ? { url: ready } : { printed: 'alerts running' },
      });
      started.push(process);
      return process;
    };
    const brokerNode = async (index: number): Promise<BrokerNode> => {
      const [httpPort, mqttPort] = [await freePort(), await freePort()];
      const httpUrl = `http://127.0.0.1:${httpPort}`;
      const process = await service(
        `node-${index}`,
        'platform-main.ts',
        {
          GRIDSENSE_NODE_ID: `node-${index}`,
          GRIDSENSE_ALERTS: 'off',
          HTTP_PORT: String(httpPort),
          MQTT_HOST: '127.0.0.1',
          MQTT_PORT: String(mqttPort),
        },
        `${httpUrl}/healthz`,
      );
      return { process, mqttUrl: `mqtt://127.0.0.1:${mqttPort}`, httpUrl };
    };
    // A service's bus starts on one broker node and moves to the others in turn if that one dies.
    const busOn = (first: BrokerNode) => ({
      MQTT_URL: first.mqttUrl,
      MQTT_FAILOVER_URLS: brokers
        .filter((node) => node !== first)
        .map((node) => node.mqttUrl)
        .join(','),
    });
    const webNode = async (index: number, broker: BrokerNode): Promise<WebNode> => {
      const httpUrl = `http://127.0.0.1:${await freePort()}`;
      const process = await service(
        `web-${index}`,
        'web/src/main.ts',
        { ...busOn(broker), HTTP_PORT: new URL(httpUrl).port },
        `${httpUrl}/healthz`,
      );
      return { process, httpUrl };
    };

    // The first node migrates the empty database and seeds the demo district; the rest find it.
    const brokers = [await brokerNode(1)];
    if (options.brokerNodes === 2) brokers.push(await brokerNode(2));
    const [first, last] = [brokers[0]!, brokers.at(-1)!];
    const webNodes = [first, last].slice(0, options.webNodes);
    const [alerts, web] = await Promise.all([
      options.alerts
        ? service(
            'alerts',
            'alerts/src/main.ts',
            {
              ...busOn(last),
              LOG_LEVEL: 'info',
              GRIDSENSE_DEADLINE_CHECK_S: String(options.deadlineCheckS ?? 15),
            },
            null,
          )
        : undefined,
      Promise.all(webNodes.map((broker, i) => webNode(i + 1, broker))),
    ]);
    const devices = JSON.parse(
      await readFile(join(dir, 'node-1', 'demo-devices.json'), 'utf8'),
    ) as DeviceCredential[];
    return {
      postgres,
      databaseUrl,
      redis,
      influx,
      influxDatabase: INFLUX_DATABASE,
      brokers,
      alerts,
      web,
      devices,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
