import {
  apiText,
  AppError,
  authorize,
  can,
  gridsInRegion,
  resourceIn,
  type Region,
  type User,
} from '@gridsense/core';
import {
  localDayStart,
  localMonthStart,
  periodRates,
  situationRows,
  type SituationDevice,
  type SituationView,
} from '@gridsense/core/situation';
import {
  listCasesOpenedBetween,
  listCategories,
  listPlaces,
  listWarnings,
  type StateDb,
} from '@gridsense/state';
import { listSituationCases } from '@gridsense/state/situation';
import { assessPlaces, placeRiskRules } from './place-levels';

/** The newest open warnings the dashboard lists by name (the count covers them all). */
const LATEST_WARNINGS = 5;

/**
 * 态势 for a region within what the reader may see (as analytics: the command centre and
 * supervisors, each in their own region): per street today, this month against last, open early
 * warnings, device health and 重点场所 by level.
 */
export async function situationView(
  db: StateDb,
  regions: readonly Region[],
  devices: readonly SituationDevice[],
  user: User,
  query: { regionId?: string },
  now: number,
): Promise<SituationView> {
  authorize(user, 'analytics.read');
  const regionId = query.regionId ?? user.regionId;
  const region = regions.find((r) => r.id === regionId);
  const grids = gridsInRegion(regions, regionId);
  // A region outside one's own (or above it) reads as absent, as everywhere else.
  if (!region || grids.length === 0 || !can(user, 'analytics.read', resourceIn(regions, regionId)))
    throw new AppError('not_found', apiText('notFound.region', { id: regionId }));
  const inScope = new Set(grids);
  const streets = regions
    .filter((r) => r.level === 'street')
    .map((s) => ({
      id: s.id,
      name: s.name,
      gridIds: gridsInRegion(regions, s.id).filter((g) => inScope.has(g)),
    }))
    .filter((s) => s.gridIds.length > 0);

  const thisMonthFrom = localMonthStart(now);
  const lastMonthFrom = localMonthStart(now, 1);
  // A region whose grids all lie in scope: its warnings are the reader's to see.
  const warningRegions = regions
    .filter((r) => {
      const under = gridsInRegion(regions, r.id);
      return under.length > 0 && under.every((g) => inScope.has(g));
    })
    .map((r) => r.id);
  const [cases, months, warnings, categories, places, rules] = await Promise.all([
    listSituationCases(db, grids, localDayStart(now)),
    listCasesOpenedBetween(db, lastMonthFrom, now + 1, grids),
    listWarnings(db, { regionIds: warningRegions, states: ['open'], limit: 1000 }),
    listCategories(db),
    listPlaces(db, { gridIds: grids }),
    placeRiskRules(db),
  ]);
  // Each place's level as the places page shows it: assessed from its evidence now.
  const assessed = await assessPlaces(db, places, rules, now);
  const { rows, total } = situationRows(
    streets,
    cases,
    devices.filter((d) => inScope.has(d.gridId)),
    now,
    places.map((p) => ({ gridId: p.gridId, level: assessed.get(p.id)?.level ?? p.baseLevel })),
  );
  const names: Record<string, string> = {};
  for (const r of regions) if (warningRegions.includes(r.id)) names[r.id] = r.name;
  for (const w of warnings) {
    const category = categories.find((c) => c.key === w.category);
    if (category) names[w.category] = category.name;
  }
  return {
    at: now,
    regionId,
    regionName: region.name,
    todayFrom: localDayStart(now),
    rows,
    total: { ...total, id: regionId, name: region.name },
    thisMonth: periodRates(months, { from: thisMonthFrom, to: now + 1, now }),
    lastMonth: periodRates(months, { from: lastMonthFrom, to: thisMonthFrom, now }),
    warnings: {
      open: warnings.length,
      latest: warnings.slice(0, LATEST_WARNINGS).map((w) => ({
        id: w.id,
        kind: w.kind,
        regionId: w.regionId,
        category: w.category,
        detectedAt: w.detectedAt,
        observed: w.evidence.observed,
      })),
    },
    names,
  };
}
