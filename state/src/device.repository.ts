import type { Device, RejectReason } from '@gridsense/core';
import type { Selectable } from 'kysely';
import type { StateDb } from './database';
import type { Database } from './schema';

export interface DeviceRecord extends Device {
  secretHash: string;
  /** A disabled device is refused at CONNECT; its history stays. */
  enabled: boolean;
}

export interface NewDevice {
  id: string;
  gridId: string;
  type: string;
  name: string;
  lat: number;
  lng: number;
  secretHash: string;
  /** The secret for an external Mosquitto's password file (`mosquittoPasswordHash`). */
  mosquittoHash?: string;
}

/** The columns a DeviceRecord is made of (the registry reads no more than these). */
export const DEVICE_RECORD_COLUMNS = [
  'id',
  'grid_id',
  'type',
  'name',
  'lat',
  'lng',
  'online',
  'last_seen_at',
  'secret_hash',
  'enabled',
] as const;

type DeviceRecordRow = Pick<Selectable<Database['devices']>, (typeof DEVICE_RECORD_COLUMNS)[number]>;

export function toDeviceRecord(r: DeviceRecordRow): DeviceRecord {
  return {
    id: r.id,
    gridId: r.grid_id,
    type: r.type,
    name: r.name,
    lat: r.lat,
    lng: r.lng,
    online: r.online === 1,
    lastSeenAt: r.last_seen_at,
    secretHash: r.secret_hash,
    enabled: r.enabled === 1,
  };
}

export async function listDevices(db: StateDb): Promise<DeviceRecord[]> {
  const rows = await db.selectFrom('devices').select(DEVICE_RECORD_COLUMNS).orderBy('id').execute();
  return rows.map(toDeviceRecord);
}

export async function insertDevices(db: StateDb, devices: NewDevice[], now: number): Promise<void> {
  if (devices.length === 0) return;
  await db
    .insertInto('devices')
    .values(
      devices.map((d) => ({
        id: d.id,
        grid_id: d.gridId,
        type: d.type,
        name: d.name,
        lat: d.lat,
        lng: d.lng,
        secret_hash: d.secretHash,
        mosquitto_hash: d.mosquittoHash ?? null,
        online: 0,
        last_seen_at: null,
        created_at: now,
      })),
    )
    .execute();
}

/**
 * Ingest's write on each status change: it takes no revision (0019_device_revision), so it costs
 * registries nothing on reload; the ingest that made it holds the same in memory.
 */
export async function setDeviceOnline(
  db: StateDb,
  deviceId: string,
  online: boolean,
  at: number,
): Promise<void> {
  await db
    .updateTable('devices')
    .set({ online: online ? 1 : 0, last_seen_at: at })
    .where('id', '=', deviceId)
    .execute();
}

/** Adds counted rejects (per device and reason) to the stored totals. */
export async function recordDeviceRejects(
  db: StateDb,
  rejects: { deviceId: string; reason: RejectReason; detail: string; at: number; count: number }[],
): Promise<void> {
  for (const reject of rejects) {
    const detail = reject.detail.slice(0, 300);
    await db
      .insertInto('device_rejects')
      .values({
        device_id: reject.deviceId,
        reason: reject.reason,
        count: reject.count,
        last_detail: detail,
        last_at: reject.at,
      })
      .onConflict((oc) =>
        oc.columns(['device_id', 'reason']).doUpdateSet((eb) => ({
          count: eb('device_rejects.count', '+', reject.count),
          last_detail: detail,
          last_at: reject.at,
        })),
      )
      .execute();
  }
}

export async function listDeviceRejects(
  db: StateDb,
  deviceId: string,
): Promise<{ reason: string; count: number; lastDetail: string; lastAt: number }[]> {
  const rows = await db.selectFrom('device_rejects').selectAll().where('device_id', '=', deviceId).execute();
  return rows.map((r) => ({
    reason: r.reason,
    count: r.count,
    lastDetail: r.last_detail,
    lastAt: r.last_at,
  }));
}
