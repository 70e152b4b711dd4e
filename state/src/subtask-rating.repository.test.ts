import type { CaseSubtask, SubtaskRating } from '@gridsense/core';
import { afterEach, describe, expect, it } from 'vitest';
import { caseIn } from '../../core/src/case-test-fixture';
import { insertCase } from './case.repository';
import { insertSubtask, listCaseSubtaskViews } from './case-subtask.repository';
import type { StateDb } from './database';
import { insertRegions } from './region.repository';
import { findSubtaskRatings, listRatedSubtasks, saveSubtaskRating } from './subtask-rating.repository';
import { insertUser } from './user.repository';
import { openTestStateDb, stateDialects } from './testing/state-db-fixture';

const NOW = Date.UTC(2026, 11, 4, 2);
const HOUR = 3_600_000;

const reported = (extra: Partial<CaseSubtask> = {}): Omit<CaseSubtask, 'id'> => ({
  caseId: 'c-1',
  assigneeId: 'h1',
  departmentId: 'dept-cgj',
  state: 'reported',
  required: true,
  task: '清理占道货物',
  createdById: 'w1',
  createdAt: NOW - 5 * HOUR,
  dueAt: NOW + 10 * HOUR,
  acceptedAt: NOW - 4 * HOUR,
  reportedAt: NOW,
  reportNote: '已清理',
  reportPhotos: [],
  cancelledAt: null,
  cancelReason: null,
  remindedAt: null,
  overdueAt: null,
  updatedAt: NOW,
  ...extra,
});

const rating = (subtaskId: number, extra: Partial<SubtaskRating> = {}): SubtaskRating => ({
  subtaskId,
  side: 'lead',
  grade: 'good',
  comment: '反馈及时',
  raterId: 'w1',
  raterName: '网格员 李',
  ratedAt: NOW + HOUR,
  updatedAt: NOW + HOUR,
  ...extra,
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('协办 ratings on %s', (dialect) => {
  async function fresh(): Promise<StateDb> {
    const db = await openTestStateDb(dialect);
    open.push(db);
    await insertRegions(db, [
      { id: 'D', level: 'district', parentId: null, name: '区', boundary: null },
      { id: 'g-1', level: 'grid', parentId: 'D', name: '第一网格', boundary: null },
      { id: 'g-2', level: 'grid', parentId: 'D', name: '第二网格', boundary: null },
    ]);
    for (const [id, name] of [
      ['h1', '城管 周明'],
      ['w1', '网格员 李'],
    ] as const)
      await insertUser(
        db,
        { id, username: id, displayName: name, role: 'handler', regionId: 'D', passwordHash: 'x' },
        NOW,
      );
    await insertCase(db, caseIn('accepted', { id: 'c-1', title: '占道经营', gridId: 'g-1' }), {
      entries: [],
      nextCheckAt: null,
    });
    await insertCase(db, caseIn('accepted', { id: 'c-2', title: '井盖缺失', gridId: 'g-2' }), {
      entries: [],
      nextCheckAt: null,
    });
    return db;
  }

  it('stores both sides of a sub-task and shows them with its view', async () => {
    const db = await fresh();
    const { id } = await insertSubtask(db, reported());
    const byLead = rating(id);
    const byCoHandler = rating(id, {
      side: 'cohandler',
      grade: 'fair',
      comment: null,
      raterId: 'h1',
      raterName: '城管 周明',
    });
    await saveSubtaskRating(db, byLead, null);
    await saveSubtaskRating(db, byCoHandler, null);
    expect((await findSubtaskRatings(db, [id])).get(id)).toEqual({ lead: byLead, cohandler: byCoHandler });
    const [view] = await listCaseSubtaskViews(db, { id: 'c-1', title: '占道经营', state: 'accepted' });
    expect(view!.ratings).toEqual({ lead: byLead, cohandler: byCoHandler });
  });

  it('a second first rating of the same side is a conflict; a change goes over the version it saw', async () => {
    const db = await fresh();
    const { id } = await insertSubtask(db, reported());
    const first = rating(id);
    await saveSubtaskRating(db, first, null);
    await expect(
      saveSubtaskRating(db, rating(id, { raterId: 'op1', raterName: '值班长' }), null),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    const changed = { ...first, grade: 'poor' as const, comment: '反馈不全', updatedAt: NOW + 2 * HOUR };
    await saveSubtaskRating(db, changed, first);
    // Computed from the first version again: someone changed it meanwhile.
    await expect(
      saveSubtaskRating(db, { ...changed, updatedAt: NOW + 3 * HOUR }, first),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await findSubtaskRatings(db, [id])).get(id)).toEqual({ lead: changed, cohandler: null });
  });

  it('lists the sub-tasks reported in a period, by grid or by department, newest first', async () => {
    const db = await fresh();
    const older = await insertSubtask(db, reported({ reportedAt: NOW - 2 * HOUR }));
    const newer = await insertSubtask(db, reported({ caseId: 'c-2' }));
    await insertSubtask(db, reported({ departmentId: 'dept-fire', reportedAt: NOW - HOUR }));
    await insertSubtask(db, reported({ state: 'accepted', reportedAt: null }));
    await insertSubtask(db, reported({ reportedAt: NOW - 30 * HOUR }));
    await saveSubtaskRating(db, rating(newer.id), null);
    const period = { from: NOW - 24 * HOUR, to: NOW + 1 };

    const ofDepartment = await listRatedSubtasks(db, { ...period, departmentIds: ['dept-cgj'] });
    expect(ofDepartment.map((r) => r.subtaskId)).toEqual([newer.id, older.id]);
    expect(ofDepartment[0]).toMatchObject({
      caseId: 'c-2',
      caseTitle: '井盖缺失',
      gridId: 'g-2',
      assigneeName: '城管 周明',
      createdByName: '网格员 李',
      ratings: { lead: rating(newer.id), cohandler: null },
    });
    expect(ofDepartment[1]!.ratings).toEqual({ lead: null, cohandler: null });

    const ofGrid = await listRatedSubtasks(db, { ...period, gridIds: ['g-1'] });
    expect(ofGrid.map((r) => r.departmentId)).toEqual(['dept-fire', 'dept-cgj']);
    expect(await listRatedSubtasks(db, { ...period, gridIds: [] })).toEqual([]);
    // The end of a period is outside it.
    expect(
      await listRatedSubtasks(db, { from: NOW - 24 * HOUR, to: NOW, departmentIds: ['dept-cgj'] }),
    ).toHaveLength(1);
  });
});
