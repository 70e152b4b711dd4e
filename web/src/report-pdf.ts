import {
  ACCOUNTABLE_UNITS,
  DEFAULT_LOCALE,
  renderNoticeText,
  type AccountableUnit,
  type Rate,
  type ReportView,
} from '@gridsense/core';
import PDFDocument from 'pdfkit';
import type { PdfFont } from './pdf-font';

/**
 * An archived report as a PDF, with what the console's printable page shows: totals and rates,
 * the slowest units per level, the 督办 cases, the warnings and the rankings. In Chinese, the
 * language reports are filed in; names as the report view gives them.
 */

const LEVEL_NAMES: Record<AccountableUnit, string> = {
  grid: '网格',
  worker: '人员',
  department: '部门',
  community: '社区',
  street: '街道',
};

const CLOSE_REASON_NAMES: Record<string, string> = {
  void: '作废',
  false_alarm: '误报',
  duplicate: '重复件',
  declined: '不予立案',
  returned_upstream: '非属地',
};

const percent = (rate: Rate) => (rate.value === null ? '—' : `${(rate.value * 100).toFixed(1)}%`);
const hours = (ms: number | null) => (ms === null ? '—' : `${(ms / 3_600_000).toFixed(1)} 小时`);

/** `2026-03-10 08:00` in the work calendar's local time (reports are read where they were made). */
function localTime(at: number, utcOffsetMinutes: number): string {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The ranking table's columns: heading, width in points, and the cell of one unit. */
const RANKING_COLUMNS: readonly {
  heading: string;
  width: number;
  cell: (u: ReportView['content']['units']['grid'][number], name: string) => string;
}[] = [
  { heading: '名次', width: 32, cell: (u) => String(u.rank) },
  { heading: '单位', width: 110, cell: (_, name) => name },
  { heading: '得分', width: 40, cell: (u) => u.score.toFixed(1) },
  { heading: '计入件数', width: 44, cell: (u) => String(u.counted) },
  { heading: '响应率', width: 52, cell: (u) => percent(u.responseRate) },
  { heading: '按时办结率', width: 62, cell: (u) => percent(u.onTimeResolutionRate) },
  { heading: '解决率', width: 52, cell: (u) => percent(u.solvedRate) },
  { heading: '满意率', width: 52, cell: (u) => percent(u.satisfactionRate) },
  { heading: '超时', width: 34, cell: (u) => String(u.overdue) },
];

export function renderReportPdf(
  report: ReportView,
  font: PdfFont,
  utcOffsetMinutes: number,
): Promise<Buffer> {
  const { content } = report;
  const name = (key: string) => report.names[key] ?? key;
  const title = renderNoticeText(
    {
      key: 'report.published',
      params: { region: name(report.regionId), kind: report.kind, periodKey: report.periodKey },
    },
    DEFAULT_LOCALE,
  );
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: title } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  if (font.name === undefined) doc.registerFont('cjk', font.path);
  else doc.registerFont('cjk', font.path, font.name);
  doc.font('cjk');

  const left = doc.page.margins.left;
  const bottom = () => doc.page.height - doc.page.margins.bottom;
  const heading = (text: string) =>
    doc.moveDown(0.8).fontSize(13).text(text, left).moveDown(0.3).fontSize(10);
  const lines = (items: string[], none: string) => {
    if (items.length === 0) doc.fillColor('#666').text(none).fillColor('black');
    for (const item of items) doc.text(`· ${item}`);
  };

  doc.fontSize(18).text(title);
  doc
    .fontSize(9)
    .fillColor('#666')
    .text(
      `统计时段 ${localTime(report.from, utcOffsetMinutes)} 至 ${localTime(report.to, utcOffsetMinutes)}` +
        ` · 生成于 ${localTime(report.generatedAt, utcOffsetMinutes)}`,
    )
    .fillColor('black');

  heading('总体情况');
  const { totals, rates } = content;
  doc.text(renderNoticeText({ key: 'report.totals', params: totals }, DEFAULT_LOCALE));
  doc.text(
    `响应率 ${percent(rates.responseRate)}，按时办结率 ${percent(rates.onTimeResolutionRate)}，` +
      `解决率 ${percent(rates.solvedRate)}，满意率 ${percent(rates.satisfactionRate)}`,
  );
  doc.text(`平均响应时长 ${hours(rates.mttaMs)}，平均办结时长 ${hours(rates.mttrMs)}`);
  const excluded = Object.entries(totals.excluded).filter(([, n]) => n > 0);
  doc.text(
    excluded.length === 0
      ? '无不计入的工单'
      : `不计入：${excluded.map(([reason, n]) => `${CLOSE_REASON_NAMES[reason] ?? reason} ${n}`).join('、')}`,
  );

  heading('最慢单位');
  lines(
    ACCOUNTABLE_UNITS.filter((level) => content.slowest[level].length > 0).map(
      (level) =>
        `${LEVEL_NAMES[level]}：${content.slowest[level]
          .map((u) => `${name(u.key)}（超时 ${hours(u.delayMs)}，${u.overdue} 件）`)
          .join('、')}`,
    ),
    '没有超时的单位',
  );

  heading('督办工单');
  lines(
    content.supervisedCases.map(
      (c) =>
        `${c.id} ${c.title}（${name(c.gridId)}，${localTime(c.supervisedAt, utcOffsetMinutes)}）` +
        (c.reason ? `：${c.reason}` : ''),
    ),
    '本期没有督办工单',
  );

  heading('本期预警');
  lines(
    content.warnings.map((w) => `${name(w.regionId)} · ${localTime(w.detectedAt, utcOffsetMinutes)}`),
    '本期没有预警',
  );

  heading('各层级排名');
  for (const level of ACCOUNTABLE_UNITS) {
    const rows = content.units[level];
    if (rows.length === 0) continue;
    if (doc.y + 40 > bottom()) doc.addPage();
    doc.moveDown(0.4).fontSize(11).text(LEVEL_NAMES[level], left).fontSize(8.5).moveDown(0.2);
    const row = (cells: string[]) => {
      if (doc.y + 14 > bottom()) doc.addPage();
      const y = doc.y;
      let x = left;
      RANKING_COLUMNS.forEach((column, i) => {
        doc.text(cells[i] ?? '', x, y, { width: column.width - 4, lineBreak: false, ellipsis: true });
        x += column.width;
      });
      doc.x = left;
      doc.y = y + 13;
    };
    row(RANKING_COLUMNS.map((c) => c.heading));
    for (const unit of rows) row(RANKING_COLUMNS.map((c) => c.cell(unit, name(unit.key))));
  }

  doc.end();
  return done;
}
