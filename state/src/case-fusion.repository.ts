import type { FusionDevice } from '@gridsense/core';
import type { StateDb } from './database';

/** A device as fusion and the linked-source rows see it: type, place and name. */
export interface FusionDeviceRecord extends FusionDevice {
  name: string;
  gridId: string;
}

export async function findFusionDevice(
  db: StateDb,
  deviceId: string,
): Promise<FusionDeviceRecord | undefined> {
  const row = await db
    .selectFrom('devices')
    .select(['id', 'type', 'name', 'grid_id', 'lat', 'lng'])
    .where('id', '=', deviceId)
    .executeTakeFirst();
  return (
    row && { id: row.id, type: row.type, name: row.name, gridId: row.grid_id, lat: row.lat, lng: row.lng }
  );
}

/**
 * The devices whose alarms each case holds (joined sources, not suppressed children): fusion joins
 * a new alarm only near one of these.
 */
export async function listCaseAlarmDevices(
  db: StateDb,
  caseIds: readonly string[],
): Promise<Map<string, FusionDevice[]>> {
  const byCase = new Map<string, FusionDevice[]>();
  if (caseIds.length === 0) return byCase;
  const rows = await db
    .selectFrom('case_sources')
    .innerJoin('devices', 'devices.id', 'case_sources.device_id')
    .select(['case_sources.case_id', 'devices.id', 'devices.type', 'devices.lat', 'devices.lng'])
    .where('case_sources.case_id', 'in', [...caseIds])
    .where('case_sources.kind', '=', 'auto')
    .where('case_sources.suppressed', '=', 0)
    .execute();
  for (const r of rows) {
    const list = byCase.get(r.case_id) ?? [];
    list.push({ id: r.id, type: r.type, lat: r.lat, lng: r.lng });
    byCase.set(r.case_id, list);
  }
  return byCase;
}
