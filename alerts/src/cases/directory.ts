import {
  chooseHandlers,
  handlerKey,
  onDutyNow,
  pickDispatchRule,
  pointInPolygon,
  regionLineage,
  type Candidate,
  type CaseRecord,
  type HandlerChoice,
  type HandlerRef,
  type Region,
  type RegionLevel,
  type WorkCalendar,
} from '@gridsense/core';
import {
  findUserById,
  listDepartmentMembers,
  listDispatchRules,
  listOnDutyWorkers,
  listRosterShifts,
  listUsersInRegion,
  type StateDb,
} from '@gridsense/state';

export interface Suggestion extends HandlerChoice {
  ruleId: string;
  /**
   * The co-handlers the rule names as a department or a person (条): each owes the lead a report,
   * a 协办 sub-task. The grid, community and street desks (块) co-handle along the hierarchy.
   */
  owingReports: { userId: string; departmentId: string | null }[];
  /** The rule's note, which says what its co-handlers are asked to do. */
  ruleNote: string | null;
}

export type Directory = ReturnType<typeof createDirectory>;

/**
 * Who is responsible where: a grid's ancestors, the grid under a point, the people each handler
 * reference names (on duty now, by roster), and the rule list's suggestion for a case.
 */
export function createDirectory(db: StateDb, regions: () => Region[]) {
  const lineage = (gridId: string) => regionLineage(regions(), gridId);
  const ancestorAt = (gridId: string, level: RegionLevel) =>
    lineage(gridId).find((r) => r.level === level)?.id;

  async function onDutyGridWorkers(gridId: string, at: number, calendar: WorkCalendar) {
    const [standing, shifts] = await Promise.all([
      listOnDutyWorkers(db, gridId),
      listRosterShifts(db, { kind: 'grid', id: gridId }),
    ]);
    return onDutyNow(standing, shifts, at, calendar.utcOffsetMinutes);
  }

  async function resolveRef(
    ref: HandlerRef,
    gridId: string,
    at: number,
    calendar: WorkCalendar,
  ): Promise<Candidate[]> {
    const supervisors = async (level: RegionLevel) => {
      const regionId = ancestorAt(gridId, level);
      const people = regionId ? await listUsersInRegion(db, regionId, ['supervisor', 'operator']) : [];
      return people.map((p) => ({ userId: p.userId, duty: 'primary' as const, departmentId: null }));
    };
    switch (ref.kind) {
      case 'grid_duty':
        return (await onDutyGridWorkers(gridId, at, calendar)).map((p) => ({ ...p, departmentId: null }));
      case 'community':
        return supervisors('community');
      case 'street':
        return supervisors('street');
      case 'department': {
        const [standing, shifts] = await Promise.all([
          listDepartmentMembers(db, ref.departmentId),
          listRosterShifts(db, { kind: 'department', id: ref.departmentId }),
        ]);
        return onDutyNow(standing, shifts, at, calendar.utcOffsetMinutes).map((p) => ({
          ...p,
          departmentId: ref.departmentId,
        }));
      }
      case 'user': {
        const person = await findUserById(db, ref.userId);
        return person ? [{ userId: ref.userId, duty: 'primary', departmentId: null }] : [];
      }
    }
  }

  return {
    lineage,
    ancestorAt,

    /** The grid whose boundary contains a point (patrol reports, hotline calls with coordinates). */
    gridAt(lat: number, lng: number): string | undefined {
      return regions().find((r) => r.level === 'grid' && r.boundary && pointInPolygon(lng, lat, r.boundary))
        ?.id;
    },

    /** The dispatch rule list's lead and co-handlers for a case, from who is on duty at `at`. */
    async suggest(
      target: Pick<CaseRecord, 'category' | 'subcategory' | 'caseType' | 'gridId'>,
      at: number,
      calendar: WorkCalendar,
      exclude: readonly string[] = [],
    ): Promise<Suggestion | undefined> {
      const rule = pickDispatchRule(await listDispatchRules(db), {
        category: target.category,
        subcategory: target.subcategory,
        caseType: target.caseType,
        lineage: lineage(target.gridId).map((r) => r.id),
      });
      // Without a rule for the matter, the grid's own workers take it (the default of grid governance).
      const refs = rule ?? {
        id: 'default',
        lead: { kind: 'grid_duty' as const },
        coHandlers: [],
        note: null,
      };
      const candidates = new Map<string, Candidate[]>();
      for (const ref of [refs.lead, ...refs.coHandlers])
        candidates.set(handlerKey(ref), await resolveRef(ref, target.gridId, at, calendar));
      const choice = chooseHandlers(refs, candidates, exclude);
      if (!choice) return undefined;
      const owingReports: Suggestion['owingReports'] = [];
      for (const ref of refs.coHandlers) {
        if (ref.kind !== 'department' && ref.kind !== 'user') continue;
        const chosen = (candidates.get(handlerKey(ref)) ?? []).find(
          (c) => choice.coHandlerIds.includes(c.userId) && !owingReports.some((o) => o.userId === c.userId),
        );
        if (chosen) owingReports.push({ userId: chosen.userId, departmentId: chosen.departmentId });
      }
      return { ...choice, ruleId: refs.id, owingReports, ruleNote: refs.note };
    },

    /**
     * Everyone the rule list could name for a grid, on duty at `at`: the grid's workers, the
     * community and street desks, and each department or person a rule over this grid names.
     */
    async gridCandidates(
      gridId: string,
      at: number,
      calendar: WorkCalendar,
    ): Promise<{ ref: HandlerRef; people: Candidate[] }[]> {
      const regionIds = lineage(gridId).map((r) => r.id);
      const refs: HandlerRef[] = [{ kind: 'grid_duty' }, { kind: 'community' }, { kind: 'street' }];
      for (const rule of await listDispatchRules(db)) {
        if (!rule.enabled || !regionIds.includes(rule.regionId)) continue;
        for (const ref of [rule.lead, ...rule.coHandlers])
          if (!refs.some((known) => handlerKey(known) === handlerKey(ref))) refs.push(ref);
      }
      return Promise.all(
        refs.map(async (ref) => ({ ref, people: await resolveRef(ref, gridId, at, calendar) })),
      );
    },

    /**
     * The people who answer for a level of the hierarchy above a grid: its on-duty workers, the
     * community's supervisors, the street's supervisors and operators, the district's operators.
     * An empty level hands over to the next one up.
     */
    async levelPeople(
      gridId: string,
      level: RegionLevel,
      at: number,
      calendar: WorkCalendar,
    ): Promise<string[]> {
      const order: RegionLevel[] = ['grid', 'community', 'street', 'district'];
      for (const current of order.slice(order.indexOf(level))) {
        const people =
          current === 'grid'
            ? (await onDutyGridWorkers(gridId, at, calendar)).map((p) => p.userId)
            : await (async () => {
                const regionId = ancestorAt(gridId, current);
                const roles =
                  current === 'district' ? (['operator'] as const) : (['supervisor', 'operator'] as const);
                return regionId ? (await listUsersInRegion(db, regionId, roles)).map((p) => p.userId) : [];
              })();
        if (people.length > 0) return people;
      }
      return [];
    },
  };
}
