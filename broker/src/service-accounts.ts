import { BUS_TOPIC_PREFIX, DEVICE_TOPIC_PREFIX, type Config } from '@gridsense/core';
import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * GridSense's own MQTT accounts on a broker it does not run (Mosquitto, EMQX), each with only the
 * topics its service uses. `services` is the general one (the platform in one process, the web
 * server); ingest reads device topics and speaks on the bus; alerts only speaks on the bus. No
 * service publishes device topics: those are the devices' own (device contract).
 */
export type ServiceRole = 'services' | 'ingest' | 'alerts';

export const SERVICE_ROLES: readonly ServiceRole[] = ['services', 'ingest', 'alerts'];

/** The general account's name (also the embedded broker's service login). */
export const SERVICE_USERNAME = 'gridsense-service';

/** MQTT topic filters an account may read (subscribe) and write (publish) as well as read. */
export interface ServiceTopicRules {
  read: readonly string[];
  readwrite: readonly string[];
}

const DEVICE_TOPICS = `${DEVICE_TOPIC_PREFIX}/#`;
const BUS_TOPICS = `${BUS_TOPIC_PREFIX}/#`;

export const SERVICE_TOPIC_RULES: Readonly<Record<ServiceRole, ServiceTopicRules>> = {
  services: { read: [DEVICE_TOPICS], readwrite: [BUS_TOPICS] },
  ingest: { read: [DEVICE_TOPICS], readwrite: [BUS_TOPICS] },
  alerts: { read: [], readwrite: [BUS_TOPICS] },
};

export interface ServiceAccount extends ServiceTopicRules {
  role: ServiceRole;
  username: string;
  password: string;
}

export function serviceUsername(role: ServiceRole): string {
  return role === 'services' ? SERVICE_USERNAME : `gridsense-${role}`;
}

/**
 * A role's password, derived from the service secret every GridSense service reads from the
 * shared state database: nothing more to configure or store, and one secret to rotate.
 */
export function servicePassword(role: ServiceRole, serviceSecret: string): string {
  if (role === 'services') return serviceSecret;
  return createHmac('sha256', serviceSecret).update(`mqtt-account:${role}`).digest('base64url');
}

/** Every service account, as the password file and ACL (or the EMQX endpoints) know them. */
export function serviceAccounts(
  serviceSecret: string,
  configured?: { username: string; password: string },
): ServiceAccount[] {
  return SERVICE_ROLES.map((role) => ({
    role,
    // MQTT_USERNAME / MQTT_PASSWORD, when set, name the general account instead.
    username: role === 'services' && configured ? configured.username : serviceUsername(role),
    password: role === 'services' && configured ? configured.password : servicePassword(role, serviceSecret),
    ...SERVICE_TOPIC_RULES[role],
  }));
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The account these credentials log in to, or undefined. */
export function serviceAccountOf(
  accounts: readonly ServiceAccount[],
  username: string | undefined,
  password: string,
): ServiceAccount | undefined {
  const account = accounts.find((a) => a.username === username);
  return account && account.password !== '' && sameText(password, account.password) ? account : undefined;
}

/** True when `filter` (a topic, or a subscription's filter) lies wholly inside `allowed`. */
export function filterWithin(allowed: string, filter: string): boolean {
  const a = allowed.split('/');
  const f = filter.split('/');
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '#') return true;
    if (i >= f.length || f[i] === '#') return false;
    if (a[i] !== '+' && a[i] !== f[i]) return false;
  }
  return a.length === f.length;
}

/**
 * A shared or exclusive subscription's real filter, as EMQX 5 reads it: `$share/{group}/{filter}`,
 * `$queue/{filter}` (= `$share/$queue/{filter}`) and `$exclusive/{filter}` → `{filter}`. Anything
 * else is returned as it is; a result still starting with `$` is a form not known here.
 */
export function unshared(filter: string): string {
  const match = /^(?:\$share\/[^/]+|\$queue|\$exclusive)\/(.+)$/.exec(filter);
  return match ? match[1]! : filter;
}

/** Whether an account may publish to `topic` or subscribe to `filter`. */
export function serviceMay(
  rules: ServiceTopicRules,
  action: 'publish' | 'subscribe',
  topic: string,
): boolean {
  const filter = unshared(topic);
  const within = (list: readonly string[]) => list.some((allowed) => filterWithin(allowed, filter));
  return action === 'publish' ? within(rules.readwrite) : within(rules.readwrite) || within(rules.read);
}

/** The accounts with MQTT_USERNAME / MQTT_PASSWORD, when set, as the general one. */
export function configuredServiceAccounts(config: Config, serviceSecret: string): ServiceAccount[] {
  return serviceAccounts(
    serviceSecret,
    config.mqttUsername ? { username: config.mqttUsername, password: config.mqttPassword ?? '' } : undefined,
  );
}
