import type { Bus } from '@gridsense/core';
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hashDeviceSecret } from './credentials';
import type { StateDb } from './database';

/**
 * An external Mosquitto's password file and ACL, written by GridSense from its device registry:
 * Mosquitto then applies the device contract (each device only under `gs/v1/{grid}/{id}/`) as the
 * embedded broker does. Mosquitto reads both files at start and again on SIGHUP.
 */

export const MOSQUITTO_PASSWORD_FILE = 'passwd';
export const MOSQUITTO_ACL_FILE = 'acl';

/**
 * What `mosquitto_passwd` writes (Mosquitto 2.0): `$7$` = PBKDF2-SHA512, 101 iterations, a 12-byte
 * salt, a 64-byte key, both base64. Few iterations suffice: device secrets are 128 random bits.
 */
const PBKDF2 = { iterations: 101, saltBytes: 12, keyBytes: 64, digest: 'sha512' } as const;

export function mosquittoPasswordHash(secret: string): string {
  const salt = randomBytes(PBKDF2.saltBytes);
  const key = pbkdf2Sync(secret, salt, PBKDF2.iterations, PBKDF2.keyBytes, PBKDF2.digest);
  return `$7$${PBKDF2.iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** A device secret as it is stored when issued: GridSense's hash, and Mosquitto's beside it. */
export function hashIssuedDeviceSecret(secret: string): { secretHash: string; mosquittoHash: string } {
  return { secretHash: hashDeviceSecret(secret), mosquittoHash: mosquittoPasswordHash(secret) };
}

/** The account GridSense's own services log in with (MQTT_USERNAME/PASSWORD or the stored one). */
export interface MosquittoServiceAccount {
  username: string;
  password: string;
}

export interface MosquittoDevice {
  id: string;
  gridId: string;
  mosquittoHash: string | null;
}

/** A name Mosquitto's files can hold: no separator, space or line break. */
const SAFE_NAME = /^[^\s:#+/]+$/;

/**
 * The two files' text. The services may use every topic (device topics, the bus, shared
 * subscriptions); a device only its own prefix. Devices without a Mosquitto hash (issued before
 * GridSense kept one) are left out and listed: rotating their secret lets them in.
 */
export function renderMosquittoAuth(
  devices: readonly MosquittoDevice[],
  service: MosquittoServiceAccount,
): { passwd: string; acl: string; withoutHash: string[] } {
  if (!SAFE_NAME.test(service.username))
    throw new Error(`MQTT_USERNAME "${service.username}" cannot go into a Mosquitto password file`);
  const listed = devices.filter(
    (d) => d.mosquittoHash !== null && SAFE_NAME.test(d.id) && SAFE_NAME.test(d.gridId),
  );
  const passwd = [
    `${service.username}:${mosquittoPasswordHash(service.password)}`,
    ...listed.map((d) => `${d.id}:${d.mosquittoHash}`),
  ];
  const acl = [
    '# Written by GridSense from its device registry; changes here are overwritten.',
    `user ${service.username}`,
    'topic readwrite #',
    ...listed.flatMap((d) => ['', `user ${d.id}`, `topic readwrite gs/v1/${d.gridId}/${d.id}/#`]),
  ];
  return {
    passwd: `${passwd.join('\n')}\n`,
    acl: `${acl.join('\n')}\n`,
    withoutHash: devices.filter((d) => !listed.includes(d)).map((d) => d.id),
  };
}

/** Enabled devices only: a disabled device has no account on the broker. */
async function listBrokerDevices(db: StateDb): Promise<MosquittoDevice[]> {
  const rows = await db
    .selectFrom('devices')
    .select(['id', 'grid_id', 'mosquitto_hash'])
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, gridId: r.grid_id, mosquittoHash: r.mosquitto_hash }));
}

/**
 * Writes both files into `dir` (0700) as 0600, each replaced whole by a rename, so Mosquitto
 * never reads half a file. Returns what it wrote and the devices left out.
 */
export async function writeMosquittoAuthFiles(
  db: StateDb,
  dir: string,
  service: MosquittoServiceAccount,
): Promise<{ devices: number; withoutHash: string[] }> {
  const devices = await listBrokerDevices(db);
  const { passwd, acl, withoutHash } = renderMosquittoAuth(devices, service);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  for (const [name, text] of [
    [MOSQUITTO_PASSWORD_FILE, passwd],
    [MOSQUITTO_ACL_FILE, acl],
  ] as const) {
    const partial = join(dir, `.${name}.partial`);
    await writeFile(partial, text, { mode: 0o600 });
    await rename(partial, join(dir, name));
  }
  return { devices: devices.length - withoutHash.length, withoutHash };
}

/**
 * Keeps the files in step with the registry: written now, and again after every
 * `device.access_changed` (registered, rotated, disabled, enabled). Changes that arrive during a
 * write are folded into one more write.
 */
export async function syncMosquittoAuthFiles(options: {
  db: StateDb;
  bus: Bus;
  dir: string;
  service: MosquittoServiceAccount;
  onWritten?: (result: { devices: number; withoutHash: string[] }) => void;
  onError: (error: unknown) => void;
}): Promise<void> {
  let writing: Promise<void> | undefined;
  let again = false;
  const write = async (): Promise<void> => {
    options.onWritten?.(await writeMosquittoAuthFiles(options.db, options.dir, options.service));
  };
  const request = (): void => {
    if (writing) {
      again = true;
      return;
    }
    writing = write()
      .catch(options.onError)
      .finally(() => {
        writing = undefined;
        if (again) {
          again = false;
          request();
        }
      });
  };
  await write();
  await options.bus.subscribe('device.access_changed', () => request());
}
