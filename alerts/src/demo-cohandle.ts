import { inEnglish, parsePatrolReport, type User } from '@gridsense/core';
import { findUserById, findUserByUsername, type StateDb } from '@gridsense/state';
import { actOnCase } from './cases/actions';
import { actOnSubtask, addCoHandler } from './cases/cohandle';
import type { CaseService } from './cases/service';
import { rateSubtask } from './subtask-rating';

/** Inside grid G01 of the demo district, where worker01 patrols. */
const G01_SPOT = { lat: 30.262, lng: 120.155 };
const PHOTO = '/api/photos/00000000-0000-4000-8000-000000000001.png';

async function demoPerson(db: StateDb, username: string): Promise<User> {
  const record = await findUserByUsername(db, username);
  if (!record) throw new Error(`the demo district has no ${username}`);
  const { passwordHash: _hash, ...user } = record;
  return user;
}

/**
 * What a fresh demo shows of 协办 (decision 0021): worker01's report of goods blocking a fire
 * lane in G01, which they lead; the city management bureau co-handles (accepted, its report still
 * owed, so the case cannot be resolved yet) and the command centre asked the fire brigade to check
 * the hydrant (optional), which it did; the desk rated the check and the brigade the request. Made
 * through the case functions as those people would.
 */
export async function stageDemoCohandling(
  db: StateDb,
  cases: Pick<CaseService, 'report' | 'context'>,
): Promise<{ caseId: string }> {
  const [worker, operator, cityManagement] = await Promise.all([
    demoPerson(db, 'worker01'),
    demoPerson(db, 'op1'),
    demoPerson(db, 'cgj1'),
  ]);
  const parsed = parsePatrolReport({
    title: '沿街商铺占用消防通道堆放货物',
    description: '5 号楼北侧消防通道被商铺货物长期占用，需城管执法清理',
    category: 'facility',
    severity: 'info',
    location: G01_SPOT,
    photos: [PHOTO],
  });
  if (!parsed.ok) throw new Error(`the demo 协办 report is invalid: ${inEnglish(parsed.errors).join('; ')}`);
  const outcome = await cases.report(worker, parsed.value);
  if (!outcome.case) throw new Error('the demo 协办 report opened no case');
  const caseId = outcome.case.id;
  // 市政设施 waits for 立案 (decision 0029): the desk registers it, the rule list gives it to worker01.
  if (outcome.case.state === 'reported') {
    const registered = await actOnCase(cases.context, operator, caseId, { action: 'register' });
    if (registered.state === 'dispatched' && registered.assigneeId === worker.id)
      await actOnCase(cases.context, worker, caseId, { action: 'accept' });
  }
  const added = await addCoHandler(cases.context, worker, caseId, {
    assigneeId: null,
    departmentId: 'dept-cgj',
    task: '依法清理占道货物，并对商铺出具整改通知',
    days: 2,
    required: null,
  });
  const owed = added.find((s) => s.assigneeId === cityManagement.id);
  if (owed) await actOnSubtask(cases.context, cityManagement, caseId, owed.id, { action: 'accept' });
  const asked = await addCoHandler(cases.context, operator, caseId, {
    assigneeId: null,
    departmentId: 'dept-fire',
    task: '核查通道旁消火栓是否被遮挡',
    days: 1,
    required: false,
  });
  // The fire brigade's check is done and rated both ways (decision 0032), so 协办评价 has a row.
  const check = asked.find((s) => s.departmentId === 'dept-fire');
  const firefighter = check && (await findUserById(db, check.assigneeId));
  if (check && firefighter) {
    const { passwordHash: _hash, ...fire } = firefighter;
    await actOnSubtask(cases.context, fire, caseId, check.id, { action: 'accept' });
    await actOnSubtask(cases.context, fire, caseId, check.id, {
      action: 'report',
      note: '消火栓未被遮挡，箱内水带齐全',
    });
    await rateSubtask(cases.context, operator, caseId, check.id, {
      side: 'lead',
      grade: 'good',
      comment: '当日核查，反馈清楚',
    });
    await rateSubtask(cases.context, fire, caseId, check.id, {
      side: 'cohandler',
      grade: 'good',
      comment: '任务明确',
    });
  }
  return { caseId };
}
