import type { StateDb } from './database';
import { DEVICE_RECORD_COLUMNS, toDeviceRecord, type DeviceRecord } from './device.repository';

/**
 * Reads for an incremental registry reload, by revision (0019_device_revision). Revisions become
 * visible in order, so once the newest one is visible every older one is too: a reload reads the
 * ceiling first and then the range up to it, and neither of its two reads can miss a number below.
 */

/** The newest revision given to a device change or a deletion; 0 before any. */
export async function currentDeviceRevision(db: StateDb): Promise<number> {
  const [changed, deleted] = await Promise.all([
    db
      .selectFrom('devices')
      .select((eb) => eb.fn.max('revision').as('max'))
      .executeTakeFirst(),
    db
      .selectFrom('device_tombstones')
      .select((eb) => eb.fn.max('revision').as('max'))
      .executeTakeFirst(),
  ]);
  return Math.max(Number(changed?.max ?? 0), Number(deleted?.max ?? 0));
}

/** Devices inserted or changed with a revision in (after, upTo]. */
export async function listDevicesChanged(db: StateDb, after: number, upTo: number): Promise<DeviceRecord[]> {
  const rows = await db
    .selectFrom('devices')
    .select(DEVICE_RECORD_COLUMNS)
    .where('revision', '>', after)
    .where('revision', '<=', upTo)
    .execute();
  return rows.map(toDeviceRecord);
}

/** Ids of devices deleted with a revision in (after, upTo]. */
export async function listDevicesDeleted(db: StateDb, after: number, upTo: number): Promise<string[]> {
  const rows = await db
    .selectFrom('device_tombstones')
    .select('id')
    .where('revision', '>', after)
    .where('revision', '<=', upTo)
    .execute();
  return rows.map((r) => r.id);
}
