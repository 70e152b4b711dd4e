import type {
  DetectedWarning,
  EarlyWarningView,
  WarningEvidence,
  WarningKind,
  WarningState,
} from '@gridsense/core/early-warning';
import type { Generated, Selectable } from 'kysely';
import type { StateDb } from './database';

/** The tables of migration 0023 (early warnings and the pass claims). */
// A type, not an interface: `withTables` needs its implicit index signature.
export type EarlyWarningTables = {
  early_warnings: {
    id: Generated<number>;
    kind: string;
    region_id: string;
    category: string;
    place: string;
    period: string;
    state: string;
    evidence: string;
    detected_at: number;
    updated_at: number;
    acknowledged_by_id: string | null;
    acknowledged_at: number | null;
    note: string | null;
    case_id: string | null;
    case_opened_by_id: string | null;
    case_opened_at: number | null;
  };
  early_warning_passes: { slot: number; claimed_by: string; claimed_at: number };
};

const tables = (db: StateDb) => db.withTables<EarlyWarningTables>();

type WarningRow = Selectable<EarlyWarningTables['early_warnings']>;

function toView(r: WarningRow): EarlyWarningView {
  return {
    id: Number(r.id),
    kind: r.kind as WarningKind,
    regionId: r.region_id,
    category: r.category,
    place: r.place,
    period: r.period,
    state: r.state as WarningState,
    evidence: JSON.parse(r.evidence) as WarningEvidence,
    detectedAt: Number(r.detected_at),
    updatedAt: Number(r.updated_at),
    acknowledgedById: r.acknowledged_by_id,
    acknowledgedAt: r.acknowledged_at === null ? null : Number(r.acknowledged_at),
    note: r.note,
    caseId: r.case_id,
    caseOpenedById: r.case_opened_by_id,
    caseOpenedAt: r.case_opened_at === null ? null : Number(r.case_opened_at),
  };
}

/**
 * Stores what a detector pass found: a warning new under its key is inserted open; one already
 * stored keeps its row and state, and while still open takes the newer evidence (more cases may
 * have joined). Returns the warnings that are new.
 */
export async function saveDetectedWarnings(
  db: StateDb,
  warnings: readonly DetectedWarning[],
): Promise<EarlyWarningView[]> {
  const t = tables(db);
  const added: EarlyWarningView[] = [];
  for (const w of warnings) {
    const evidence = JSON.stringify(w.evidence);
    const inserted = await t
      .insertInto('early_warnings')
      .values({
        kind: w.kind,
        region_id: w.regionId,
        category: w.category,
        place: w.place,
        period: w.period,
        state: 'open',
        evidence,
        detected_at: w.detectedAt,
        updated_at: w.detectedAt,
        acknowledged_by_id: null,
        acknowledged_at: null,
        note: null,
        case_id: null,
        case_opened_by_id: null,
        case_opened_at: null,
      })
      .onConflict((oc) => oc.columns(['kind', 'region_id', 'category', 'place', 'period']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) {
      added.push(toView(inserted));
      continue;
    }
    await t
      .updateTable('early_warnings')
      .set({ evidence })
      .where('kind', '=', w.kind)
      .where('region_id', '=', w.regionId)
      .where('category', '=', w.category)
      .where('place', '=', w.place)
      .where('period', '=', w.period)
      .where('state', '=', 'open')
      .where('evidence', '<>', evidence)
      .execute();
  }
  return added;
}

export interface WarningFilter {
  states?: readonly WarningState[];
  /** Only warnings in these regions (the person's scope); undefined: every region. */
  regionIds?: readonly string[];
  detectedFrom?: number;
  detectedTo?: number;
  limit?: number;
}

/** Newest first. */
export async function listWarnings(db: StateDb, filter: WarningFilter = {}): Promise<EarlyWarningView[]> {
  if (filter.regionIds?.length === 0 || filter.states?.length === 0) return [];
  let query = tables(db).selectFrom('early_warnings').selectAll();
  if (filter.states) query = query.where('state', 'in', [...filter.states]);
  if (filter.regionIds) query = query.where('region_id', 'in', [...filter.regionIds]);
  if (filter.detectedFrom !== undefined) query = query.where('detected_at', '>=', filter.detectedFrom);
  if (filter.detectedTo !== undefined) query = query.where('detected_at', '<', filter.detectedTo);
  const rows = await query
    .orderBy('detected_at', 'desc')
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map(toView);
}

export async function getWarning(db: StateDb, id: number): Promise<EarlyWarningView | undefined> {
  const row = await tables(db)
    .selectFrom('early_warnings')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  return row && toView(row);
}

/** open → acknowledged; false when the warning is no longer open (someone else moved it). */
export async function acknowledgeWarning(
  db: StateDb,
  id: number,
  by: { personId: string; note: string | null; at: number },
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('early_warnings')
    .set({
      state: 'acknowledged',
      acknowledged_by_id: by.personId,
      acknowledged_at: by.at,
      note: by.note,
      updated_at: by.at,
    })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * open → case opened, claimed before the case exists so two people cannot open two cases from
 * one warning; `linkWarningCase` then records the case, `releaseWarningClaim` undoes a failed one.
 */
export async function claimWarningForCase(
  db: StateDb,
  id: number,
  by: { personId: string; at: number },
): Promise<boolean> {
  const result = await tables(db)
    .updateTable('early_warnings')
    .set({ state: 'case_opened', case_opened_by_id: by.personId, case_opened_at: by.at, updated_at: by.at })
    .where('id', '=', id)
    .where('state', '=', 'open')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function linkWarningCase(db: StateDb, id: number, caseId: string): Promise<void> {
  await tables(db).updateTable('early_warnings').set({ case_id: caseId }).where('id', '=', id).execute();
}

export async function releaseWarningClaim(db: StateDb, id: number, at: number): Promise<void> {
  await tables(db)
    .updateTable('early_warnings')
    .set({ state: 'open', case_opened_by_id: null, case_opened_at: null, updated_at: at })
    .where('id', '=', id)
    .where('case_id', 'is', null)
    .execute();
}

/**
 * Claims one pass slot (e.g. the hour's start) for `claimedBy`; false when another process has it,
 * so of two alerts processes exactly one runs each slot's pass.
 */
export async function claimWarningPass(
  db: StateDb,
  slot: number,
  claimedBy: string,
  at: number,
): Promise<boolean> {
  const result = await tables(db)
    .insertInto('early_warning_passes')
    .values({ slot, claimed_by: claimedBy, claimed_at: at })
    .onConflict((oc) => oc.column('slot').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}
