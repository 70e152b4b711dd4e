import { DEFAULT_WORK_CALENDAR, type WorkCalendar } from '@gridsense/core';
import type { StateDb } from '../database';
import { setSetting } from '../settings.repository';
import { buildStandardSlas, buildStandardTaxonomy } from './standard-taxonomy';

/**
 * What every district needs before its first case, demo or not: the case taxonomy, deadlines per
 * category and severity, and the working calendar. Return reasons are a closed set in core.
 * Who handles what (departments, dispatch rules, rosters) names a district's own people, so an
 * administrator sets it up; the demo seeds its own.
 */

/**
 * The 2026 public holidays and the weekend days worked in exchange, as published by the State
 * Council (check against the official notice before relying on them; admins can edit the calendar).
 */
export const STANDARD_WORK_CALENDAR: WorkCalendar = {
  ...DEFAULT_WORK_CALENDAR,
  holidays: [
    '2026-01-01',
    '2026-01-02',
    '2026-01-03',
    '2026-02-15',
    '2026-02-16',
    '2026-02-17',
    '2026-02-18',
    '2026-02-19',
    '2026-02-20',
    '2026-02-21',
    '2026-02-22',
    '2026-02-23',
    '2026-04-04',
    '2026-04-05',
    '2026-04-06',
    '2026-05-01',
    '2026-05-02',
    '2026-05-03',
    '2026-05-04',
    '2026-05-05',
    '2026-06-19',
    '2026-06-20',
    '2026-06-21',
    '2026-09-25',
    '2026-09-26',
    '2026-09-27',
    '2026-10-01',
    '2026-10-02',
    '2026-10-03',
    '2026-10-04',
    '2026-10-05',
    '2026-10-06',
    '2026-10-07',
  ],
  makeupWorkdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
};

/** Inserts the standard case configuration (inside the caller's transaction). */
export async function seedStandardCaseConfig(tx: StateDb): Promise<{ categories: number; slas: number }> {
  const taxonomy = buildStandardTaxonomy();
  const slas = buildStandardSlas();
  await tx
    .insertInto('case_categories')
    .values(
      taxonomy.map((n, sort) => ({
        key: n.key,
        level: n.level,
        name: n.name,
        safety: n.safety ? 1 : 0,
        matches: JSON.stringify(n.matches),
        auto_register: n.autoRegister ? 1 : 0,
        sort,
      })),
    )
    .execute();
  await tx
    .insertInto('case_slas')
    .values(slas.map((e) => ({ category: e.category, severity: e.severity, sla: JSON.stringify(e.sla) })))
    .execute();
  await setSetting(tx, 'work_calendar', JSON.stringify(STANDARD_WORK_CALENDAR));
  return { categories: taxonomy.length, slas: slas.length };
}
