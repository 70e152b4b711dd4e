import {
  AppError,
  gridsInRegion,
  severityRank,
  transition,
  type Bus,
  type CaseActor,
  type CaseCommand,
  type CaseDetailView,
  type CaseRecord,
  type CaseView,
  type Region,
  type RiskSignal,
  type User,
} from '@gridsense/core';
import {
  findCase,
  findOpenCaseByCause,
  insertCase,
  listCaseViews,
  listDutyGrids,
  listOnDutyWorkers,
  listRegions,
  listTimeline,
  updateCase,
  type NewTimelineEntry,
  type StateDb,
} from '@gridsense/state';
import { DEADLINES_MS, newCaseId } from './case-policy';

const SYSTEM: CaseActor & { name: string } = { id: 'system', role: 'system', name: '系统 GridSense' };

export interface CaseServiceDeps {
  db: StateDb;
  bus: Bus;
  now?: () => number;
}

export type CaseService = Awaited<ReturnType<typeof createCaseService>>;

/** Cases: opened from risks, moved by people through the one transition function, scoped by grid. */
export async function createCaseService(deps: CaseServiceDeps) {
  const now = deps.now ?? Date.now;
  let regions: Region[] = await listRegions(deps.db);
  // Risks are handled one at a time so two signals of one cause cannot open two cases.
  let riskQueue = Promise.resolve();

  const announce = (record: CaseRecord, action: string) =>
    deps.bus.publish('case.changed', {
      caseId: record.id,
      gridId: record.gridId,
      action,
      at: record.updatedAt,
    });

  /** Grids whose cases a user may see: a worker's duty grids, otherwise their region's subtree. */
  async function visibleGrids(user: User): Promise<string[]> {
    if (user.role === 'grid_worker') return listDutyGrids(deps.db, user.id);
    return gridsInRegion(regions, user.regionId);
  }

  async function requireVisible(user: User, caseId: string): Promise<CaseRecord> {
    const record = await findCase(deps.db, caseId);
    if (!record || !(await visibleGrids(user)).includes(record.gridId)) {
      throw new AppError('not_found', `case ${caseId} not found`);
    }
    return record;
  }

  async function pickAssignee(
    gridId: string,
    exclude?: string,
  ): Promise<{ userId: string; displayName: string } | undefined> {
    const onDuty = await listOnDutyWorkers(deps.db, gridId);
    return onDuty.find((w) => w.userId !== exclude) ?? onDuty[0];
  }

  function entry(
    actor: { id: string; name: string },
    action: string,
    from: CaseRecord | null,
    to: CaseRecord,
    note: string | null = null,
    data: Record<string, unknown> | null = null,
  ): NewTimelineEntry {
    return {
      at: to.updatedAt,
      actorId: actor.id,
      actorName: actor.name,
      action,
      fromState: from?.state ?? null,
      toState: to.state,
      note,
      data,
    };
  }

  async function openCase(
    signal: RiskSignal & { severity: NonNullable<RiskSignal['severity']> },
  ): Promise<void> {
    const at = now();
    const deadlines = DEADLINES_MS[signal.severity];
    const reported: CaseRecord = {
      id: newCaseId(at),
      title: signal.ruleName,
      category: signal.category,
      severity: signal.severity,
      state: 'reported',
      source: 'auto',
      gridId: signal.gridId,
      deviceId: signal.deviceId,
      ruleId: signal.ruleId,
      assigneeId: null,
      resolvedById: null,
      returnCount: 0,
      occurrences: 1,
      riskActive: true,
      openedAt: at,
      updatedAt: at,
      acceptDueAt: at + deadlines.acceptWithinMs,
      resolveDueAt: at + deadlines.resolveWithinMs,
    };
    const trigger = {
      metric: signal.metric,
      value: signal.value,
      eventType: signal.eventType,
      snapshot: signal.snapshot,
      readingAt: signal.at,
    };
    const entries = [entry(SYSTEM, 'report', null, reported, null, trigger)];
    let current = reported;
    const step = (command: CaseCommand, note: string | null = null) => {
      const result = transition(current, command, SYSTEM, at);
      if (!result.ok) throw new AppError(result.code, result.message);
      entries.push(entry(SYSTEM, command.action, current, result.next, note));
      current = result.next;
    };
    step({ action: 'register' });
    const assignee = await pickAssignee(signal.gridId);
    if (assignee) step({ action: 'dispatch', assigneeId: assignee.userId }, assignee.displayName);
    await insertCase(deps.db, current, entries);
    await announce(current, 'opened');
  }

  async function applyRisk(signal: RiskSignal): Promise<void> {
    const open = await findOpenCaseByCause(deps.db, signal.deviceId, signal.ruleId);
    if (signal.severity === null) {
      if (!open || !open.riskActive) return;
      // The condition cleared; the case stays until people close it.
      const next = { ...open, riskActive: false, updatedAt: now() };
      await updateCase(deps.db, next, open, [
        entry(SYSTEM, 'risk_cleared', open, next, null, { value: signal.value }),
      ]);
      return announce(next, 'risk_cleared');
    }
    if (!open) return openCase({ ...signal, severity: signal.severity });
    // Same cause again: one case, one more occurrence (and a raised severity if it got worse).
    const worse = severityRank(signal.severity) > severityRank(open.severity);
    const next: CaseRecord = {
      ...open,
      occurrences: open.occurrences + 1,
      riskActive: true,
      severity: worse ? signal.severity : open.severity,
      updatedAt: now(),
    };
    if (worse) {
      // A worse risk brings the deadlines of its severity forward; it never extends them.
      const deadlines = DEADLINES_MS[signal.severity];
      if (next.acceptDueAt !== null)
        next.acceptDueAt = Math.min(next.acceptDueAt, open.openedAt + deadlines.acceptWithinMs);
      if (next.resolveDueAt !== null)
        next.resolveDueAt = Math.min(next.resolveDueAt, open.openedAt + deadlines.resolveWithinMs);
    }
    await updateCase(deps.db, next, open, [
      entry(SYSTEM, 'occurred_again', open, next, null, { severity: signal.severity, value: signal.value }),
    ]);
    await announce(next, 'occurred_again');
  }

  return {
    /** Turns a rule's state change into a new case or an update of the open one. */
    handleRisk(signal: RiskSignal): Promise<void> {
      const run = riskQueue.then(() => applyRisk(signal));
      riskQueue = run.catch(() => undefined);
      return run;
    },

    async act(user: User, caseId: string, command: CaseCommand): Promise<CaseView> {
      const current = await requireVisible(user, caseId);
      const result = transition(current, command, { id: user.id, role: user.role }, now());
      if (!result.ok) throw new AppError(result.code, result.message);
      let next = result.next;
      const note = 'note' in command ? (command.note ?? null) : null;
      const data: Record<string, unknown> = {};
      if (command.action === 'resolve' && command.photos?.length) data.photos = command.photos;
      if (command.action === 'return') data.reason = command.reason;
      if (command.action === 'dispatch') data.assigneeId = command.assigneeId;
      const entries = [
        entry(
          { id: user.id, name: user.displayName },
          command.action,
          current,
          next,
          note,
          Object.keys(data).length ? data : null,
        ),
      ];
      if (result.effects.some((e) => e.type === 'redispatch')) {
        const assignee = await pickAssignee(next.gridId);
        const redispatched =
          assignee &&
          transition(next, { action: 'dispatch', assigneeId: assignee.userId }, SYSTEM, next.updatedAt);
        if (assignee && redispatched?.ok) {
          entries.push(entry(SYSTEM, 'dispatch', next, redispatched.next, assignee.displayName));
          next = redispatched.next;
        }
      }
      await updateCase(deps.db, next, current, entries);
      await announce(next, command.action);
      return (await listCaseViews(deps.db, { ids: [next.id], openOnly: false }))[0]!;
    },

    async list(user: User, options: { openOnly: boolean }): Promise<CaseView[]> {
      return listCaseViews(deps.db, { gridIds: await visibleGrids(user), openOnly: options.openOnly });
    },

    async detail(user: User, caseId: string): Promise<CaseDetailView> {
      await requireVisible(user, caseId);
      const [view] = await listCaseViews(deps.db, { ids: [caseId], openOnly: false });
      return { case: view!, timeline: await listTimeline(deps.db, caseId) };
    },

    /** A case as the web pushes it (no scope check: the caller routes it to the right rooms). */
    async view(caseId: string): Promise<CaseView | undefined> {
      return (await listCaseViews(deps.db, { ids: [caseId], openOnly: false }))[0];
    },

    visibleGrids,

    async reloadRegions(): Promise<void> {
      regions = await listRegions(deps.db);
    },

    regions: () => regions,
  };
}
