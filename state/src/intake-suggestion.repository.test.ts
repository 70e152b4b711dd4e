import { afterEach, describe, expect, it } from 'vitest';
import { caseIn } from '../../core/src/case-test-fixture';
import { insertCase } from './case.repository';
import type { StateDb } from './database';
import { seedDemoDistrict } from './demo/seed-demo';
import {
  countClosedCases,
  listClosedCaseTexts,
  listIntakeChoices,
  recordIntakeChoice,
} from './intake-suggestion.repository';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

const NOW = Date.UTC(2026, 11, 4, 2);
const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('intake suggestions on %s', (dialect) => {
  const fresh = async () => {
    const db = await openTestStateDb(dialect);
    open.push(db);
    return db;
  };

  it('keeps what was suggested and what was chosen, listed from a time on', async () => {
    const db = await fresh();
    const suggested = ['fire_safety.hazard.blocked_exit', 'fire_safety.hazard.corridor_storage'];
    await recordIntakeChoice(db, {
      caseId: 'c-1',
      channel: 'hotline',
      userId: 'u-op1',
      suggested,
      chosen: 'fire_safety.hazard.corridor_storage',
      at: NOW,
    });
    await recordIntakeChoice(db, {
      caseId: 'c-2',
      channel: 'patrol',
      userId: 'u-w1',
      suggested: [],
      chosen: 'facility',
      at: NOW + 1_000,
    });
    expect(await listIntakeChoices(db)).toEqual([
      {
        caseId: 'c-1',
        channel: 'hotline',
        userId: 'u-op1',
        suggested,
        chosen: 'fire_safety.hazard.corridor_storage',
        at: NOW,
      },
      {
        caseId: 'c-2',
        channel: 'patrol',
        userId: 'u-w1',
        suggested: [],
        chosen: 'facility',
        at: NOW + 1_000,
      },
    ]);
    expect((await listIntakeChoices(db, NOW + 1)).map((c) => c.caseId)).toEqual(['c-2']);
  });

  it('trains only on cases closed after handling, labelled with their deepest taxonomy key', async () => {
    const db = await fresh();
    await seedDemoDistrict(db, { now: NOW, fixedPassword: 'demo-password-1' });
    const store = (
      id: string,
      extra: Parameters<typeof caseIn>[1],
      state: 'closed' | 'resolved' = 'closed',
    ) =>
      insertCase(
        db,
        caseIn(state, {
          id,
          openedAt: NOW,
          gridId: 'G01',
          deviceId: null,
          ruleId: null,
          assigneeId: null,
          dispatcherId: null,
          ...extra,
        }),
        { entries: [], nextCheckAt: null },
      );
    await store('a', {
      title: '楼道堆物',
      description: '纸箱堵住通道',
      category: 'fire_safety',
      subcategory: 'fire_safety.hazard',
      caseType: 'fire_safety.hazard.corridor_storage',
    });
    await store('b', {
      title: '井盖',
      description: null,
      category: 'facility',
      subcategory: 'facility.manhole',
    });
    await store('c', { title: '误报', category: 'gas_safety', closeReason: 'false_alarm' });
    await store('d', { title: '重复', category: 'gas_safety', closeReason: 'duplicate', duplicateOfId: 'a' });
    await store('e', { title: '未关闭', category: 'gas_safety' }, 'resolved');
    expect(await listClosedCaseTexts(db)).toEqual([
      { text: '楼道堆物 纸箱堵住通道', key: 'fire_safety.hazard.corridor_storage' },
      { text: '井盖 ', key: 'facility.manhole' },
    ]);
    expect(await countClosedCases(db)).toBe(2);
    // A bounded training set keeps the most recent, still oldest first.
    expect(await listClosedCaseTexts(db, 1)).toEqual([{ text: '井盖 ', key: 'facility.manhole' }]);
  });
});
