import {
  addSpan,
  addWorkingMs,
  apiText,
  AppError,
  assessPlace,
  assessUnits,
  authorize,
  can,
  chargeSegments,
  DEFAULT_ASSESSMENT_SCHEME,
  gridsInRegion,
  rankUnits,
  regionLineage,
  resourceIn,
  solvedByCallback,
  validateAssessmentScheme,
  withRatingRates,
  workingDayMs,
  type AccountableUnit,
  type AssessmentFigures,
  type AssessmentScheme,
  type AssigneeSegment,
  type AssessmentView,
  type Region,
  type ReportCase,
  type User,
} from '@gridsense/core';
import {
  findUserNames,
  getAssessmentScheme,
  listCasesOpenedBetween,
  listDepartments,
  listRatedSubtasks,
  listTimelineSteps,
  saveAssessmentScheme,
  type StateDb,
} from '@gridsense/state';
import { loadCasePolicy, slaFor } from './cases/policy';

const MAX_PERIOD_MS = 366 * 86_400_000;

/**
 * The cases opened in [from, to) in these grids, each with its assignees' segments (their accept
 * deadlines from the case's SLA on the working calendar) and the callback's 解决 judgement.
 */
export async function loadAssessedCases(
  db: StateDb,
  grids: readonly string[],
  period: { from: number; to: number },
  now: number,
): Promise<ReportCase[]> {
  const [records, policy] = await Promise.all([
    listCasesOpenedBetween(db, period.from, period.to, grids),
    loadCasePolicy(db, 0),
  ]);
  const timelines = await listTimelineSteps(
    db,
    records.map((c) => c.id),
  );
  return records.map((c) => {
    const steps = timelines.get(c.id) ?? [];
    const sla = slaFor(policy, c);
    return {
      id: c.id,
      title: c.title,
      gridId: c.gridId,
      openedAt: c.openedAt,
      resolvedAt: c.resolvedAt,
      resolvedOnTime: c.resolvedOnTime,
      resolveDueAt: c.resolveDueAt,
      pausedAt: c.pausedAt,
      satisfaction: c.satisfaction,
      reporterId: c.reporterId,
      supervisedAt: c.supervisedAt,
      supervisionReason: c.supervisionReason,
      source: c.source,
      closeReason: c.closeReason,
      segments: withDepartments(
        c,
        chargeSegments(
          steps,
          {
            acceptDueAfter: (dispatchedAt) => addSpan(dispatchedAt, sla.accept, policy.calendar),
            resolveDueAfter: (start) => addSpan(start, sla.resolve, policy.calendar),
            openedAt: c.openedAt,
            extend: (dueAt, days) =>
              addWorkingMs(dueAt, days * workingDayMs(policy.calendar), policy.calendar),
            currentResolveDueAt: c.resolvedAt === null ? c.resolveDueAt : null,
          },
          now,
        ),
      ),
      solved: solvedByCallback(steps),
    };
  });
}

/**
 * The rule list's automatic dispatch names no department in its timeline entry; the case's own
 * department (its lead's) fills it in for the segment of its current lead.
 */
function withDepartments(
  c: { assigneeId: string | null; departmentId: string | null },
  segments: AssigneeSegment[],
): AssigneeSegment[] {
  return segments.map((s) =>
    s.departmentId === null && c.departmentId !== null && s.personId === c.assigneeId
      ? { ...s, departmentId: c.departmentId }
      : s,
  );
}

/** A case's grid, community or street, looked up once per grid. */
export function placesOf(regions: readonly Region[], grids: readonly string[]) {
  const lineages = new Map(grids.map((g) => [g, regionLineage(regions, g)]));
  return (c: { gridId: string }, level: 'grid' | 'community' | 'street'): string | null =>
    level === 'grid' ? c.gridId : (lineages.get(c.gridId)?.find((r) => r.level === level)?.id ?? null);
}

/** The figures of a region and of every unit in it over a period. */
export async function assessRegion(
  db: StateDb,
  regions: readonly Region[],
  regionId: string,
  period: { from: number; to: number },
  now: number,
): Promise<{
  cases: ReportCase[];
  region: AssessmentFigures;
  units: Record<AccountableUnit, AssessmentFigures[]>;
}> {
  const grids = gridsInRegion(regions, regionId);
  const cases = await loadAssessedCases(db, grids, period, now);
  const level = regions.find((r) => r.id === regionId)?.level ?? 'district';
  const placeOf = placesOf(regions, grids);
  // 协办好评率 (decision 0032): the ratings of the sub-tasks reported in the period on these grids.
  const rated = await listRatedSubtasks(db, { ...period, gridIds: grids });
  return {
    cases,
    region: assessPlace(level, regionId, cases, now),
    units: withRatingRates(assessUnits(cases, placeOf, now), rated, placeOf),
  };
}

/** Display names of the units in the figures: regions, people and departments. */
export async function unitNames(
  db: StateDb,
  regions: readonly Region[],
  units: Record<AccountableUnit, readonly { key: string }[]>,
): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const level of ['grid', 'community', 'street'] as const)
    for (const u of units[level]) names[u.key] = regions.find((r) => r.id === u.key)?.name ?? u.key;
  const [people, departments] = await Promise.all([
    findUserNames(
      db,
      units.worker.map((u) => u.key),
    ),
    listDepartments(db),
  ]);
  for (const [id, name] of people) names[id] = name;
  for (const d of departments) if (units.department.some((u) => u.key === d.id)) names[d.id] = d.name;
  for (const r of regions) if (r.level === 'district' || r.level === 'street') names[r.id] ??= r.name;
  return names;
}

/** The scheme in force (the default until an administrator saves one). */
export async function schemeInForce(db: StateDb): Promise<AssessmentScheme> {
  return (await getAssessmentScheme(db))?.scheme ?? DEFAULT_ASSESSMENT_SCHEME;
}

/**
 * 考核: the ranking per level of a region over a period, within the reader's region, scored with
 * the scheme in force; and the scheme itself, which administrators change.
 */
export function createAssessment(deps: { db: StateDb; regions: () => Region[]; now: () => number }) {
  return {
    async view(user: User, query: { from: number; to: number; regionId?: string }): Promise<AssessmentView> {
      authorize(user, 'assessment.read');
      if (!(query.from < query.to) || query.to - query.from > MAX_PERIOD_MS)
        throw new AppError('validation_failed', apiText('range.withinYear'));
      const regions = deps.regions();
      const regionId = query.regionId ?? user.regionId;
      if (
        !regions.some((r) => r.id === regionId) ||
        !can(user, 'assessment.read', resourceIn(regions, regionId))
      )
        throw new AppError('not_found', apiText('notFound.region', { id: regionId }));
      const { region, units } = await assessRegion(deps.db, regions, regionId, query, deps.now());
      const scheme = await schemeInForce(deps.db);
      return {
        from: query.from,
        to: query.to,
        regionId,
        scheme,
        excluded: region.excluded,
        units: rankUnits(units, scheme),
        names: await unitNames(deps.db, regions, units),
      };
    },

    async scheme(user: User): Promise<AssessmentScheme> {
      authorize(user, 'assessment.read');
      return schemeInForce(deps.db);
    },

    async saveScheme(user: User, input: unknown): Promise<AssessmentScheme> {
      authorize(user, 'assessment.manage');
      const checked = validateAssessmentScheme(input);
      if (!checked.ok)
        throw new AppError('validation_failed', apiText('invalid.assessmentScheme'), checked.errors);
      await saveAssessmentScheme(deps.db, checked.scheme, user.id, deps.now());
      return checked.scheme;
    },
  };
}

export type Assessment = ReturnType<typeof createAssessment>;
