import {
  apiText,
  AppError,
  OPEN_CASE_STATES,
  type CaseRecord,
  type CaseSource,
  type CaseState,
  type TimelineEntry,
} from '@gridsense/core';
import { appendAudit } from './audit.repository';
import { callerHash } from './caller-hash';
import type { StateDb } from './database';
import { personalData } from './personal-data-key';
import { toCaseRecord, toCaseRow } from './case-rows';
import { recordPhotoUses } from './photo.repository';

export type NewTimelineEntry = Omit<TimelineEntry, 'id' | 'caseId'>;

/** A risk or report joining a case. */
export interface NewCaseSource {
  kind: CaseSource;
  deviceId: string | null;
  ruleId: string | null;
  category: string;
  eventType: string | null;
  snapshot: string | null;
  active: boolean;
  suppressed: boolean;
  at: number;
}

/** Everything stored with one case change, in one transaction (and its audit entries). */
export interface CaseWrite {
  entries: NewTimelineEntry[];
  /** When the deadline ticker should look at the case next. */
  nextCheckAt: number | null;
  newSources?: NewCaseSource[];
  sourceUpdates?: { id: number; active?: boolean; lastAt?: number; addCount?: number }[];
  requester?: { name: string; phone: string };
  /**
   * Writes that must commit with the case or not at all: its notices (the outbox). Apart, a crash
   * between the two would keep a reminder's timeline entry and lose the reminder.
   */
  alongside?: (tx: StateDb) => Promise<void>;
}

/** The timeline, the sources, the caller and the audit chain of one change, in its transaction. */
async function writeDetails(tx: StateDb, caseId: string, write: CaseWrite): Promise<void> {
  if (write.entries.length > 0) {
    await tx
      .insertInto('case_events')
      .values(
        write.entries.map((e) => ({
          case_id: caseId,
          at: e.at,
          actor_id: e.actorId,
          actor_name: e.actorName,
          action: e.action,
          from_state: e.fromState,
          to_state: e.toState,
          note: e.note,
          data: e.data ? JSON.stringify(e.data) : null,
        })),
      )
      .execute();
  }
  for (const s of write.newSources ?? []) {
    await tx
      .insertInto('case_sources')
      .values({
        case_id: caseId,
        kind: s.kind,
        device_id: s.deviceId,
        rule_id: s.ruleId,
        category: s.category,
        event_type: s.eventType,
        snapshot: s.snapshot,
        active: s.active ? 1 : 0,
        suppressed: s.suppressed ? 1 : 0,
        count: 1,
        first_at: s.at,
        last_at: s.at,
      })
      .execute();
  }
  for (const u of write.sourceUpdates ?? []) {
    await tx
      .updateTable('case_sources')
      .set((eb) => ({
        ...(u.active === undefined ? {} : { active: u.active ? 1 : 0 }),
        ...(u.lastAt === undefined ? {} : { last_at: u.lastAt }),
        count: eb('count', '+', u.addCount ?? 0),
      }))
      .where('id', '=', u.id)
      .execute();
  }
  if (write.requester) {
    const at = write.entries[0]?.at ?? 0;
    await tx
      .insertInto('case_requesters')
      // Sealed with the personal-data key (state/src/personal-data-key.ts); views show it masked.
      .values({
        case_id: caseId,
        name: personalData(tx).seal(write.requester.name),
        phone: personalData(tx).seal(write.requester.phone),
        phone_hash: callerHash(tx, write.requester.phone),
        created_at: at,
      })
      .execute();
  }
  await recordPhotoUses(tx, caseId, write.entries);
  // Before the audit entry: on PostgreSQL that takes the cluster-wide audit lock, held to commit.
  await write.alongside?.(tx);
  await appendAudit(
    tx,
    write.entries.map((e) => ({
      at: e.at,
      actorId: e.actorId,
      actorName: e.actorName,
      action: `case.${e.action}`,
      entityType: 'case',
      entityId: caseId,
      data: { fromState: e.fromState, toState: e.toState, note: e.note, data: e.data },
    })),
  );
}

/** A new case with its first timeline entries, sources and audit entries, atomically. */
export async function insertCase(db: StateDb, record: CaseRecord, write: CaseWrite): Promise<void> {
  await inTransaction(db, async (tx) => {
    await tx.insertInto('cases').values(toCaseRow(record, write.nextCheckAt)).execute();
    await writeDetails(tx, record.id, write);
  });
}

/** Its own transaction, or the caller's: a merge or a split writes two cases in one. */
function inTransaction(db: StateDb, work: (tx: StateDb) => Promise<void>): Promise<void> {
  return db.isTransaction ? work(db) : db.transaction().execute(work);
}

/**
 * Stores a case's next version with everything that goes with it, only if the case is still the
 * version the change was computed from (two people acting at once: the second gets a conflict).
 */
export async function updateCase(
  db: StateDb,
  next: CaseRecord,
  expected: { state: CaseState; updatedAt: number },
  write: CaseWrite,
): Promise<void> {
  await inTransaction(db, async (tx) => {
    const result = await tx
      .updateTable('cases')
      .set(toCaseRow(next, write.nextCheckAt))
      .where('id', '=', next.id)
      .where('state', '=', expected.state)
      .where('updated_at', '=', expected.updatedAt)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) {
      throw new AppError('conflict', apiText('conflict.case', { id: next.id }));
    }
    await writeDetails(tx, next.id, write);
  });
}

export async function findCase(db: StateDb, id: string): Promise<CaseRecord | undefined> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCaseRecord(row);
}

/** The open case already holding this device and rule as a source, if any (one case per cause). */
export async function findOpenCaseByCause(
  db: StateDb,
  deviceId: string,
  ruleId: string,
): Promise<{ record: CaseRecord; sourceId: number; sourceActive: boolean } | undefined> {
  const row = await db
    .selectFrom('case_sources')
    .innerJoin('cases', 'cases.id', 'case_sources.case_id')
    .selectAll('cases')
    .select(['case_sources.id as source_id', 'case_sources.active as source_active'])
    .where('case_sources.device_id', '=', deviceId)
    .where('case_sources.rule_id', '=', ruleId)
    .where('cases.state', 'in', OPEN_CASE_STATES)
    .orderBy('cases.opened_at', 'desc')
    .executeTakeFirst();
  return row && { record: toCaseRecord(row), sourceId: row.source_id, sourceActive: row.source_active === 1 };
}

/** Open cases of these categories (fusion and suppression candidates). */
export async function listOpenCasesByCategory(
  db: StateDb,
  categories: readonly string[],
): Promise<CaseRecord[]> {
  if (categories.length === 0) return [];
  const rows = await db
    .selectFrom('cases')
    .selectAll()
    .where('category', 'in', [...categories])
    .where('state', 'in', OPEN_CASE_STATES)
    .execute();
  return rows.map(toCaseRecord);
}

/** Whether any other source of the case is still active (the case's risk stays active if so). */
export async function hasOtherActiveSource(db: StateDb, caseId: string, sourceId: number): Promise<boolean> {
  const row = await db
    .selectFrom('case_sources')
    .select('id')
    .where('case_id', '=', caseId)
    .where('id', '!=', sourceId)
    .where('active', '=', 1)
    .where('suppressed', '=', 0)
    .executeTakeFirst();
  return row !== undefined;
}

/** Cases the deadline ticker owes a look, oldest first. */
export async function listCasesDueForCheck(db: StateDb, now: number, limit: number): Promise<CaseRecord[]> {
  const rows = await db
    .selectFrom('cases')
    .selectAll()
    .where('next_check_at', '<=', now)
    .orderBy('next_check_at')
    .limit(limit)
    .execute();
  return rows.map(toCaseRecord);
}

export async function listChildCases(db: StateDb, parentId: string): Promise<CaseRecord[]> {
  const rows = await db.selectFrom('cases').selectAll().where('parent_id', '=', parentId).execute();
  return rows.map(toCaseRecord);
}

/** Cases opened in a period, in some grids (analytics). */
export async function listCasesOpenedBetween(
  db: StateDb,
  from: number,
  to: number,
  gridIds: readonly string[],
): Promise<CaseRecord[]> {
  if (gridIds.length === 0) return [];
  const rows = await db
    .selectFrom('cases')
    .selectAll()
    .where('opened_at', '>=', from)
    .where('opened_at', '<', to)
    .where('grid_id', 'in', [...gridIds])
    .execute();
  return rows.map(toCaseRecord);
}
