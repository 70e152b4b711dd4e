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

/**
 * An account of GridSense's own services, with the topic filters it may read and read + write
 * (none given: every topic).
 */
export interface MosquittoServiceAccount {
  username: string;
  password: string;
  read?: readonly string[];
  readwrite?: readonly string[];
}

export interface MosquittoDevice {
  id: string;
  gridId: string;
  mosquittoHash: string | null;
}

/** A name Mosquitto's files can hold: no separator, space or line break. */
const SAFE_NAME = /^[^\s:#+/]+$/;
/** A topic filter an ACL line can hold. */
const SAFE_FILTER = /^\S+$/;

function serviceAcl(account: MosquittoServiceAccount): string[] {
  const { read = [], readwrite = account.read ? [] : ['#'] } = account;
  const lines = [...read.map((f) => `topic read ${f}`), ...readwrite.map((f) => `topic readwrite ${f}`)];
  if (lines.some((line) => !SAFE_FILTER.test(line.split(' ')[2] ?? '')))
    throw new Error(`a topic filter of ${account.username} cannot go into a Mosquitto ACL`);
  return [`user ${account.username}`, ...lines];
}

/**
 * The two files' text. Each service account gets its own topics; a device only its own prefix.
 * Devices without a Mosquitto hash (issued before GridSense kept one) are left out and listed:
 * rotating their secret lets them in.
 */
export function renderMosquittoAuth(
  devices: readonly MosquittoDevice[],
  services: MosquittoServiceAccount | readonly MosquittoServiceAccount[],
): { passwd: string; acl: string; withoutHash: string[] } {
  const accounts = Array.isArray(services) ? services : [services as MosquittoServiceAccount];
  for (const { username } of accounts)
    if (!SAFE_NAME.test(username))
      throw new Error(`MQTT_USERNAME "${username}" cannot go into a Mosquitto password file`);
  const listed = devices.filter(
    (d) => d.mosquittoHash !== null && SAFE_NAME.test(d.id) && SAFE_NAME.test(d.gridId),
  );
  const passwd = [
    ...accounts.map((a) => `${a.username}:${mosquittoPasswordHash(a.password)}`),
    ...listed.map((d) => `${d.id}:${d.mosquittoHash}`),
  ];
  const acl = [
    '# Written by GridSense from its device registry; changes here are overwritten.',
    ...accounts.flatMap((account, i) => [...(i > 0 ? [''] : []), ...serviceAcl(account)]),
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
  services: MosquittoServiceAccount | readonly MosquittoServiceAccount[],
): Promise<{ devices: number; withoutHash: string[] }> {
  const devices = await listBrokerDevices(db);
  const { passwd, acl, withoutHash } = renderMosquittoAuth(devices, services);
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
 * `device.access_changed` (registered, rotated, disabled, enabled), each write followed by
 * `reload` (Mosquitto re-reads both files on SIGHUP). Changes that arrive during a write are
 * folded into one more write.
 */
export async function syncMosquittoAuthFiles(options: {
  db: StateDb;
  bus: Bus;
  dir: string;
  service: MosquittoServiceAccount | readonly MosquittoServiceAccount[];
  /** Tells Mosquitto to re-read the files (mosquitto-reload.ts); none: something else does. */
  reload?: () => Promise<void>;
  onWritten?: (result: { devices: number; withoutHash: string[] }) => void;
  onError: (error: unknown) => void;
}): Promise<void> {
  let writing: Promise<void> | undefined;
  let again = false;
  const write = async (): Promise<void> => {
    options.onWritten?.(await writeMosquittoAuthFiles(options.db, options.dir, options.service));
    await options.reload?.();
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
  // Mosquitto may be running already, on files from before this start: reload it, but a broker
  // not up yet (it reads the files when it starts) must not stop GridSense from starting.
  await writeMosquittoAuthFiles(options.db, options.dir, options.service).then(options.onWritten);
  await options.reload?.().catch(options.onError);
  await options.bus.subscribe('device.access_changed', () => request());
}
export * from './mosquitto-reload';
