import {
  configuredWorkChannels,
  type Bus,
  type FusionGroup,
  type SuppressionRule,
  type WorkMessagingConfig,
} from '@gridsense/core';
import type { StateDb } from '@gridsense/state';
import { createCaseService, type CaseService } from './cases/service';
import { createCaseTicker } from './cases/ticker';
import { createEarlyWarnings, type EarlyWarnings } from './early-warning-service';
import { createInspectionTicker } from './place-inspection-ticker';
import { inspectionNotices } from './place-notices';
import { createDelivery, type DeliveryOptions } from './notify/delivery';
import { createReportScheduler } from './report-scheduler';
import type { PushTargetPolicy } from './notify/push-endpoint';

export interface AlertsOptions {
  db: StateDb;
  bus: Bus;
  now?: () => number;
  onError: (error: unknown, context: string) => void;
  /** How often the deadline ticker looks for owed reminders and escalations (default 15 s). */
  tickerIntervalMs?: number;
  /** How often the early-warning pass runs (default hourly, and once at start). */
  warningIntervalMs?: number;
  /** Names this process in the early-warning pass claims (default `alerts-<pid>`). */
  processId?: string;
  delivery?: Partial<DeliveryOptions>;
  groupIntervalMs?: number;
  returnLimit?: number;
  fusionGroups?: FusionGroup[];
  suppressionRules?: SuppressionRule[];
  /** Tests drive the ticker and delivery by hand. */
  startTimers?: boolean;
  /** Tests only (push receivers on loopback); no production entry point sets it. */
  pushTargets?: PushTargetPolicy;
  /** DingTalk 工作通知, WeCom 应用消息 and SMS to people by name, where configured. */
  workMessaging?: WorkMessagingConfig;
}

/** The alerts service: risks from the bus become cases; the ticker watches deadlines; notices go out. */
export async function createAlerts(options: AlertsOptions): Promise<{
  cases: CaseService;
  ticker: ReturnType<typeof createCaseTicker>;
  warnings: EarlyWarnings;
  inspections: ReturnType<typeof createInspectionTicker>;
  delivery: ReturnType<typeof createDelivery>;
  close(): Promise<void>;
}> {
  const now = options.now ?? Date.now;
  const delivery = createDelivery({
    db: options.db,
    bus: options.bus,
    now,
    options: options.delivery ?? {},
    onError: options.onError,
    ...(options.pushTargets ? { pushTargets: options.pushTargets } : {}),
    ...(options.workMessaging ? { workMessaging: options.workMessaging } : {}),
  });
  const cases = await createCaseService({
    db: options.db,
    bus: options.bus,
    now,
    wake: () => delivery.wake(),
    workChannels: configuredWorkChannels(options.workMessaging),
    ...(options.groupIntervalMs === undefined ? {} : { groupIntervalMs: options.groupIntervalMs }),
    ...(options.returnLimit === undefined ? {} : { returnLimit: options.returnLimit }),
    ...(options.fusionGroups ? { fusionGroups: options.fusionGroups } : {}),
    ...(options.suppressionRules ? { suppressionRules: options.suppressionRules } : {}),
  });
  const ticker = createCaseTicker(cases.context, {
    intervalMs: options.tickerIntervalMs ?? 15_000,
    onError: options.onError,
  });
  // 巡检 of 重点场所 are scheduled and escalated at the deadline ticker's pace.
  const inspections = createInspectionTicker(options.db, {
    now,
    intervalMs: options.tickerIntervalMs ?? 15_000,
    onError: options.onError,
    // Missed ones are told to the grid's workers, then to the community and street, like cases.
    notices: {
      noticeFor: inspectionNotices(cases.context),
      notifier: cases.context.notifier,
    },
  });
  const warnings = createEarlyWarnings(cases, {
    processId: options.processId ?? `alerts-${String(process.pid)}`,
    onError: options.onError,
    ...(options.warningIntervalMs === undefined ? {} : { intervalMs: options.warningIntervalMs }),
  });
  // 日点评 / 周提示 / 月通报: generated on schedule, once per period whichever process claims it.
  const reports = createReportScheduler({
    db: options.db,
    regions: () => cases.context.regions(),
    now,
    processId: options.processId ?? `alerts-${String(process.pid)}`,
    wake: () => delivery.wake(),
    onError: options.onError,
  });
  await options.bus.subscribe('risk.changed', (signal) =>
    cases
      .handleRisk(signal)
      .then(() => undefined)
      .catch((error: unknown) => options.onError(error, `case for risk ${signal.ruleId}/${signal.deviceId}`)),
  );
  // Routing by point-in-polygon needs the current boundaries (an admin changed one elsewhere).
  await options.bus.subscribe('regions.changed', () =>
    cases.reloadRegions().catch((error: unknown) => options.onError(error, 'reload regions')),
  );
  if (options.startTimers !== false) {
    ticker.start();
    inspections.start();
    delivery.start();
    warnings.start();
    reports.start();
  }
  return {
    cases,
    ticker,
    warnings,
    inspections,
    delivery,
    async close() {
      await ticker.stop();
      await inspections.stop();
      await warnings.stop();
      await reports.stop();
      await delivery.stop();
    },
  };
}
