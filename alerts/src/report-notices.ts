import { DEFAULT_LOCALE, renderNoticeText, rolesFor, type Region, type ReportContent } from '@gridsense/core';
import {
  findPersonLocales,
  listChannels,
  listUsersInRegion,
  queueReportInAppNotice,
  queueReportNotice,
  type StateDb,
} from '@gridsense/state';

/** A report that was just stored, with the summary lines its channels read. */
export interface PublishedReport {
  id: number;
  region: Region;
  content: ReportContent;
  lines: string[];
}

/**
 * The people told in the app: those who may read the report and whose own region is its region
 * (a street's desk and supervisors of their street's, the command centre of the district's).
 * The district's people may open every street's report too, but hearing of each one every
 * morning would bury the district's own.
 */
async function reportReaders(db: StateDb, region: Region): Promise<string[]> {
  // The roles come from the permission table; a region is always in its own people's scope.
  return (await listUsersInRegion(db, region.id, rolesFor('report.read'))).map((p) => p.userId);
}

/**
 * Queues a published report's notices: its summary to the enabled channels of exactly its region
 * that take reports (no kind filter, or `report` among their kinds), and an in-app notice linking
 * to it for each of its readers, in their language.
 */
export async function queueReportNotices(db: StateDb, report: PublishedReport, now: number): Promise<void> {
  const { region, content } = report;
  const published = {
    key: 'report.published',
    params: { region: region.name, kind: content.period.kind, periodKey: content.period.key },
  } as const;
  for (const channel of await listChannels(db))
    if (
      channel.enabled &&
      channel.regionId === region.id &&
      (channel.kinds.length === 0 || channel.kinds.includes('report'))
    )
      await queueReportNotice(
        db,
        {
          channelId: channel.id,
          reportId: report.id,
          title: renderNoticeText(published, DEFAULT_LOCALE),
          lines: report.lines,
          caseIds: content.supervisedCases.map((c) => c.id),
        },
        now,
      );
  const readers = await reportReaders(db, region);
  const locales = await findPersonLocales(db, readers);
  const { opened, resolved, overdue, supervised } = content.totals;
  for (const userId of readers) {
    const locale = locales.get(userId);
    await queueReportInAppNotice(
      db,
      {
        userId,
        reportId: report.id,
        title: renderNoticeText(published, locale),
        line: renderNoticeText(
          { key: 'report.totals', params: { opened, resolved, overdue, supervised } },
          locale,
        ),
      },
      now,
    );
  }
}
