import { inEnglish, parsePatrolReport, type User } from '@gridsense/core';
import { findUserByUsername, type StateDb } from '@gridsense/state';
import type { CaseService } from './cases/service';
import { stageDemoOutcomes, type DemoOutcomes } from './demo-outcomes';

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
 * What a fresh demo shows of 延期 and 督办 (decision 0017): two patrol reports by worker01 in
 * G01, registered by the operator (市政设施 waits for 立案), one with a 延期 request waiting for the
 * community supervisor, one that the supervisor has put under 督办; and the hotline calls of
 * 不予立案, 非属地 and 待立案 (`stageDemoOutcomes`). Made through the case service as those people
 * would, so the timelines, notices and audit entries are the real ones.
 */
export async function stageDemoWorkflow(
  db: StateDb,
  cases: Pick<CaseService, 'report' | 'hotline' | 'act'>,
): Promise<{ extensionCaseId: string; supervisedCaseId: string } & DemoOutcomes> {
  const [worker, supervisor, operator] = await Promise.all([
    demoPerson(db, 'worker01'),
    demoPerson(db, 'sup1'),
    demoPerson(db, 'op1'),
  ]);
  const report = async (title: string, description: string) => {
    const parsed = parsePatrolReport({
      title,
      description,
      category: 'facility',
      severity: 'info',
      location: G01_SPOT,
      photos: [PHOTO],
    });
    if (!parsed.ok)
      throw new Error(`the demo report "${title}" is invalid: ${inEnglish(parsed.errors).join('; ')}`);
    const outcome = await cases.report(worker, parsed.value);
    if (!outcome.case) throw new Error(`the demo report "${title}" opened no case`);
    // 立案 by the desk: the rule list then routes it to worker01, on duty in G01, who takes it.
    let view = outcome.case;
    if (view.state === 'reported') view = await cases.act(operator, view.id, { action: 'register' });
    if (view.state === 'dispatched' && view.assigneeId === worker.id)
      view = await cases.act(worker, view.id, { action: 'accept' });
    return view.id;
  };
  const extensionCaseId = await report('小区东门路灯损坏', '东门两盏路灯不亮，需更换灯杆线缆');
  await cases.act(worker, extensionCaseId, {
    action: 'request_extension',
    days: 3,
    reason: '灯杆线缆需向供电所申领，预计三个工作日到货',
  });
  const supervisedCaseId = await report('消防通道被占用', '3 号楼消防通道长期停放电动车，居民多次反映');
  await cases.act(supervisor, supervisedCaseId, {
    action: 'supervise',
    reason: '居民多次投诉，社区重点跟踪，限期清理',
  });
  return { extensionCaseId, supervisedCaseId, ...(await stageDemoOutcomes(operator, cases)) };
}
