import {
  apiText,
  AppError,
  authorize,
  can,
  resourceIn,
  SEVERITIES,
  type Region,
  type Severity,
  type User,
} from '@gridsense/core';
import {
  detectEarlyWarnings,
  EARLY_WARNING_DEFAULTS,
  earlyWarningHistoryMs,
  type EarlyWarningSettings,
  type EarlyWarningView,
  type WarningState,
} from '@gridsense/core/early-warning';
import {
  acknowledgeWarning,
  claimWarningForCase,
  claimWarningPass,
  findCase,
  getWarning,
  linkWarningCase,
  listCasesOpenedBetween,
  listWarnings,
  releaseWarningClaim,
  saveDetectedWarnings,
  type StateDb,
} from '@gridsense/state';
import type { CaseService } from './cases/service';

const HOUR_MS = 3_600_000;

export interface EarlyWarningOptions {
  /** Between passes (default one hour); each pass owns the hour slot it starts in. */
  intervalMs?: number;
  /** Names this process in the pass claims. */
  processId: string;
  settings?: EarlyWarningSettings;
  onError: (error: unknown, context: string) => void;
}

export interface WarningCaseInput {
  title?: string | undefined;
  severity?: Severity | undefined;
  description?: string | undefined;
}

/** Region ids in the person's scope: their region and everything under it. */
function regionsInScope(regions: readonly Region[], user: Pick<User, 'role' | 'regionId'>): string[] {
  return regions.filter((r) => can(user, 'warning.read', resourceIn(regions, r.id))).map((r) => r.id);
}

/**
 * One early-warning pass at `now`: claims the slot `now` falls in (slots of `intervalMs`), loads
 * the case history the detectors need, and stores what they find. Returns the new warnings, or
 * undefined when another process owns this slot.
 */
export async function runEarlyWarningPass(
  db: StateDb,
  regions: readonly Region[],
  now: number,
  options: { processId: string; intervalMs?: number; settings?: EarlyWarningSettings },
): Promise<EarlyWarningView[] | undefined> {
  const intervalMs = options.intervalMs ?? HOUR_MS;
  const settings = options.settings ?? EARLY_WARNING_DEFAULTS;
  const slot = Math.floor(now / intervalMs) * intervalMs;
  if (!(await claimWarningPass(db, slot, options.processId, now))) return undefined;
  const grids = regions.filter((r) => r.level === 'grid').map((r) => r.id);
  const history = await listCasesOpenedBetween(db, now - earlyWarningHistoryMs(settings), now, grids);
  // Cases closed as void, false alarm or duplicate were no real matter: they do not count.
  const counted = history.filter((c) => c.closeReason === null);
  return saveDetectedWarnings(db, detectEarlyWarnings(counted, regions, now, settings));
}

/**
 * 预警: a periodic pass of the early-warning detectors over the case history (at start and then
 * hourly; of several alerts processes, the one that claims the hour's slot runs it), and the
 * people's side: the list in their region, acknowledging with a note, and turning a warning into
 * a case through the normal intake (routing applies; the warning links to the case).
 */
export function createEarlyWarnings(cases: CaseService, options: EarlyWarningOptions) {
  const ctx = cases.context;
  const settings = options.settings ?? EARLY_WARNING_DEFAULTS;
  const intervalMs = options.intervalMs ?? HOUR_MS;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;

  const pass = () =>
    runEarlyWarningPass(ctx.db, ctx.regions(), ctx.now(), {
      processId: options.processId,
      intervalMs,
      settings,
    });

  function runPass(): Promise<EarlyWarningView[] | undefined> {
    const run = (running ?? Promise.resolve()).catch(() => undefined).then(pass);
    running = run;
    return run;
  }

  /** The warning, or not_found when it does not exist or lies outside the person's region. */
  async function visibleWarning(user: User, id: number): Promise<EarlyWarningView> {
    authorize(user, 'warning.read');
    const warning = await getWarning(ctx.db, id);
    if (!warning || !can(user, 'warning.read', resourceIn(ctx.regions(), warning.regionId)))
      throw new AppError('not_found', apiText('notFound.warning', { id }));
    return warning;
  }

  return {
    /** Tests call this with a fake clock. */
    pass: runPass,

    async list(
      user: User,
      filter: { states?: readonly WarningState[]; from?: number; to?: number } = {},
    ): Promise<EarlyWarningView[]> {
      authorize(user, 'warning.read');
      return listWarnings(ctx.db, {
        regionIds: regionsInScope(ctx.regions(), user),
        ...(filter.states ? { states: filter.states } : {}),
        ...(filter.from === undefined ? {} : { detectedFrom: filter.from }),
        ...(filter.to === undefined ? {} : { detectedTo: filter.to }),
      });
    },

    async acknowledge(user: User, id: number, note: string | null): Promise<EarlyWarningView> {
      const warning = await visibleWarning(user, id);
      authorize(user, 'warning.act', resourceIn(ctx.regions(), warning.regionId));
      if (!(await acknowledgeWarning(ctx.db, id, { personId: user.id, note, at: ctx.now() })))
        throw new AppError('conflict', apiText('warning.noLongerOpen', { id }));
      return (await getWarning(ctx.db, id))!;
    },

    /** 转为案件: a case in the grid of the warning's latest case (or its own grid), at its place. */
    async openCase(user: User, id: number, input: WarningCaseInput = {}): Promise<EarlyWarningView> {
      const warning = await visibleWarning(user, id);
      authorize(user, 'warning.act', resourceIn(ctx.regions(), warning.regionId));
      if (input.severity !== undefined && !SEVERITIES.includes(input.severity))
        throw new AppError(
          'validation_failed',
          apiText('field.oneOf', { field: 'severity', values: SEVERITIES.join(', ') }),
        );
      const latestId = warning.evidence.caseIds.at(-1);
      const latest = latestId === undefined ? undefined : await findCase(ctx.db, latestId);
      const region = ctx.regions().find((r) => r.id === warning.regionId);
      const gridId = region?.level === 'grid' ? region.id : latest?.gridId;
      if (!gridId) throw new AppError('validation_failed', apiText('warning.noGrid', { id }));
      if (!(await claimWarningForCase(ctx.db, id, { personId: user.id, at: ctx.now() })))
        throw new AppError('conflict', apiText('warning.noLongerOpen', { id }));
      try {
        const outcome = await cases.intake({
          source: 'patrol',
          title: input.title?.trim() || `预警 #${id}`,
          description: input.description ?? null,
          category: warning.category,
          subcategory: null,
          caseType: null,
          severity: input.severity ?? 'warning',
          gridId,
          location: warning.evidence.location ?? latest?.location ?? null,
          address: warning.evidence.address ?? latest?.address ?? null,
          deviceId: null,
          ruleId: null,
          eventType: null,
          snapshot: null,
          reporter: { id: user.id, role: user.role, name: user.displayName },
          trigger: { warningId: id, kind: warning.kind, evidence: warning.evidence },
          openedByDesk: true,
        });
        await linkWarningCase(ctx.db, id, outcome.caseId);
      } catch (error) {
        await releaseWarningClaim(ctx.db, id, ctx.now());
        throw error;
      }
      return (await getWarning(ctx.db, id))!;
    },

    start(): void {
      const loop = (delayMs: number) => {
        timer = setTimeout(() => {
          void runPass()
            .catch((error: unknown) => options.onError(error, 'early warning pass'))
            .finally(() => timer && loop(intervalMs));
        }, delayMs);
        timer.unref();
      };
      loop(0);
    },

    async stop(): Promise<void> {
      const current = timer;
      timer = undefined;
      clearTimeout(current);
      await running?.catch(() => undefined);
    },
  };
}

export type EarlyWarnings = ReturnType<typeof createEarlyWarnings>;
