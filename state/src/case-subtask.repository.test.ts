import type { CaseSubtask } from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import { caseIn } from '../../core/src/case-test-fixture';
import { listDispatchRules, upsertDispatchRule } from './case-config.repository';
import { insertCase } from './case.repository';
import {
  coReportsRequired,
  findSubtask,
  hasSubtaskOn,
  insertSubtask,
  listAssignedSubtasks,
  listCaseSubtaskViews,
  listSubtasksDueForCheck,
  stopSubtaskClock,
  updateSubtask,
} from './case-subtask.repository';
import type { StateDb } from './database';
import { insertRegions } from './region.repository';
import { insertUser } from './user.repository';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

const NOW = Date.UTC(2026, 11, 4, 2);
const HOUR = 3_600_000;

const draft = (extra: Partial<CaseSubtask> = {}): Omit<CaseSubtask, 'id'> => ({
  caseId: 'c-1',
  assigneeId: 'h1',
  departmentId: 'dept-gas',
  state: 'created',
  required: true,
  task: '核查燃气管道',
  createdById: 'w1',
  createdAt: NOW,
  dueAt: NOW + 10 * HOUR,
  acceptedAt: null,
  reportedAt: null,
  reportNote: null,
  reportPhotos: [],
  cancelledAt: null,
  cancelReason: null,
  remindedAt: null,
  overdueAt: null,
  updatedAt: NOW,
  ...extra,
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('协办 sub-tasks on %s', (dialect) => {
  async function fresh(): Promise<StateDb> {
    const db = await openTestStateDb(dialect);
    open.push(db);
    await insertRegions(db, [
      { id: 'D', level: 'district', parentId: null, name: '区', boundary: null },
      { id: 'g-1', level: 'grid', parentId: 'D', name: '第一网格', boundary: null },
    ]);
    for (const [id, name] of [
      ['h1', '燃气公司 张工'],
      ['w1', '网格员 李'],
    ] as const)
      await insertUser(
        db,
        { id, username: id, displayName: name, role: 'handler', regionId: 'D', passwordHash: 'x' },
        NOW,
      );
    await insertCase(db, caseIn('accepted', { id: 'c-1', title: '燃气泄漏' }), {
      entries: [],
      nextCheckAt: null,
    });
    return db;
  }

  it('stores a sub-task and reads it back whole, with names and the case', async () => {
    const db = await fresh();
    const stored = await insertSubtask(db, draft({ reportPhotos: ['/api/photos/a.jpg'] }));
    expect(stored.id).toBeGreaterThan(0);
    expect(await findSubtask(db, stored.id)).toEqual({
      ...draft({ reportPhotos: ['/api/photos/a.jpg'] }),
      id: stored.id,
    });
    const [view] = await listCaseSubtaskViews(db, { id: 'c-1', title: '燃气泄漏', state: 'accepted' });
    expect(view).toMatchObject({
      assigneeName: '燃气公司 张工',
      createdByName: '网格员 李',
      caseTitle: '燃气泄漏',
    });
    expect(await hasSubtaskOn(db, 'c-1', 'h1')).toBe(true);
    expect(await hasSubtaskOn(db, 'c-1', 'w1')).toBe(false);
  });

  it('updates only the version it was computed from (the second of two writers gets a conflict)', async () => {
    const db = await fresh();
    const stored = await insertSubtask(db, draft());
    const accepted = { ...stored, state: 'accepted' as const, acceptedAt: NOW + HOUR, updatedAt: NOW + HOUR };
    await updateSubtask(db, accepted, stored);
    await expect(updateSubtask(db, { ...accepted, updatedAt: NOW + 2 * HOUR }, stored)).rejects.toMatchObject(
      {
        code: 'conflict',
      },
    );
    expect(await findSubtask(db, stored.id)).toMatchObject({ state: 'accepted', acceptedAt: NOW + HOUR });
  });

  it('finds the sub-tasks owed a clock look: the reminder first, then the deadline, then none', async () => {
    const db = await fresh();
    const stored = await insertSubtask(db, draft());
    // A 10-hour window: reminded 2 hours ahead.
    expect(await listSubtasksDueForCheck(db, NOW + 8 * HOUR - 1, 10)).toEqual([]);
    expect((await listSubtasksDueForCheck(db, NOW + 8 * HOUR, 10)).map((s) => s.id)).toEqual([stored.id]);
    const reminded = { ...stored, remindedAt: NOW + 8 * HOUR, updatedAt: NOW + 8 * HOUR };
    await updateSubtask(db, reminded, stored);
    expect(await listSubtasksDueForCheck(db, NOW + 9 * HOUR, 10)).toEqual([]);
    expect(await listSubtasksDueForCheck(db, NOW + 10 * HOUR, 10)).toHaveLength(1);
    await stopSubtaskClock(db, stored.id);
    expect(await listSubtasksDueForCheck(db, NOW + 100 * HOUR, 10)).toEqual([]);
  });

  it("lists a co-handler's open sub-tasks, soonest deadline first", async () => {
    const db = await fresh();
    await insertCase(db, caseIn('in_progress', { id: 'c-2', title: '占道经营' }), {
      entries: [],
      nextCheckAt: null,
    });
    const later = await insertSubtask(db, draft({ dueAt: NOW + 20 * HOUR }));
    const sooner = await insertSubtask(db, draft({ caseId: 'c-2', dueAt: NOW + 5 * HOUR }));
    await insertSubtask(db, draft({ state: 'reported', reportedAt: NOW }));
    await insertSubtask(db, draft({ assigneeId: 'w1' }));
    const mine = await listAssignedSubtasks(db, 'h1');
    expect(mine.map((s) => [s.id, s.caseTitle])).toEqual([
      [sooner.id, '占道经营'],
      [later.id, '燃气泄漏'],
    ]);
    expect(await listAssignedSubtasks(db, 'h1', { openOnly: false })).toHaveLength(3);
  });

  it("a dispatch rule requires its co-handlers' reports unless it says otherwise", async () => {
    const db = await fresh();
    const actor = { id: 'admin', name: 'Admin' };
    const rule = {
      id: 'gas',
      match: 'gas_safety',
      regionId: 'D',
      lead: { kind: 'grid_duty' as const },
      coHandlers: [],
      enabled: true,
      note: null,
    };
    await upsertDispatchRule(db, rule, actor, NOW);
    expect(await coReportsRequired(db, 'gas')).toBe(true);
    expect(await coReportsRequired(db, null)).toBe(true);
    expect((await listDispatchRules(db))[0]).toEqual(rule);
    await upsertDispatchRule(db, { ...rule, coReportsRequired: false }, actor, NOW);
    expect(await coReportsRequired(db, 'gas')).toBe(false);
    expect((await listDispatchRules(db))[0]).toEqual({ ...rule, coReportsRequired: false });
    // Saved again without saying, the rule keeps its setting.
    await upsertDispatchRule(db, rule, actor, NOW);
    expect(await coReportsRequired(db, 'gas')).toBe(false);
  });
});
