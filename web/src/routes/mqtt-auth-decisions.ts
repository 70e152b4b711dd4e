import {
  ownDeviceTopic,
  serviceAccountOf,
  serviceMay,
  SERVICE_CLIENT_PREFIX,
  unshared,
  type ServiceAccount,
} from '@gridsense/broker';
import { DEVICE_TOPIC_PREFIX, devicePrefix, isValidId } from '@gridsense/core';
import { verifyDeviceSecret, type StateDb } from '@gridsense/state';

/**
 * What GridSense answers an external broker asking who may connect and what they may do: the
 * same rules as the embedded broker (broker/src/device-access.ts). A device connects as itself
 * (client id = username = device id) with its secret, enabled; it publishes only its own
 * telemetry, event and status topics (the device contract's, `ownDeviceTopic`) and subscribes only
 * under `gs/v1/{its grid}/{its id}/`. Service accounts (service-accounts.ts) get their topics.
 *
 * A username GridSense does not know is `ignore`d: the broker asks its next authenticator (an
 * operator's own accounts), and with none refuses. A device's topics are never left to another
 * source: only that device may use them, however a filter is wrapped (`$share/…`, `$queue/…`,
 * `$exclusive/…`, or a `$` form not known here).
 */
export type AuthnResult = 'allow' | 'deny' | 'ignore';
export type AuthzResult = 'allow' | 'deny' | 'ignore';

interface DeviceRow {
  id: string;
  grid_id: string;
  enabled: number;
  secret_hash: string;
}

/** Read from the database on every question, so every web node sees a change at once. */
async function findDevice(db: StateDb, id: string): Promise<DeviceRow | undefined> {
  if (!isValidId(id)) return undefined;
  return db
    .selectFrom('devices')
    .select(['id', 'grid_id', 'enabled', 'secret_hash'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface MqttAuthContext {
  db: StateDb;
  services: () => Promise<readonly ServiceAccount[]>;
}

export async function authenticate(
  context: MqttAuthContext,
  login: { clientid: string; username: string; password: string },
): Promise<AuthnResult> {
  const { clientid, username, password } = login;
  const service = serviceAccountOf(await context.services(), username, password);
  if (service) return 'allow';
  if ((await context.services()).some((s) => s.username === username)) return 'deny';
  const device = await findDevice(context.db, username);
  if (!device) return 'ignore';
  // A device's session under another id could take over (and end) another device's or a service's.
  if (clientid !== username || clientid.startsWith(SERVICE_CLIENT_PREFIX)) return 'deny';
  return device.enabled === 1 && verifyDeviceSecret(password, device.secret_hash) ? 'allow' : 'deny';
}

export async function authorize(
  context: MqttAuthContext,
  request: { clientid: string; username: string; topic: string; action: string },
): Promise<AuthzResult> {
  const { username, topic } = request;
  const action = request.action === 'publish' || request.action === 'subscribe' ? request.action : undefined;
  if (!action) return 'deny';
  const service = (await context.services()).find((s) => s.username === username);
  if (service) return serviceMay(service, action, topic) ? 'allow' : 'deny';
  const device = await findDevice(context.db, username);
  if (device) {
    const own = device.enabled === 1 && request.clientid === username;
    const may =
      action === 'publish'
        ? ownDeviceTopic({ gridId: device.grid_id, deviceId: device.id }, topic) !== undefined
        : topic.startsWith(devicePrefix(device.grid_id, device.id));
    return own && may ? 'allow' : 'deny';
  }
  // Device topics (and filters reaching into them, like `#`) belong to their devices alone.
  return reachesDeviceTopics(unshared(topic)) ? 'deny' : 'ignore';
}

const DEVICE_TOPICS = `${DEVICE_TOPIC_PREFIX}/#`;

/**
 * Whether a topic or filter could reach device topics. One still starting with `$` after
 * `unshared` is a broker form not known here (EMQX's `$delayed/{seconds}/{topic}`, a wrapper a
 * later version adds): it counts when any part of it after its first level could, so `$x/#` does.
 * `$SYS/…` is the broker's own namespace: no filter in it matches a topic outside it.
 */
function reachesDeviceTopics(filter: string): boolean {
  if (!filter.startsWith('$')) return overlaps(filter, DEVICE_TOPICS);
  if (filter.startsWith('$SYS/')) return false;
  const levels = filter.split('/');
  return levels.some((_, i) => i > 0 && overlaps(levels.slice(i).join('/'), DEVICE_TOPICS));
}

/** True when some topic matches both filters. */
function overlaps(a: string, b: string): boolean {
  const x = a.split('/');
  const y = b.split('/');
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] === '#' || y[i] === '#') return true;
    if (x[i] !== '+' && y[i] !== '+' && x[i] !== y[i]) return false;
  }
  return x.length === y.length || x[y.length] === '#' || y[x.length] === '#';
}
