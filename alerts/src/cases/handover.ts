import {
  AppError,
  endedShifts,
  onDutyNow,
  planHandover,
  type CaseRecord,
  type NoticeText,
  type HandoverReason,
  type RosterShift,
} from '@gridsense/core';
import {
  findCase,
  findPerson,
  findUserById,
  getSetting,
  listDepartmentMembers,
  listOnDutyWorkers,
  listOpenCasesHeldBy,
  listRosterShifts,
  setSetting,
} from '@gridsense/state';
import type { Notice } from './notices';
import type { CasePolicy } from './policy';
import { commitCase } from './commit-case';
import { loadPolicy, SYSTEM, type CaseContext } from './context';
import { dispatchDesk } from './dispatch-desk';
import { timelineEntry } from './timeline-entry';

type Scope = { kind: RosterShift['scopeKind']; id: string };

export interface HandoverRequest {
  userId: string;
  reason: HandoverReason;
  /** The administrator whose change caused it, or the platform (a shift ended). */
  actor: { id: string; name: string };
  /** Only the cases of this grid or department; all the person's open cases when absent. */
  scope?: Scope;
}

/** The ticker's watermark: shift ends up to this instant have been acted on. */
const SHIFTS_CHECKED_AT = 'case_handover.shifts_checked_at';
/** Two people moving the same case meanwhile: read it again and decide again, a few times. */
const CONFLICT_RETRIES = 3;

/** Enabled people on duty now in a grid or department, primary first (rosters over standing duties). */
async function onDutyIn(ctx: CaseContext, policy: CasePolicy, scope: Scope): Promise<string[]> {
  const [standing, shifts] = await Promise.all([
    scope.kind === 'grid' ? listOnDutyWorkers(ctx.db, scope.id) : listDepartmentMembers(ctx.db, scope.id),
    listRosterShifts(ctx.db, scope),
  ]);
  const people = onDutyNow(standing, shifts, ctx.now(), policy.calendar.utcOffsetMinutes).map(
    (p) => p.userId,
  );
  // A roster may still name someone disabled since; findUserById answers for enabled people only.
  const enabled = await Promise.all(people.map(async (id) => (await findUserById(ctx.db, id)) !== undefined));
  return people.filter((_, i) => enabled[i]);
}

/** Where a case's successor comes from: the leaver's department when they led it for one, else its grid. */
function scopeOf(record: CaseRecord, departmentId: string | null, request: HandoverRequest): Scope {
  if (request.scope) return request.scope;
  if (departmentId !== null && record.departmentId === departmentId)
    return { kind: 'department', id: departmentId };
  return { kind: 'grid', id: record.gridId };
}

const inScope = (record: CaseRecord, scope: Scope | undefined) =>
  !scope || (scope.kind === 'grid' ? record.gridId === scope.id : record.departmentId === scope.id);

async function handOverOne(
  ctx: CaseContext,
  policy: CasePolicy,
  record: CaseRecord,
  from: { id: string; name: string },
  scope: Scope,
  request: HandoverRequest,
): Promise<boolean> {
  const onDuty = await onDutyIn(ctx, policy, scope);
  // A shift that ended while the person still stands on duty there (a standing duty) hands nothing over.
  if (request.reason === 'shift_ended' && onDuty.includes(from.id)) return false;
  const plan = planHandover(record, from.id, onDuty, ctx.now());
  if (!plan) return false;
  const toName = plan.toUserId ? ((await findUserById(ctx.db, plan.toUserId))?.displayName ?? null) : null;
  const entry = timelineEntry(request.actor, 'handover', record, plan.next, null, {
    reason: request.reason,
    role: plan.role,
    fromUserId: from.id,
    fromName: from.name,
    toUserId: plan.toUserId,
    toName,
  });
  const notices: Notice[] = [];
  const text: NoticeText = {
    key: 'case.handedOver',
    params: { title: plan.next.title, from: from.name, reason: request.reason },
  };
  if (plan.toUserId)
    notices.push({
      kind: plan.role === 'lead' ? 'assigned' : 'co_assigned',
      record: plan.next,
      to: [plan.toUserId],
      text,
    });
  else if (plan.role === 'lead') {
    // Back to the dispatcher; one who is the leaver themselves hands it to the level's desk.
    const desk = (await dispatchDesk(ctx, policy, record, plan.next)).filter((id) => id !== from.id);
    const to =
      desk.length > 0
        ? desk
        : await ctx.directory.levelPeople(record.gridId, 'community', ctx.now(), policy.calendar);
    notices.push({ kind: 'returned', record: plan.next, to, text });
  }
  await commitCase(ctx, policy, {
    next: plan.next,
    previous: record,
    write: { entries: [entry] },
    notices,
    action: 'handover',
  });
  return true;
}

/**
 * Hands over each open case the person holds (in the scope, if one is given) to whoever is on
 * duty there now, or back to the dispatcher; one timeline entry, audit entry and notice per case.
 * Returns how many cases changed. Running it again changes nothing: the person holds none.
 */
export async function handOverCases(ctx: CaseContext, request: HandoverRequest): Promise<number> {
  const policy = await loadPolicy(ctx);
  const person = await findPerson(ctx.db, request.userId);
  const from = { id: request.userId, name: person?.displayName ?? request.userId };
  let moved = 0;
  for (const held of await listOpenCasesHeldBy(ctx.db, request.userId)) {
    if (!inScope(held, request.scope)) continue;
    let record: CaseRecord | undefined = held;
    for (let attempt = 0; record; attempt++) {
      try {
        if (
          await handOverOne(
            ctx,
            policy,
            record,
            from,
            scopeOf(record, person?.departmentId ?? null, request),
            request,
          )
        )
          moved++;
        break;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'conflict') || attempt >= CONFLICT_RETRIES)
          throw error;
        record = await findCase(ctx.db, held.id);
      }
    }
  }
  return moved;
}

/**
 * The ticker's part: each roster shift that ended since the last pass hands its person's open
 * cases in that grid or department to whoever is on duty now. The watermark is stored, so a
 * restart acts on ends it missed (up to the look-back) and never twice on one.
 */
export async function handOverEndedShifts(ctx: CaseContext, policy: CasePolicy): Promise<number> {
  const now = ctx.now();
  const stored = await getSetting(ctx.db, SHIFTS_CHECKED_AT);
  const from = stored === undefined ? now : Number(stored);
  let moved = 0;
  if (now > from) {
    const ended = endedShifts(await listRosterShifts(ctx.db), from, now, policy.calendar.utcOffsetMinutes);
    for (const shift of ended)
      moved += await handOverCases(ctx, {
        userId: shift.userId,
        reason: 'shift_ended',
        actor: SYSTEM,
        scope: { kind: shift.scopeKind, id: shift.scopeId },
      });
  }
  if (stored === undefined || now > from) await setSetting(ctx.db, SHIFTS_CHECKED_AT, String(now));
  return moved;
}
