import type { CaseRecord } from '@gridsense/core';
import { insertCase, type NewTimelineEntry, type StateDb } from '@gridsense/state';
import { caseIn } from '../../../core/src/case-test-fixture';

const MINUTE = 60_000;

/** Local time in UTC+8 as epoch ms (month 1–12). */
export const beijing = (month: number, day: number, hour = 0, minute = 0) =>
  Date.UTC(2026, month - 1, day, hour - 8, minute);

/** Monday 2026-03-09, the day the history happens on (a working day). */
export const HISTORY_DAY = beijing(3, 9);

type Step = [minutes: number, action: string, actorId: string, data?: Record<string, unknown>];

/** One stored case of that Monday, opened at 09:00 plus `openMinute`, with its timeline. */
async function storeCase(
  db: StateDb,
  id: string,
  extra: Partial<CaseRecord>,
  steps: readonly Step[],
): Promise<void> {
  const openedAt = beijing(3, 9, 9);
  const at = (minutes: number) => openedAt + minutes * MINUTE;
  const record = caseIn('closed', {
    id,
    title: `考核案件 ${id}`,
    category: 'fire_safety',
    severity: 'warning',
    source: 'hotline',
    deviceId: null,
    ruleId: null,
    openedAt,
    updatedAt: openedAt,
    lastSignalAt: openedAt,
    dispatchedAt: openedAt,
    firstDispatchedAt: openedAt,
    acceptDueAt: null,
    resolveDueAt: null,
    lastNotifiedAt: null,
    ...extra,
  });
  const entries: NewTimelineEntry[] = steps.map(([minutes, action, actorId, data]) => ({
    at: at(minutes),
    actorId,
    actorName: actorId,
    action,
    fromState: null,
    toState: 'dispatched',
    note: null,
    data: data ?? null,
  }));
  await insertCase(db, record, { entries, nextCheckAt: null });
}

/**
 * That Monday in 望江街道 (S1) and 湖滨街道 (S2):
 * - a1 (G01): worker01 returns it in 10 min; worker02 takes it, resolves at 11:00; 回访 solved, 5.
 * - a2 (G02): worker03 accepts, still open, its deadline 10:00 long past (the slowest), 督办.
 * - a3 (G01): closed as a false alarm: out of every figure.
 * - a4 (G07, S2): worker13 resolves it at 10:00.
 */
export async function seedAssessmentHistory(db: StateDb): Promise<void> {
  const dispatch = (assigneeId: string) => ({ assigneeId, departmentId: null });
  await storeCase(
    db,
    'a1',
    {
      gridId: 'G01',
      assigneeId: 'u-worker02',
      resolvedAt: beijing(3, 9, 11),
      resolvedOnTime: true,
      acceptedAt: beijing(3, 9, 9, 40),
      satisfaction: 5,
      returnCount: 1,
    },
    [
      [0, 'dispatch', 'u-op1', dispatch('u-worker01')],
      [10, 'return', 'u-worker01', { reason: 'not_my_grid' }],
      [30, 'dispatch', 'u-op1', dispatch('u-worker02')],
      [40, 'accept', 'u-worker02'],
      [120, 'resolve', 'u-worker02'],
      [180, 'close', 'u-op1'],
      [300, 'feedback', 'u-op1', { satisfaction: 5, solved: true }],
    ],
  );
  await storeCase(
    db,
    'a2',
    {
      gridId: 'G02',
      state: 'accepted',
      assigneeId: 'u-worker03',
      acceptedAt: beijing(3, 9, 9, 5),
      resolveDueAt: beijing(3, 9, 10),
      resolvedById: null,
      closedAt: null,
      supervisedAt: beijing(3, 9, 12),
      supervisedById: 'u-street1',
      supervisionReason: '群众反映强烈',
    },
    [
      [0, 'dispatch', 'u-op1', dispatch('u-worker03')],
      [5, 'accept', 'u-worker03'],
      [180, 'supervise', 'u-street1'],
    ],
  );
  await storeCase(
    db,
    'a3',
    { gridId: 'G01', closeReason: 'false_alarm', closedAt: beijing(3, 9, 9, 20), resolvedById: null },
    [
      [0, 'dispatch', 'u-op1', dispatch('u-worker01')],
      [20, 'void', 'u-op1', { reason: 'false_alarm' }],
    ],
  );
  await storeCase(
    db,
    'a4',
    {
      gridId: 'G07',
      assigneeId: 'u-worker13',
      acceptedAt: beijing(3, 9, 9, 10),
      resolvedAt: beijing(3, 9, 10),
      resolvedOnTime: true,
    },
    [
      [0, 'dispatch', 'u-op1', dispatch('u-worker13')],
      [10, 'accept', 'u-worker13'],
      [60, 'resolve', 'u-worker13'],
    ],
  );
}
