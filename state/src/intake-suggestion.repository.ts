import type { Generated } from 'kysely';
import type { StateDb } from './database';

/** The table of migration 0022. */
// A type, not an interface: `withTables` wants a string-indexed record.
export type IntakeSuggestionTables = {
  intake_suggestions: {
    id: Generated<number>;
    case_id: string;
    channel: string;
    user_id: string;
    /** JSON array of taxonomy keys, best first. */
    suggested: string;
    chosen: string;
    created_at: number;
  };
};

const tables = (db: StateDb) => db.withTables<IntakeSuggestionTables>();

export interface IntakeChoice {
  caseId: string;
  channel: 'hotline' | 'patrol';
  userId: string;
  suggested: string[];
  chosen: string;
  at: number;
}

export async function recordIntakeChoice(db: StateDb, choice: IntakeChoice): Promise<void> {
  await tables(db)
    .insertInto('intake_suggestions')
    .values({
      case_id: choice.caseId,
      channel: choice.channel,
      user_id: choice.userId,
      suggested: JSON.stringify(choice.suggested),
      chosen: choice.chosen,
      created_at: choice.at,
    })
    .execute();
}

/** The kept suggestions and choices made from `from` on (epoch ms), oldest first. */
export async function listIntakeChoices(
  db: StateDb,
  from = 0,
  /** Only the choices on cases in these grids (a reader's region); all when absent. */
  gridIds?: readonly string[],
): Promise<IntakeChoice[]> {
  if (gridIds?.length === 0) return [];
  let query = tables(db)
    .selectFrom('intake_suggestions')
    .selectAll('intake_suggestions')
    .where('intake_suggestions.created_at', '>=', from);
  if (gridIds)
    query = query
      .innerJoin('cases', 'cases.id', 'intake_suggestions.case_id')
      .where('cases.grid_id', 'in', [...gridIds]);
  const rows = await query
    .orderBy('intake_suggestions.created_at')
    .orderBy('intake_suggestions.id')
    .execute();
  return rows.map((r) => ({
    caseId: r.case_id,
    channel: r.channel as IntakeChoice['channel'],
    userId: r.user_id,
    suggested: JSON.parse(r.suggested) as string[],
    chosen: r.chosen,
    at: Number(r.created_at),
  }));
}

/**
 * Closed cases handled to the end (not voided, false alarms or duplicates): their title and
 * description, and the deepest taxonomy key they closed with. The intake classifier's training set.
 */
export async function listClosedCaseTexts(
  db: StateDb,
  limit = TRAINING_CASES_MAX,
): Promise<{ text: string; key: string }[]> {
  // The most recent ones, oldest first: a retrain costs the same after years as after months.
  const rows = await db
    .selectFrom('cases')
    .select(['title', 'description', 'category', 'subcategory', 'case_type'])
    .where('state', '=', 'closed')
    .where('close_reason', 'is', null)
    .orderBy('opened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map((r) => ({
    text: `${r.title} ${r.description ?? ''}`.slice(0, TRAINING_TEXT_MAX),
    key: r.case_type ?? r.subcategory ?? r.category,
  }));
}

/** The classifier learns from at most this many recent closed cases, and this much of each text. */
export const TRAINING_CASES_MAX = 20_000;
const TRAINING_TEXT_MAX = 2_000;

/** How many cases closed handled (compared to retrain when enough have closed since). */
export async function countClosedCases(db: StateDb): Promise<number> {
  const row = await db
    .selectFrom('cases')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('state', '=', 'closed')
    .where('close_reason', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
