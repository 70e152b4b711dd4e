import { clockTiming, nextClockCheckAt, pickSla, type CaseRecord } from '@gridsense/core';
import { appendAudit } from '../audit.repository';
import { getWorkCalendar, listCategories, listSlas } from '../case-config.repository';
import { toCaseRow } from '../case-rows';
import type { StateDb } from '../database';
import { HistoryCases, type HistoryPolicy } from './demo-history-cases';
import { historyCast } from './demo-history-cast';
import type { HistoryEntry } from './demo-history-walk';
import { buildDemoDistrict } from './demo-district';
import { seedInspectionHistory } from './demo-history-inspections';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const DEMO_HISTORY_DAYS = 90;
export const DEMO_HISTORY_SEED = 20261204;

export interface DemoHistory {
  cases: { record: CaseRecord; entries: HistoryEntry[] }[];
}

/** When in the local (UTC+8) day cases come in: few at night, most in the working day. */
const HOUR_WEIGHTS = [1, 1, 1, 1, 1, 2, 3, 5, 8, 9, 9, 8, 6, 7, 8, 8, 8, 7, 6, 5, 4, 3, 2, 1];
const HOUR_TOTAL = HOUR_WEIGHTS.reduce((a, b) => a + b, 0);

function localHour(random: () => number): number {
  let left = random() * HOUR_TOTAL;
  for (let h = 0; h < 24; h++) {
    left -= HOUR_WEIGHTS[h]!;
    if (left < 0) return h;
  }
  return 23;
}

/**
 * ~90 days of the demo district's cases, each walked through core's transition table: every
 * channel, accept/arrive/resolve/verify/close and 回访, some late, returned, rejected, supervised,
 * reopened or voided, and two stories the early warnings pick up (a surge of 市容 cases in 东坡社区
 * this week, and gas alarms at one building of 江城社区第2网格). Same seed, same history.
 */
export function generateDemoHistory(
  policy: HistoryPolicy,
  options: { now: number; days?: number; seed?: number },
): DemoHistory {
  const { now } = options;
  const days = options.days ?? DEMO_HISTORY_DAYS;
  const seed = options.seed ?? DEMO_HISTORY_SEED;
  const cases = new HistoryCases(historyCast(buildDemoDistrict()), policy, now, seed);
  const random = cases.dice.random;
  const openings: ReturnType<HistoryCases['plan']>[] = [];
  // Local midnight (UTC+8) `days` ago, so each generated day is a whole local day.
  const firstDay = Math.floor((now + 8 * HOUR) / DAY) * DAY - 8 * HOUR - days * DAY;
  for (let d = 0; d <= days; d++) {
    const dayStart = firstDay + d * DAY;
    const weekday = new Date(dayStart + 8 * HOUR).getUTCDay();
    // Busier on working days, and busier this month than before (the month-on-month comparison).
    const base = (weekday === 0 || weekday === 6 ? 8 : 12) * (d > days - 30 ? 1.2 : 1);
    const count = Math.round(base * (0.7 + 0.6 * random()));
    for (let n = 0; n < count; n++) {
      const at = dayStart + localHour(random) * HOUR + Math.floor(random() * HOUR);
      if (at < now - 10 * 60_000) openings.push(cases.plan(at));
    }
  }
  for (let k = 0; k < 9; k++)
    openings.push(
      cases.planStory(now - (6 - k * 0.6) * DAY, 'G07', 'city_appearance.garbage.overflow', 10 + k),
    );
  for (let k = 0; k < 3; k++)
    openings.push(cases.planStory(now - (20 - k * 6) * DAY, 'G02', 'gas_safety.leak.smell', 7));
  openings.sort((a, b) => a.at - b.at);
  return { cases: openings.map((o) => cases.walk(o)).map((w) => ({ record: w.record, entries: w.entries })) };
}

/** Rows per insert: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 400;

async function insertChunked<T>(rows: T[], insert: (chunk: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

/**
 * Writes the generated history inside the caller's transaction (the demo seed's), straight into
 * the case tables: cases, timelines and sources, one audit entry saying what was generated. The
 * open cases get their next clock check, so the deadline ticker takes them up like any other.
 */
export async function seedDemoHistory(
  tx: StateDb,
  options: { now: number; days?: number; seed?: number },
): Promise<{ cases: number; events: number; open: number; inspections: number }> {
  const [categories, slas, calendar] = await Promise.all([
    listCategories(tx),
    listSlas(tx),
    getWorkCalendar(tx),
  ]);
  const history = generateDemoHistory({ categories, slas, calendar, returnLimit: 2 }, options);
  const caseRows = history.cases.map(({ record }) => {
    const timing = clockTiming(pickSla(slas, record.category, record.severity), record.supervisedAt !== null);
    const nextCheckAt = record.state === 'closed' ? null : nextClockCheckAt(record, timing, options.now);
    return toCaseRow(record, nextCheckAt);
  });
  await insertChunked(caseRows, (chunk) => tx.insertInto('cases').values(chunk).execute());
  const events = history.cases.flatMap(({ record, entries }) =>
    entries.map((e) => ({
      case_id: record.id,
      at: e.at,
      actor_id: e.actorId,
      actor_name: e.actorName,
      action: e.action,
      from_state: e.fromState,
      to_state: e.toState,
      note: e.note,
      data: e.data ? JSON.stringify(e.data) : null,
    })),
  );
  await insertChunked(events, (chunk) => tx.insertInto('case_events').values(chunk).execute());
  const sources = history.cases.map(({ record }) => ({
    case_id: record.id,
    kind: record.source,
    device_id: record.deviceId,
    rule_id: record.ruleId,
    category: record.category,
    event_type: null,
    snapshot: null,
    active: 0,
    suppressed: 0,
    count: 1,
    first_at: record.openedAt,
    last_at: record.openedAt,
  }));
  await insertChunked(sources, (chunk) => tx.insertInto('case_sources').values(chunk).execute());
  const open = history.cases.filter(({ record }) => record.state !== 'closed').length;
  // The places' 巡检 over the same days, from a seed of their own (the cases' draws stay as they were).
  const inspections = await seedInspectionHistory(tx, {
    now: options.now,
    days: options.days ?? DEMO_HISTORY_DAYS,
    seed: (options.seed ?? DEMO_HISTORY_SEED) + 1,
  });
  const summary = {
    cases: history.cases.length,
    events: events.length,
    open,
    inspections: inspections.inspections,
  };
  await appendAudit(tx, [
    {
      at: options.now,
      actorId: 'system',
      actorName: '系统 GridSense',
      action: 'admin.demo_history_seeded',
      entityType: 'config',
      entityId: 'demo',
      data: { ...summary, days: options.days ?? DEMO_HISTORY_DAYS, seed: options.seed ?? DEMO_HISTORY_SEED },
    },
  ]);
  return summary;
}
