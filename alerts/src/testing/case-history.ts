import { insertCase, type StateDb } from '@gridsense/state';
import { caseIn } from '../../../core/src/case-test-fixture';

export interface PastCase {
  id: string;
  category: string;
  gridId: string;
  openedAt: number;
  location?: { lat: number; lng: number } | null;
  address?: string | null;
}

/**
 * Case history for the early-warning pass: closed cases stored straight into the state DB (no
 * routing, no deadlines), as months of earlier work would have left them.
 */
export async function seedCaseHistory(db: StateDb, cases: readonly PastCase[]): Promise<void> {
  for (const c of cases) {
    const record = caseIn('closed', {
      id: c.id,
      title: `历史案件 ${c.id}`,
      category: c.category,
      gridId: c.gridId,
      source: 'patrol',
      deviceId: null,
      ruleId: null,
      location: c.location ?? null,
      address: c.address ?? null,
      openedAt: c.openedAt,
      updatedAt: c.openedAt,
      lastSignalAt: c.openedAt,
      dispatchedAt: c.openedAt,
      firstDispatchedAt: c.openedAt,
      resolvedAt: c.openedAt + 3_600_000,
      closedAt: c.openedAt + 7_200_000,
      acceptDueAt: null,
      resolveDueAt: null,
      lastNotifiedAt: null,
      assigneeId: null,
      resolvedById: null,
    });
    await insertCase(db, record, { entries: [], nextCheckAt: null });
  }
}

const DAY_MS = 86_400_000;

/**
 * `perWeek` cases of `category` in `gridId` each week for `weeks` weeks before `now`, then
 * `lastWeek` in the week up to `now`, at even spacing (ids `<prefix>-<n>`).
 */
export function weeklyCases(options: {
  prefix: string;
  category: string;
  gridId: string;
  now: number;
  weeks: number;
  perWeek: number;
  lastWeek: number;
}): PastCase[] {
  const cases: PastCase[] = [];
  const add = (weekStart: number, count: number) => {
    for (let i = 0; i < count; i++)
      cases.push({
        id: `${options.prefix}-${cases.length + 1}`,
        category: options.category,
        gridId: options.gridId,
        openedAt: weekStart + Math.floor(((i + 0.5) * 7 * DAY_MS) / count),
      });
  };
  for (let w = options.weeks; w >= 1; w--) add(options.now - (w + 1) * 7 * DAY_MS, options.perWeek);
  add(options.now - 7 * DAY_MS, options.lastWeek);
  return cases;
}
