import {
  apiText,
  AppError,
  authorize,
  CASE_STATS_DEFINITIONS,
  computeCaseStats,
  computeUnitRates,
  gridsInRegion,
  regionLineage,
  type AccountableUnit,
  type CaseStatsView,
  type Region,
  type User,
} from '@gridsense/core';
import {
  findUserNames,
  listCasesOpenedBetween,
  listCategories,
  listDepartments,
  type StateDb,
} from '@gridsense/state';

const MAX_PERIOD_MS = 366 * 86_400_000;

/**
 * 三率, MTTA/MTTR, breakdowns and trends for a region and period, within what the reader may see
 * (a community supervisor their community, the command centre the district). Definitions travel
 * with the numbers.
 */
export async function caseAnalytics(
  db: StateDb,
  regions: readonly Region[],
  user: User,
  query: { from: number; to: number; regionId?: string },
  now: number,
): Promise<CaseStatsView> {
  authorize(user, 'analytics.read');
  if (!(query.from < query.to) || query.to - query.from > MAX_PERIOD_MS)
    throw new AppError('validation_failed', apiText('range.withinYear'));
  const mine = gridsInRegion(regions, user.regionId);
  const regionId = query.regionId ?? user.regionId;
  const grids = gridsInRegion(regions, regionId).filter((g) => mine.includes(g));
  if (grids.length === 0) throw new AppError('not_found', apiText('notFound.region', { id: regionId }));
  const cases = await listCasesOpenedBetween(db, query.from, query.to, grids);
  const stats = computeCaseStats(cases, { from: query.from, to: query.to, now });
  // Each grid's lineage once, not once per case.
  const lineages = new Map(grids.map((g) => [g, regionLineage(regions, g)]));
  const units = computeUnitRates(cases, (c, unit) => unitOf(lineages, c, unit), now);
  const [people, departments, categories] = await Promise.all([
    findUserNames(
      db,
      stats.byWorker.map((w) => w.key),
    ),
    listDepartments(db),
    listCategories(db),
  ]);
  const names: Record<string, string> = {};
  for (const g of stats.byGrid) names[g.key] = regions.find((r) => r.id === g.key)?.name ?? g.key;
  for (const row of [...units.community, ...units.street])
    names[row.key] = regions.find((r) => r.id === row.key)?.name ?? row.key;
  for (const [id, name] of people) names[id] = name;
  for (const d of departments) if (stats.byDepartment.some((b) => b.key === d.id)) names[d.id] = d.name;
  for (const c of categories) if (stats.byCategory.some((b) => b.key === c.key)) names[c.key] = c.name;
  return { ...stats, units, names, definitions: { ...CASE_STATS_DEFINITIONS } };
}

/** A case's unit of a kind: its grid, lead, department, or the community / street above its grid. */
function unitOf(
  lineages: ReadonlyMap<string, readonly Region[]>,
  c: { gridId: string; assigneeId: string | null; departmentId: string | null },
  unit: AccountableUnit,
): string | null {
  if (unit === 'grid') return c.gridId;
  if (unit === 'worker') return c.assigneeId;
  if (unit === 'department') return c.departmentId;
  return lineages.get(c.gridId)?.find((region) => region.level === unit)?.id ?? null;
}
