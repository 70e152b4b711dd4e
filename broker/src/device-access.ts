import { devicePrefix, parseDeviceTopic, type DeviceTopic } from '@gridsense/core';
import type { Client, PublishPacket } from 'aedes';
import type {
  AuthenticateHandler,
  AuthorizePublishHandler,
  AuthorizeSubscribeHandler,
  BrokerOptions,
} from './create-broker';
import { budgetOf, exemptFromBudget } from './held-publishes';
import { raisePacketLimit } from './packet-limit';
import { SERVICE_USERNAME, serviceAccountOf, serviceAccounts } from './service-accounts';

/** The username GridSense's own services use when they connect over MQTT. */
export { SERVICE_USERNAME };

/** Client ids under this prefix belong to GridSense's own services (the bus, ingest …). */
export const SERVICE_CLIENT_PREFIX = 'gridsense-';

/** What a service may send in one packet once it has logged in (bus events carry case views). */
const SERVICE_MAX_PACKET_BYTES = 4 * 1024 * 1024;

export interface DeviceLookup {
  /** The device's grid and whether `secret` is its secret; undefined when unknown. */
  checkDevice(deviceId: string, secret: string): { gridId: string } | undefined;
}

/** What ingest decided about a device's message; the PUBACK is sent after this resolves. */
export type PublishOutcome = 'accepted' | 'rejected';

export interface DeviceAccessOptions {
  devices: DeviceLookup;
  /** Secret for GridSense services connecting as SERVICE_USERNAME; no service login without it. */
  serviceSecret?: string;
  /** Called for every allowed device publish; resolve once the message is durable or rejected for good. */
  onDevicePublish(device: DeviceTopic, packet: PublishPacket): Promise<{ outcome: PublishOutcome }>;
  /**
   * A device was let in; its CONNACK (and so its first publish) waits for this. On a broker
   * cluster, ingest takes the device's seq state over from wherever it was before. Never rejects.
   */
  onDeviceConnect?(deviceId: string): Promise<void>;
}

/** Where rejected payloads go instead of to subscribers of device topics (a dead-letter topic). */
export function rejectedTopic(deviceId: string): string {
  return `gridsense/rejected/${deviceId}`;
}

/** A device's identity, with the last topic it published parsed (a device repeats its few). */
type DeviceIdentity = {
  kind: 'device';
  deviceId: string;
  gridId: string;
  lastTopic?: string;
  lastParsed?: DeviceTopic;
};
type Identity = DeviceIdentity | { kind: 'service' };

/** `ownDeviceTopic` for a connected device, remembering the last answer. */
function ownTopicOf(device: DeviceIdentity, topic: string): DeviceTopic | undefined {
  if (device.lastTopic === topic) return device.lastParsed;
  const parsed = ownDeviceTopic(device, topic);
  if (parsed) {
    device.lastTopic = topic;
    device.lastParsed = parsed;
  }
  return parsed;
}

/**
 * The device-contract topic `topic` names when `device` may publish it (its own telemetry, event
 * or status: `parseDeviceTopic` with its own grid and id), else undefined. The one publish rule
 * for devices, here and at the EMQX endpoints.
 */
export function ownDeviceTopic(
  device: { gridId: string; deviceId: string },
  topic: string,
): DeviceTopic | undefined {
  const parsed = parseDeviceTopic(topic);
  return parsed?.gridId === device.gridId && parsed.deviceId === device.deviceId ? parsed : undefined;
}

function authError(): Error & { returnCode: number } {
  return Object.assign(new Error('bad user name or password'), { returnCode: 4 });
}

function notAuthorized(reason: string): Error & { returnCode: number } {
  return Object.assign(new Error(reason), { returnCode: 5 });
}

/** The will announced in CONNECT (aedes keeps it on `_will` until the session is set up). */
function announcedWill(client: Client): { topic: string } | undefined {
  return (client as unknown as { _will?: { topic: string } | null })._will ?? undefined;
}

/**
 * Device authentication and the topic ACL of the device contract: a device connects as itself
 * (clientId = username = device id) and may publish and subscribe only under its own prefix.
 */
export function createDeviceAccess(options: DeviceAccessOptions): BrokerOptions {
  const identities = new WeakMap<Client, Identity>();
  // The general service login and the per-service ones (ingest, alerts) run apart use.
  const services = options.serviceSecret ? serviceAccounts(options.serviceSecret) : [];

  const authenticate: AuthenticateHandler = (client, username, password, done) => {
    const secret = password?.toString('utf8') ?? '';
    if (serviceAccountOf(services, username, secret)) {
      identities.set(client, { kind: 'service' });
      raisePacketLimit(client, SERVICE_MAX_PACKET_BYTES);
      exemptFromBudget(client);
      return done(null, true);
    }
    // A session under a service's id would take over (and end) that service's own session.
    if (client.id.startsWith(SERVICE_CLIENT_PREFIX))
      return done(notAuthorized(`client id ${SERVICE_CLIENT_PREFIX}* is reserved`), false);
    if (!username || username !== client.id) return done(authError(), false);
    const device = options.devices.checkDevice(username, secret);
    if (!device) return done(authError(), false);
    // The will is published after the device is gone, with no client to check: check it now.
    const will = announcedWill(client);
    if (will && !ownDeviceTopic({ gridId: device.gridId, deviceId: username }, will.topic))
      return done(notAuthorized(`will topic ${will.topic} is not the device's own`), false);
    identities.set(client, { kind: 'device', deviceId: username, gridId: device.gridId });
    if (!options.onDeviceConnect) return done(null, true);
    const letIn = () => done(null, true);
    void options.onDeviceConnect(username).then(letIn, letIn);
  };

  const authorizePublish: AuthorizePublishHandler = (client, packet, callback) => {
    // A will published after its client is gone arrives with client null; it was checked at connect.
    const identity = client ? identities.get(client) : undefined;
    if (identity?.kind === 'service') {
      if (parseDeviceTopic(packet.topic))
        return callback(new Error('services may not publish device topics'));
      return callback(null);
    }
    const topic =
      identity === undefined
        ? client === null
          ? parseDeviceTopic(packet.topic)
          : undefined
        : ownTopicOf(identity, packet.topic);
    if (!topic) return callback(new Error(`publish to ${packet.topic} refused`));
    // Held until ingest answers: counted against the broker's memory budget (held-publishes.ts).
    const budget = client ? budgetOf(client) : undefined;
    budget?.take();
    options.onDevicePublish(topic, packet).then(
      ({ outcome }) => {
        budget?.give();
        if (outcome === 'rejected') {
          packet.topic = rejectedTopic(topic.deviceId);
          packet.retain = false;
        }
        callback(null);
      },
      // Not durable: no PUBACK; dropping the connection makes the device resend.
      (error: unknown) => {
        budget?.give();
        callback(error instanceof Error ? error : new Error(String(error)));
      },
    );
  };

  const authorizeSubscribe: AuthorizeSubscribeHandler = (client, subscription, callback) => {
    const identity = identities.get(client);
    if (identity?.kind === 'service') return callback(null, subscription);
    if (
      identity?.kind === 'device' &&
      subscription.topic.startsWith(devicePrefix(identity.gridId, identity.deviceId))
    ) {
      return callback(null, subscription);
    }
    // Refused with a failure return code in SUBACK; the connection stays.
    callback(null, null);
  };

  return { authenticate, authorizePublish, authorizeSubscribe };
}
