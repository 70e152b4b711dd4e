import type {
  ChecklistAnswer,
  InspectionEscalation,
  PlaceInspectionView,
  PlaceKind,
  PlaceLevel,
  PlaceRiskRules,
} from '@gridsense/core';
import type { Generated, Selectable } from 'kysely';
import type { StateDb } from './database';
import { INSPECTION_NOT_DONE } from './place-inspection-rows';

/** The tables of migration 0029 (places, their devices, inspections and risk rules). */
// A type, not an interface: `withTables` needs its implicit index signature.
export type PlaceTables = {
  places: {
    id: string;
    name: string;
    kind: string;
    grid_id: string;
    address: string;
    lat: number;
    lng: number;
    base_level: string;
    created_at: number;
    updated_at: number;
  };
  place_devices: { device_id: string; place_id: string; attached_at: number };
  place_inspections: {
    id: Generated<number>;
    place_id: string;
    open_place_id: string | null;
    grid_id: string;
    level: string;
    due_at: number;
    created_at: number;
    escalation_level: string | null;
    escalated_at: number | null;
    done_at: number | null;
    done_by_id: string | null;
    lng: number | null;
    lat: number | null;
    accuracy_m: number | null;
    photos: string | null;
    checklist: string | null;
    passed: number | null;
    note: string | null;
  };
  place_risk_rules: { id: string; rules: string; updated_at: number; updated_by_id: string | null };
};

const tables = (db: StateDb) => db.withTables<PlaceTables>();

/** Its own transaction, or the caller's (an audited admin write wraps these). */
const inTransaction = <T>(db: StateDb, work: (tx: StateDb) => Promise<T>): Promise<T> =>
  db.isTransaction ? work(db) : db.transaction().execute(work);

export interface PlaceRecord {
  id: string;
  name: string;
  kind: PlaceKind;
  gridId: string;
  address: string;
  lat: number;
  lng: number;
  baseLevel: PlaceLevel;
  createdAt: number;
  updatedAt: number;
  deviceIds: string[];
}

export type PlaceFields = Omit<PlaceRecord, 'createdAt' | 'updatedAt' | 'deviceIds'>;

type PlaceRow = Selectable<PlaceTables['places']>;
type InspectionRow = Selectable<PlaceTables['place_inspections']>;

const toPlace = (r: PlaceRow, deviceIds: string[]): PlaceRecord => ({
  id: r.id,
  name: r.name,
  kind: r.kind as PlaceKind,
  gridId: r.grid_id,
  address: r.address,
  lat: Number(r.lat),
  lng: Number(r.lng),
  baseLevel: r.base_level as PlaceLevel,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
  deviceIds,
});

const numberOrNull = (v: number | null): number | null => (v === null ? null : Number(v));

function toInspection(r: InspectionRow): PlaceInspectionView {
  return {
    id: Number(r.id),
    placeId: r.place_id,
    gridId: r.grid_id,
    level: r.level as PlaceLevel,
    dueAt: Number(r.due_at),
    escalationLevel: r.escalation_level as PlaceInspectionView['escalationLevel'],
    escalatedAt: numberOrNull(r.escalated_at),
    doneAt: numberOrNull(r.done_at),
    doneById: r.done_by_id,
    position:
      r.lng === null || r.lat === null
        ? null
        : { lng: Number(r.lng), lat: Number(r.lat), accuracyM: numberOrNull(r.accuracy_m) },
    photos: r.photos === null ? [] : (JSON.parse(r.photos) as string[]),
    checklist: r.checklist === null ? [] : (JSON.parse(r.checklist) as ChecklistAnswer[]),
    passed: r.passed === null ? null : Number(r.passed) === 1,
    note: r.note,
  };
}

/** Places, in `gridIds` when given (the reader's scope), by name. */
export async function listPlaces(
  db: StateDb,
  filter: { gridIds?: readonly string[] } = {},
): Promise<PlaceRecord[]> {
  if (filter.gridIds?.length === 0) return [];
  const t = tables(db);
  let query = t.selectFrom('places').selectAll();
  if (filter.gridIds) query = query.where('grid_id', 'in', [...filter.gridIds]);
  const rows = await query.orderBy('name').orderBy('id').execute();
  if (rows.length === 0) return [];
  const links = await t
    .selectFrom('place_devices')
    .select(['place_id', 'device_id'])
    .where(
      'place_id',
      'in',
      rows.map((r) => r.id),
    )
    .orderBy('device_id')
    .execute();
  return rows.map((r) =>
    toPlace(
      r,
      links.filter((l) => l.place_id === r.id).map((l) => l.device_id),
    ),
  );
}

export async function findPlace(db: StateDb, id: string): Promise<PlaceRecord | undefined> {
  const t = tables(db);
  const row = await t.selectFrom('places').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  const links = await t
    .selectFrom('place_devices')
    .select('device_id')
    .where('place_id', '=', id)
    .orderBy('device_id')
    .execute();
  return toPlace(
    row,
    links.map((l) => l.device_id),
  );
}

/** Inserts a place; false when its id is taken. */
export async function insertPlace(db: StateDb, place: PlaceFields, at: number): Promise<boolean> {
  const result = await tables(db)
    .insertInto('places')
    .values({
      id: place.id,
      name: place.name,
      kind: place.kind,
      grid_id: place.gridId,
      address: place.address,
      lat: place.lat,
      lng: place.lng,
      base_level: place.baseLevel,
      created_at: at,
      updated_at: at,
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/**
 * Changes a place's fields. Moving it to another grid moves its open inspection with it, so the
 * new grid's workers see the task and the old grid's no longer do.
 */
export async function updatePlace(db: StateDb, place: PlaceFields, at: number): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const t = tables(tx);
    const result = await t
      .updateTable('places')
      .set({
        name: place.name,
        kind: place.kind,
        grid_id: place.gridId,
        address: place.address,
        lat: place.lat,
        lng: place.lng,
        base_level: place.baseLevel,
        updated_at: at,
      })
      .where('id', '=', place.id)
      .executeTakeFirst();
    await t
      .updateTable('place_inspections')
      .set({ grid_id: place.gridId })
      .where('open_place_id', '=', place.id)
      .execute();
    return result.numUpdatedRows > 0n;
  });
}

/** Removes a place, its device links and its inspections. */
export async function deletePlace(db: StateDb, id: string): Promise<boolean> {
  return inTransaction(db, async (tx) => {
    const t = tables(tx);
    await t.deleteFrom('place_devices').where('place_id', '=', id).execute();
    await t.deleteFrom('place_inspections').where('place_id', '=', id).execute();
    const result = await t.deleteFrom('places').where('id', '=', id).executeTakeFirst();
    return result.numDeletedRows > 0n;
  });
}

/**
 * Sets the devices of a place to exactly `deviceIds`. A device belongs to one place: those
 * attached to another place are returned and nothing changes.
 */
export async function setPlaceDevices(
  db: StateDb,
  placeId: string,
  deviceIds: readonly string[],
  at: number,
): Promise<{ ok: true } | { ok: false; elsewhere: string[] }> {
  return inTransaction(db, async (tx) => {
    const t = tables(tx);
    if (deviceIds.length > 0) {
      const taken = await t
        .selectFrom('place_devices')
        .select('device_id')
        .where('device_id', 'in', [...deviceIds])
        .where('place_id', '<>', placeId)
        .orderBy('device_id')
        .execute();
      if (taken.length > 0) return { ok: false, elsewhere: taken.map((r) => r.device_id) };
    }
    await t.deleteFrom('place_devices').where('place_id', '=', placeId).execute();
    if (deviceIds.length > 0)
      await t
        .insertInto('place_devices')
        .values(
          [...new Set(deviceIds)].map((device_id) => ({ device_id, place_id: placeId, attached_at: at })),
        )
        .execute();
    return { ok: true };
  });
}

/**
 * Opens the next inspection of a place, due at `dueAt`; undefined when the place already has an
 * open one (another process got there first: the unique `open_place_id` decides).
 */
export async function openInspection(
  db: StateDb,
  task: { placeId: string; gridId: string; level: PlaceLevel; dueAt: number },
  at: number,
): Promise<PlaceInspectionView | undefined> {
  const row = await tables(db)
    .insertInto('place_inspections')
    .values({
      place_id: task.placeId,
      open_place_id: task.placeId,
      grid_id: task.gridId,
      level: task.level,
      due_at: task.dueAt,
      created_at: at,
      escalation_level: null,
      escalated_at: null,
      ...INSPECTION_NOT_DONE,
    })
    .onConflict((oc) => oc.column('open_place_id').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row && toInspection(row);
}

/** Open inspections, in `gridIds` when given, soonest due first. */
export async function listOpenInspections(
  db: StateDb,
  filter: {
    gridIds?: readonly string[];
    placeIds?: readonly string[];
    dueBefore?: number;
    limit?: number;
  } = {},
): Promise<PlaceInspectionView[]> {
  if (filter.gridIds?.length === 0 || filter.placeIds?.length === 0) return [];
  let query = tables(db).selectFrom('place_inspections').selectAll().where('open_place_id', 'is not', null);
  if (filter.gridIds) query = query.where('grid_id', 'in', [...filter.gridIds]);
  if (filter.placeIds) query = query.where('place_id', 'in', [...filter.placeIds]);
  if (filter.dueBefore !== undefined) query = query.where('due_at', '<', filter.dueBefore);
  const rows = await query
    .orderBy('due_at')
    .orderBy('id')
    .limit(filter.limit ?? 1000)
    .execute();
  return rows.map(toInspection);
}

export async function findInspection(db: StateDb, id: number): Promise<PlaceInspectionView | undefined> {
  const row = await tables(db)
    .selectFrom('place_inspections')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toInspection(row);
}

/** A place's inspections, newest due first. */
export async function listPlaceInspections(
  db: StateDb,
  placeId: string,
  limit = 50,
): Promise<PlaceInspectionView[]> {
  const rows = await tables(db)
    .selectFrom('place_inspections')
    .selectAll()
    .where('place_id', '=', placeId)
    .orderBy('due_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toInspection);
}

/** When each place was last inspected (places never inspected are absent). */
export async function lastInspectionTimes(
  db: StateDb,
  placeIds: readonly string[],
): Promise<Map<string, number>> {
  if (placeIds.length === 0) return new Map();
  const rows = await tables(db)
    .selectFrom('place_inspections')
    .select((eb) => ['place_id', eb.fn.max('done_at').as('last')])
    .where('place_id', 'in', [...placeIds])
    .where('done_at', 'is not', null)
    .groupBy('place_id')
    .execute();
  return new Map(rows.filter((r) => r.last !== null).map((r) => [r.place_id, Number(r.last)]));
}

/** Records a check-in; false when the inspection is no longer open (done by someone else). */
export async function completeInspection(
  db: StateDb,
  id: number,
  done: {
    byId: string;
    at: number;
    position: { lng: number; lat: number; accuracyM: number | null };
    photos: readonly string[];
    checklist: readonly ChecklistAnswer[];
    passed: boolean;
    note: string | null;
  },
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('place_inspections')
    .set({
      open_place_id: null,
      done_at: done.at,
      done_by_id: done.byId,
      lng: done.position.lng,
      lat: done.position.lat,
      accuracy_m: done.position.accuracyM,
      photos: JSON.stringify(done.photos),
      checklist: JSON.stringify(done.checklist),
      passed: done.passed ? 1 : 0,
      note: done.note,
    })
    .where('id', '=', id)
    .where('open_place_id', 'is not', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Moves an overdue open inspection one escalation step, `from` → `to`; false when it is not at
 * `from` any more (done, or another process escalated it), so each step happens once.
 */
export async function escalateInspection(
  db: StateDb,
  id: number,
  from: PlaceInspectionView['escalationLevel'],
  to: InspectionEscalation,
  at: number,
): Promise<boolean> {
  let query = tables(db)
    .updateTable('place_inspections')
    .set({ escalation_level: to, escalated_at: at })
    .where('id', '=', id)
    .where('open_place_id', 'is not', null);
  query =
    from === null ? query.where('escalation_level', 'is', null) : query.where('escalation_level', '=', from);
  const result = await query.executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Per place: inspections missed (due in the window and done late or not at all) and failed. */
export async function countInspectionEvidence(
  db: StateDb,
  placeIds: readonly string[],
  from: number,
  now: number,
): Promise<Map<string, { missed: number; failed: number }>> {
  const counts = new Map<string, { missed: number; failed: number }>();
  if (placeIds.length === 0) return counts;
  const rows = await tables(db)
    .selectFrom('place_inspections')
    .select(['place_id', 'due_at', 'done_at', 'passed'])
    .where('place_id', 'in', [...placeIds])
    .where((eb) => eb.or([eb('due_at', '>=', from), eb('done_at', '>=', from)]))
    .execute();
  for (const r of rows) {
    const entry = counts.get(r.place_id) ?? { missed: 0, failed: 0 };
    const due = Number(r.due_at);
    const done = numberOrNull(r.done_at);
    if (due >= from && due < now && (done === null || done > due)) entry.missed++;
    if (done !== null && done >= from && r.passed !== null && Number(r.passed) === 0) entry.failed++;
    counts.set(r.place_id, entry);
  }
  return counts;
}

/**
 * Per device: the alert occurrences of its case sources in the window by category, and the cases
 * it opened (void, false alarms and duplicates left out: they were no real matter).
 */
export async function countDeviceEvidence(
  db: StateDb,
  deviceIds: readonly string[],
  from: number,
): Promise<{ alerts: Map<string, Record<string, number>>; cases: Map<string, number> }> {
  const alerts = new Map<string, Record<string, number>>();
  const cases = new Map<string, number>();
  if (deviceIds.length === 0) return { alerts, cases };
  const sourceRows = await db
    .selectFrom('case_sources')
    .select((eb) => ['device_id', 'category', eb.fn.sum<number>('count').as('occurrences')])
    .where('device_id', 'in', [...deviceIds])
    .where('last_at', '>=', from)
    .groupBy(['device_id', 'category'])
    .execute();
  for (const r of sourceRows) {
    if (r.device_id === null) continue;
    const entry = alerts.get(r.device_id) ?? {};
    entry[r.category] = (entry[r.category] ?? 0) + Number(r.occurrences);
    alerts.set(r.device_id, entry);
  }
  const caseRows = await db
    .selectFrom('cases')
    .select((eb) => ['device_id', eb.fn.countAll<number>().as('n')])
    .where('device_id', 'in', [...deviceIds])
    .where('opened_at', '>=', from)
    .where('close_reason', 'is', null)
    .groupBy('device_id')
    .execute();
  for (const r of caseRows) if (r.device_id !== null) cases.set(r.device_id, Number(r.n));
  return { alerts, cases };
}

export async function loadPlaceRiskRules(db: StateDb): Promise<PlaceRiskRules | undefined> {
  const row = await tables(db)
    .selectFrom('place_risk_rules')
    .select('rules')
    .where('id', '=', 'default')
    .executeTakeFirst();
  return row && (JSON.parse(row.rules) as PlaceRiskRules);
}

export async function savePlaceRiskRules(
  db: StateDb,
  rules: PlaceRiskRules,
  by: { personId: string; at: number },
): Promise<void> {
  await tables(db)
    .insertInto('place_risk_rules')
    .values({ id: 'default', rules: JSON.stringify(rules), updated_at: by.at, updated_by_id: by.personId })
    .onConflict((oc) =>
      oc
        .column('id')
        .doUpdateSet({ rules: JSON.stringify(rules), updated_at: by.at, updated_by_id: by.personId }),
    )
    .execute();
}

/**
 * Moves an open inspection that has not gone overdue to a new due time and level (the rules
 * changed); false when it is no longer as read (done, escalated or moved by another process).
 */
export async function rescheduleInspection(
  db: StateDb,
  id: number,
  from: { dueAt: number },
  to: { dueAt: number; level: PlaceLevel },
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('place_inspections')
    .set({ due_at: to.dueAt, level: to.level })
    .where('id', '=', id)
    .where('open_place_id', 'is not', null)
    .where('escalation_level', 'is', null)
    .where('due_at', '=', from.dueAt)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
