import {
  authorize,
  can,
  DEFAULT_FUSION_CONFIG,
  type Bus,
  type CaseCommand,
  type CaseDetailView,
  type CasePageView,
  type CaseSearch,
  type CaseSplit,
  type CaseView,
  type DispatchPeopleView,
  type FusionGroup,
  type HotlineEntry,
  type MergeCandidateView,
  type NotificationView,
  type PatrolReport,
  type Region,
  type RiskSignal,
  type SuppressionRule,
  type User,
  type WorkChannelKind,
} from '@gridsense/core';
import {
  appendAudit,
  findCase,
  getFusionConfig,
  listCaseSources,
  listCaseViews,
  listChildCaseIds,
  listRegions,
  listRequesters,
  listTimeline,
  countUnreadNotifications,
  listUserNotifications,
  markNotificationsRead,
  searchCaseViews,
  type StateDb,
} from '@gridsense/state';
import { actOnCase } from './actions';
import { reportFromHotline, reportFromPatrol } from './channels';
import { createDirectory } from './directory';
import { openOrJoin, type CaseDraft, type IntakeOutcome } from './intake';
import { mergeCases } from './merge';
import { listMergeCandidates } from './merge-candidates';
import { splitCase } from './split';
import { createNotifier } from './notices';
import { canReadPhoto } from './photos';
import { dispatchPeople } from './people';
import { applyRisk } from './risks';
import { canSee, caseScope, requireVisible, visibleGrids } from './scope';
import { loadPolicy, type CaseContext } from './context';

export interface CaseServiceDeps {
  db: StateDb;
  bus: Bus;
  now?: () => number;
  /** Returns allowed before a case goes to the street automatically (default 2). */
  returnLimit?: number;
  /** An incident sends one message per person and channel, then at most one digest per interval. */
  groupIntervalMs?: number;
  fusionGroups?: FusionGroup[];
  suppressionRules?: SuppressionRule[];
  /** Called when a notification is due now (the delivery worker, where one runs in this process). */
  wake?: () => void;
  /** DingTalk, WeCom, SMS: the person channels configured. */
  workChannels?: readonly WorkChannelKind[];
}

export type CaseService = Awaited<ReturnType<typeof createCaseService>>;

/** Cases: opened from every channel, moved by people through the one transition function, scoped. */
export async function createCaseService(deps: CaseServiceDeps) {
  const now = deps.now ?? Date.now;
  let regions: Region[] = await listRegions(deps.db);
  const getRegions = () => regions;
  const notifier = createNotifier({
    now,
    regions: getRegions,
    groupIntervalMs: deps.groupIntervalMs ?? 60_000,
    wake: deps.wake ?? (() => undefined),
    ...(deps.workChannels ? { workChannels: deps.workChannels } : {}),
  });
  const ctx: CaseContext = {
    db: deps.db,
    bus: deps.bus,
    now,
    regions: getRegions,
    directory: createDirectory(deps.db, getRegions),
    notifier,
    returnLimit: deps.returnLimit ?? 2,
    fusionGroups: deps.fusionGroups ?? DEFAULT_FUSION_CONFIG.groups,
    suppressionRules: deps.suppressionRules ?? DEFAULT_FUSION_CONFIG.suppression,
  };
  // An administrator's fusion settings apply from the next intake or move, in every process
  // (a settings row, read each time as the case policy is); tests may fix them instead.
  const fusionFixed = deps.fusionGroups !== undefined || deps.suppressionRules !== undefined;
  const refreshFusion = async (): Promise<void> => {
    if (fusionFixed) return;
    const config = await getFusionConfig(deps.db);
    ctx.fusionGroups = config.groups;
    ctx.suppressionRules = config.suppression;
  };
  // Intake runs one at a time, so two signals of one incident cannot open two cases.
  let intakeQueue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const run = intakeQueue.then(refreshFusion).then(work);
    intakeQueue = run.catch(() => undefined);
    return run;
  };

  async function view(caseId: string): Promise<CaseView | undefined> {
    return (await listCaseViews(deps.db, { ids: [caseId], openOnly: false }))[0];
  }
  const viewOf = async (outcome: IntakeOutcome) => ({ ...outcome, case: (await view(outcome.caseId))! });
  /** The masked caller goes only to those who may call back (`case.requesters`). */
  const forViewer = (user: User, caseView: CaseView): CaseView =>
    caseView.requester && !can(user, 'case.requesters') ? { ...caseView, requester: null } : caseView;

  return {
    context: ctx,

    /** Turns a rule's state change into a new case, an occurrence, a fused source or a cleared risk. */
    handleRisk(signal: RiskSignal): Promise<IntakeOutcome | undefined> {
      return serially(() => applyRisk(ctx, signal));
    },

    /**
     * A report that joined a case the reporter may not see (a parent in another grid) answers
     * only which case and how, not the case.
     */
    async report(user: User, report: PatrolReport): Promise<IntakeOutcome & { case?: CaseView }> {
      const outcome = await serially(() => reportFromPatrol(ctx, user, report));
      const record = await findCase(deps.db, outcome.caseId);
      if (!record || !(await canSee(ctx, user, record)))
        return { caseId: outcome.caseId, outcome: outcome.outcome };
      return viewOf(outcome);
    },

    async hotline(user: User, call: HotlineEntry): Promise<IntakeOutcome & { case: CaseView }> {
      return viewOf(await serially(() => reportFromHotline(ctx, user, call)));
    },

    /** A case drafted in this process (an early warning turned into one), through the intake queue. */
    async intake(draft: CaseDraft): Promise<IntakeOutcome & { case: CaseView }> {
      return viewOf(await serially(async () => openOrJoin(ctx, await loadPolicy(ctx), draft)));
    },

    async act(user: User, caseId: string, command: CaseCommand): Promise<CaseView> {
      await refreshFusion();
      const next = await actOnCase(ctx, user, caseId, command);
      return forViewer(user, (await view(next.id))!);
    },

    /** 人工合并: `keptId` takes in `absorbedId`, which closes as its duplicate (in the intake queue). */
    async merge(user: User, keptId: string, absorbedId: string, note: string | null): Promise<CaseView> {
      const next = await serially(() => mergeCases(ctx, user, keptId, absorbedId, note));
      return (await view(next.id))!;
    },

    /** Open cases that may be the same matter (same caller, same grid and category), each with why. */
    mergeCandidates(user: User, caseId: string): Promise<MergeCandidateView[]> {
      return listMergeCandidates(ctx, user, caseId);
    },

    /** 拆分: the other matter becomes a new case (in the intake queue, as any new case). */
    async split(
      user: User,
      caseId: string,
      split: CaseSplit,
    ): Promise<{ original: CaseView; created: CaseView }> {
      const { original, created } = await serially(() => splitCase(ctx, user, caseId, split));
      return {
        original: forViewer(user, (await view(original.id))!),
        created: forViewer(user, (await view(created.id))!),
      };
    },

    /** Whom a case in the grid can be dispatched to, with the rule list's pick for `caseId`. */
    people(user: User, gridId: string, caseId?: string): Promise<DispatchPeopleView> {
      return dispatchPeople(ctx, user, gridId, caseId);
    },

    async list(user: User, options: { openOnly: boolean }): Promise<CaseView[]> {
      const views = await listCaseViews(deps.db, {
        ...(await caseScope(ctx, user)),
        openOnly: options.openOnly,
      });
      return views.map((caseView) => forViewer(user, caseView));
    },

    /** One page of the list with its filters; "awaiting my verification" only for those who verify. */
    async search(user: User, search: CaseSearch): Promise<CasePageView> {
      const { limit, offset } = search;
      if (search.awaitingMyVerification && !can(user, 'case.verify'))
        return { cases: [], total: 0, limit, offset };
      const page = await searchCaseViews(deps.db, {
        ...(await caseScope(ctx, user)),
        search,
        viewerId: user.id,
      });
      return {
        ...page,
        cases: page.cases.map((caseView) => forViewer(user, caseView)),
        limit,
        offset,
      };
    },

    async detail(user: User, caseId: string): Promise<CaseDetailView> {
      await requireVisible(ctx, user, caseId);
      const [caseView, timeline, sources, childIds] = await Promise.all([
        view(caseId),
        listTimeline(deps.db, caseId),
        listCaseSources(deps.db, caseId),
        listChildCaseIds(deps.db, caseId),
      ]);
      return { case: forViewer(user, caseView!), timeline, sources, childIds };
    },

    /** The hotline callers unmasked, for a callback; every reveal is in the audit log. */
    async revealRequesters(
      user: User,
      caseId: string,
    ): Promise<{ name: string; phone: string; at: number }[]> {
      authorize(user, 'case.requesters');
      await requireVisible(ctx, user, caseId);
      const requesters = await listRequesters(deps.db, caseId);
      await appendAudit(deps.db, [
        {
          at: now(),
          actorId: user.id,
          actorName: user.displayName,
          action: 'case.requester_revealed',
          entityType: 'case',
          entityId: caseId,
          data: { count: requesters.length },
        },
      ]);
      return requesters;
    },

    notifications(user: User, limit = 50): Promise<NotificationView[]> {
      return listUserNotifications(deps.db, user.id, limit);
    },

    unreadNotifications: (user: User): Promise<number> => countUnreadNotifications(deps.db, user.id),

    /** Marks one's own notices read (the listed ones, or all up to `upTo`); answers what is left unread. */
    async markNotificationsRead(
      user: User,
      which: { ids: readonly number[] } | { upTo: number },
    ): Promise<number> {
      await markNotificationsRead(deps.db, user.id, which, now());
      return countUnreadNotifications(deps.db, user.id);
    },

    /** A case as the web pushes it (no scope check: the caller routes it to the right rooms). */
    view,

    visibleGrids: (user: User) => visibleGrids(ctx, user),

    /** Whether the person may look at an evidence photo (see `canReadPhoto`). */
    canReadPhoto: (user: User, photoId: string) => canReadPhoto(ctx, user, photoId),

    async reloadRegions(): Promise<void> {
      regions = await listRegions(deps.db);
    },

    regions: getRegions,
  };
}
