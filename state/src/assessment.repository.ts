import type {
  AssessmentScheme,
  ReportContent,
  ReportKind,
  ReportPeriod,
  ReportSummary,
  TimelineStep,
} from '@gridsense/core';
import type { Generated, Selectable } from 'kysely';
import type { StateDb } from './database';

/** The tables of migration 0028 (考核 schemes and the scheduled reports). */
// A type, not an interface: `withTables` needs its implicit index signature.
export type AssessmentTables = {
  assessment_schemes: { id: Generated<number>; scheme: string; saved_by_id: string; saved_at: number };
  case_reports: {
    id: Generated<number>;
    kind: string;
    period_key: string;
    region_id: string;
    period_from: number;
    period_to: number;
    claimed_by: string;
    claimed_at: number;
    generated_at: number | null;
    content: string | null;
  };
};

const tables = (db: StateDb) => db.withTables<AssessmentTables>();

export interface StoredScheme {
  scheme: AssessmentScheme;
  savedById: string;
  savedAt: number;
}

/** The scheme in force: the newest one saved, or undefined before an administrator saved any. */
export async function getAssessmentScheme(db: StateDb): Promise<StoredScheme | undefined> {
  const row = await tables(db)
    .selectFrom('assessment_schemes')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        scheme: JSON.parse(row.scheme) as AssessmentScheme,
        savedById: row.saved_by_id,
        savedAt: Number(row.saved_at),
      }
    : undefined;
}

/** Saves a new scheme (kept beside the older ones, which stay readable for past rankings). */
export async function saveAssessmentScheme(
  db: StateDb,
  scheme: AssessmentScheme,
  savedById: string,
  at: number,
): Promise<void> {
  await tables(db)
    .insertInto('assessment_schemes')
    .values({ scheme: JSON.stringify(scheme), saved_by_id: savedById, saved_at: at })
    .execute();
}

/** The timelines of many cases at once, each in order (for per-person charging). */
export async function listTimelineSteps(
  db: StateDb,
  caseIds: readonly string[],
): Promise<Map<string, TimelineStep[]>> {
  const steps = new Map<string, TimelineStep[]>();
  // Chunks keep each statement's parameter list well under the databases' limits.
  for (let i = 0; i < caseIds.length; i += 500) {
    const rows = await db
      .selectFrom('case_events')
      .select(['case_id', 'at', 'actor_id', 'action', 'data'])
      .where('case_id', 'in', caseIds.slice(i, i + 500))
      .orderBy('id')
      .execute();
    for (const r of rows) {
      const list = steps.get(r.case_id) ?? [];
      list.push({
        at: Number(r.at),
        actorId: r.actor_id,
        action: r.action,
        data: r.data ? (JSON.parse(r.data) as Record<string, unknown>) : null,
      });
      steps.set(r.case_id, list);
    }
  }
  return steps;
}

/**
 * Claims the report of (kind, period, region) for `claimedBy`: true when this process should
 * generate it. The unique key decides between processes; a claim with no report after `staleMs`
 * (its process died) is taken over; a generated report is never claimed again.
 */
export async function claimReport(
  db: StateDb,
  period: ReportPeriod,
  regionId: string,
  claim: { by: string; at: number; staleMs: number },
): Promise<boolean> {
  const inserted = await tables(db)
    .insertInto('case_reports')
    .values({
      kind: period.kind,
      period_key: period.key,
      region_id: regionId,
      period_from: period.from,
      period_to: period.to,
      claimed_by: claim.by,
      claimed_at: claim.at,
      generated_at: null,
      content: null,
    })
    .onConflict((oc) => oc.columns(['kind', 'period_key', 'region_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
  const taken = await tables(db)
    .updateTable('case_reports')
    .set({ claimed_by: claim.by, claimed_at: claim.at })
    .where('kind', '=', period.kind)
    .where('period_key', '=', period.key)
    .where('region_id', '=', regionId)
    .where('content', 'is', null)
    .where('claimed_at', '<', claim.at - claim.staleMs)
    .executeTakeFirst();
  return Number(taken.numUpdatedRows) > 0;
}

/** Stores a claimed report's content; returns its id. */
export async function saveReportContent(
  db: StateDb,
  report: ReportContent,
  claimedBy: string,
): Promise<number | undefined> {
  const row = await tables(db)
    .updateTable('case_reports')
    .set({ content: JSON.stringify(report), generated_at: report.generatedAt })
    .where('kind', '=', report.period.kind)
    .where('period_key', '=', report.period.key)
    .where('region_id', '=', report.regionId)
    .where('claimed_by', '=', claimedBy)
    .where('content', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row ? Number(row.id) : undefined;
}

type ReportRow = Selectable<AssessmentTables['case_reports']>;
const toSummary = (r: ReportRow): ReportSummary => ({
  id: Number(r.id),
  kind: r.kind as ReportKind,
  periodKey: r.period_key,
  regionId: r.region_id,
  from: Number(r.period_from),
  to: Number(r.period_to),
  generatedAt: Number(r.generated_at),
});

/** Generated reports of these regions, newest period first. */
export async function listReports(
  db: StateDb,
  filter: { regionIds: readonly string[]; kind?: ReportKind; limit: number },
): Promise<ReportSummary[]> {
  if (filter.regionIds.length === 0) return [];
  let query = tables(db)
    .selectFrom('case_reports')
    .selectAll()
    .where('region_id', 'in', [...filter.regionIds])
    .where('content', 'is not', null);
  if (filter.kind) query = query.where('kind', '=', filter.kind);
  const rows = await query.orderBy('period_from', 'desc').orderBy('id', 'desc').limit(filter.limit).execute();
  return rows.map(toSummary);
}

/** One generated report with its content, or undefined. */
export async function getReport(
  db: StateDb,
  id: number,
): Promise<(ReportSummary & { content: ReportContent }) | undefined> {
  const row = await tables(db)
    .selectFrom('case_reports')
    .selectAll()
    .where('id', '=', id)
    .where('content', 'is not', null)
    .executeTakeFirst();
  return row ? { ...toSummary(row), content: JSON.parse(row.content!) as ReportContent } : undefined;
}
