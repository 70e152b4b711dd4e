import {
  apiText,
  AppError,
  authorize,
  can,
  REPORT_KINDS,
  reportCsv,
  resourceIn,
  type Region,
  type ReportDeliveries,
  type ReportKind,
  type ReportSummary,
  type ReportView,
  type User,
} from '@gridsense/core';
import {
  findUserNames,
  getReport,
  listDepartments,
  listReportDeliveries,
  listReports,
  type StateDb,
} from '@gridsense/state';

const LIST_LIMIT = 200;

/**
 * The archived 日点评 / 周提示 / 月通报 a person may read: those of their region and the regions
 * under it (a street supervisor their street's, the command centre all). A report outside that
 * is not_found, never forbidden, so its existence does not show.
 */
export function createReports(deps: { db: StateDb; regions: () => Region[] }) {
  const visible = (user: User, regionId: string) =>
    can(user, 'report.read', resourceIn(deps.regions(), regionId));

  async function names(view: Pick<ReportView, 'content'>): Promise<Record<string, string>> {
    const units = view.content.units;
    const names: Record<string, string> = {};
    for (const r of deps.regions()) names[r.id] = r.name;
    const [people, departments] = await Promise.all([
      findUserNames(
        deps.db,
        units.worker.map((u) => u.key),
      ),
      listDepartments(deps.db),
    ]);
    for (const [id, name] of people) names[id] = name;
    for (const d of departments) if (units.department.some((u) => u.key === d.id)) names[d.id] = d.name;
    return names;
  }

  /** Where the report went; the failure itself only for those who may read the delivery log. */
  async function deliveries(user: User, report: ReportSummary): Promise<ReportDeliveries> {
    const stored = await listReportDeliveries(deps.db, report.id);
    const errors = can(user, 'deliveries.read', resourceIn(deps.regions(), report.regionId));
    return {
      channels: stored.channels.map((c) => (errors ? c : { ...c, lastError: null, lastErrorText: null })),
      inApp: stored.inApp,
    };
  }

  async function read(user: User, id: number): Promise<ReportView> {
    authorize(user, 'report.read');
    const report = await getReport(deps.db, id);
    if (!report || !visible(user, report.regionId))
      throw new AppError('not_found', apiText('notFound.report', { id }));
    return { ...report, names: await names(report), deliveries: await deliveries(user, report) };
  }

  return {
    async list(user: User, kind?: ReportKind): Promise<ReportSummary[]> {
      authorize(user, 'report.read');
      if (kind !== undefined && !REPORT_KINDS.includes(kind))
        throw new AppError(
          'validation_failed',
          apiText('field.oneOf', { field: 'kind', values: REPORT_KINDS.join(', ') }),
        );
      const regionIds = deps
        .regions()
        .filter((r) => visible(user, r.id))
        .map((r) => r.id);
      return listReports(deps.db, { regionIds, limit: LIST_LIMIT, ...(kind ? { kind } : {}) });
    },

    read,

    /** The report's rankings as CSV, with the file name it is saved under. */
    async csv(user: User, id: number): Promise<{ fileName: string; body: string }> {
      const report = await read(user, id);
      return {
        fileName: `report-${report.kind}-${report.periodKey}-${report.regionId}.csv`,
        body: reportCsv(report.content, report.names),
      };
    },
  };
}

export type Reports = ReturnType<typeof createReports>;
