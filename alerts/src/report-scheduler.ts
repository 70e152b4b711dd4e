import {
  buildReport,
  DEFAULT_LOCALE,
  isReportedPeriod,
  lastWholePeriod,
  renderNoticeText,
  REPORT_KINDS,
  regionLineage,
  type Region,
  type ReportContent,
  type ReportKind,
  type ReportWarning,
} from '@gridsense/core';
import {
  claimReport,
  getWorkCalendar,
  listWarnings,
  saveReportContent,
  type StateDb,
} from '@gridsense/state';
import { assessRegion, schemeInForce, unitNames } from './assessment-service';
import { queueReportNotices } from './report-notices';

const MINUTE_MS = 60_000;
/** A claim with no report after this long belongs to a process that died: another takes it over. */
const STALE_CLAIM_MS = 10 * MINUTE_MS;

const LEVEL_NAMES = { street: '街道', community: '社区', department: '部门', worker: '人员' } as const;

const pct = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);

/** The lines a channel reads: totals, 三率, the slowest streets and workers, 督办 cases. */
export function reportLines(report: ReportContent, names: Readonly<Record<string, string>>): string[] {
  const { totals, rates } = report;
  const name = (key: string) => names[key] ?? key;
  const slowest = (level: 'street' | 'community' | 'worker' | 'department') =>
    report.slowest[level]
      .map((u) => `${name(u.key)}（超时 ${(u.delayMs / 3_600_000).toFixed(1)} 小时）`)
      .join('、');
  const { opened, resolved, overdue, supervised } = totals;
  const lines = [
    renderNoticeText(
      { key: 'report.totals', params: { opened, resolved, overdue, supervised } },
      DEFAULT_LOCALE,
    ),
    `响应率 ${pct(rates.responseRate.value)}，按时办结率 ${pct(rates.onTimeResolutionRate.value)}，解决率 ${pct(rates.solvedRate.value)}，满意率 ${pct(rates.satisfactionRate.value)}`,
  ];
  for (const level of ['street', 'community', 'department', 'worker'] as const)
    if (report.slowest[level].length > 0) lines.push(`最慢${LEVEL_NAMES[level]}：${slowest(level)}`);
  if (report.warnings.length > 0) lines.push(`预警 ${report.warnings.length} 条`);
  return lines;
}

/**
 * Generates one report of a region for its period and stores it, if this process wins the claim;
 * then queues it to the region's channels. Returns the report's id, or undefined when another
 * process has it (or had it).
 */
async function generateReport(
  db: StateDb,
  regions: readonly Region[],
  region: Region,
  kind: ReportKind,
  now: number,
  options: { processId: string },
): Promise<number | undefined> {
  const calendar = await getWorkCalendar(db);
  const period = lastWholePeriod(kind, now, calendar);
  if (!isReportedPeriod(period, calendar)) return undefined;
  if (
    !(await claimReport(db, period, region.id, { by: options.processId, at: now, staleMs: STALE_CLAIM_MS }))
  )
    return undefined;
  const { cases, region: figures, units } = await assessRegion(db, regions, region.id, period, now);
  const inRegion = new Set(
    regions.filter((r) => regionLineage(regions, r.id).some((l) => l.id === region.id)).map((r) => r.id),
  );
  const warnings: ReportWarning[] = (
    await listWarnings(db, { regionIds: [...inRegion], detectedFrom: period.from, detectedTo: period.to })
  ).map((w) => ({
    id: w.id,
    kind: w.kind,
    category: w.category,
    regionId: w.regionId,
    detectedAt: w.detectedAt,
  }));
  const report = buildReport({
    period,
    regionId: region.id,
    regionFigures: figures,
    units,
    cases,
    warnings,
    scheme: await schemeInForce(db),
    generatedAt: now,
  });
  const id = await saveReportContent(db, report, options.processId);
  if (id === undefined) return undefined;
  const names = await unitNames(db, regions, units);
  await queueReportNotices(db, { id, region, content: report, lines: reportLines(report, names) }, now);
  return id;
}

/**
 * One report pass at `now`: for the district and each street, the 日点评 of yesterday (when it was
 * a working day), the 周提示 of last week and the 月通报 of last month, each generated once
 * whichever process and however often the pass runs. Returns the ids of the reports it made.
 */
export async function runReportPass(
  db: StateDb,
  regions: readonly Region[],
  now: number,
  options: { processId: string },
): Promise<number[]> {
  const made: number[] = [];
  const reported = regions.filter((r) => r.level === 'district' || r.level === 'street');
  for (const kind of REPORT_KINDS)
    for (const region of reported) {
      const id = await generateReport(db, regions, region, kind, now, options);
      if (id !== undefined) made.push(id);
    }
  return made;
}

/**
 * The scheduler in the alerts process: a report pass at start and every `intervalMs` (15 minutes
 * by default, so a report is out early in the morning after its period), one pass at a time.
 */
export function createReportScheduler(deps: {
  db: StateDb;
  regions: () => Region[];
  now: () => number;
  processId: string;
  intervalMs?: number;
  /** Kicks the delivery worker after a pass queued notices. */
  wake: () => void;
  onError: (error: unknown, context: string) => void;
}) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const pass = () => {
    const run = running
      .catch(() => undefined)
      .then(async () => {
        const made = await runReportPass(deps.db, deps.regions(), deps.now(), { processId: deps.processId });
        if (made.length > 0) deps.wake();
        return made;
      });
    running = run;
    return run;
  };
  return {
    pass,
    start() {
      const tick = () => void pass().catch((error: unknown) => deps.onError(error, 'report pass'));
      tick();
      timer = setInterval(tick, deps.intervalMs ?? 15 * MINUTE_MS);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      await running.catch(() => undefined);
    },
  };
}
