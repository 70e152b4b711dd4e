import {
  closeBroker,
  closeRevokedSessions,
  createAedesBus,
  createBroker,
  createDeviceAccess,
  listenMqtt,
  openBrokerCluster,
  splitClusterBus,
  type Broker,
  type ClusterBuses,
} from '@gridsense/broker';
import { DEFAULT_NETWORK_LIMITS, type Bus } from '@gridsense/core';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** A device registry held in memory: what every node would read from the shared database. */
export type DeviceTable = Map<string, { secret: string; gridId: string }>;

export interface BrokerNode {
  nodeId: string;
  url: string;
  broker: Broker;
  /** This node's bus (on the cluster's emitter: it reaches every node). */
  bus: Bus;
  /** The views of it the platform hands out (ingest and alerts: `node`; web: `cluster`). */
  buses: ClusterBuses;
  /** Device messages this node's ingest hook received, as `topic seq`. */
  ingested: string[];
  /** Device statuses (wills among them) this node's ingest hook received, as `device state`. */
  statuses: string[];
  /** Revoked sessions this node ended. */
  closed: string[];
  close(): Promise<void>;
}

/**
 * One embedded broker node on Redis, wired as the platform wires it (device access with an ingest
 * hook that accepts everything, revoked sessions ended), listening on a free port on loopback.
 */
export async function startBrokerNode(options: {
  redisUrl: string;
  nodeId: string;
  devices: () => DeviceTable;
  serviceSecret: string;
  heartbeatIntervalMs?: number;
}): Promise<BrokerNode> {
  const ingested: string[] = [];
  const statuses: string[] = [];
  const closed: string[] = [];
  const broker = await createBroker(
    createDeviceAccess({
      devices: {
        checkDevice(deviceId, secret) {
          const device = options.devices().get(deviceId);
          return device?.secret === secret ? { gridId: device.gridId } : undefined;
        },
      },
      serviceSecret: options.serviceSecret,
      onDevicePublish(topic, packet) {
        const { seq, state } = JSON.parse(String(packet.payload)) as { seq?: number; state?: string };
        ingested.push(`${topic.kind} ${seq ?? '-'}`);
        if (topic.kind === 'status') statuses.push(`${topic.deviceId} ${state}`);
        return Promise.resolve({ outcome: 'accepted' });
      },
    }),
    openBrokerCluster({
      redisUrl: options.redisUrl,
      nodeId: options.nodeId,
      ...(options.heartbeatIntervalMs ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    }),
  );
  const bus = createAedesBus(broker, (error) => {
    throw error;
  });
  await closeRevokedSessions(broker, bus, { onClosed: (deviceId) => closed.push(deviceId) });
  const listening = await listenMqtt(broker, 0, '127.0.0.1', DEFAULT_NETWORK_LIMITS);
  return {
    nodeId: options.nodeId,
    url: `mqtt://127.0.0.1:${listening.port}`,
    broker,
    bus,
    buses: splitClusterBus(bus, (error) => {
      throw error;
    }),
    ingested,
    statuses,
    closed,
    async close() {
      await listening.close();
      await closeBroker(broker);
    },
  };
}

export interface BrokerNodeProcess {
  url: string;
  /** SIGKILL: the node dies without closing anything, as in a crash or a lost host. */
  kill(): Promise<void>;
}

/** A broker node in a child process (broker-node-main.ts), for a node that really dies. */
export async function startBrokerNodeProcess(options: {
  redisUrl: string;
  nodeId: string;
  devices: DeviceTable;
  serviceSecret: string;
  heartbeatIntervalMs?: number;
}): Promise<BrokerNodeProcess> {
  const root = path.resolve(import.meta.dirname, '../../..');
  const { PATH, HOME } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(import.meta.dirname, 'broker-node-main.ts')],
    {
      cwd: root,
      env: {
        PATH,
        HOME,
        NODE_SETTINGS: JSON.stringify({ ...options, devices: [...options.devices] }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (mqtt:\/\/\S+)/.exec(output);
      if (match) resolve(match[1]!);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`broker node exited (${code}):\n${output}`)));
  });
  return {
    url,
    async kill() {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGKILL');
      await exited;
    },
  };
}
