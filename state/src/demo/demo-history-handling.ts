import { addSpan, pickSla } from '@gridsense/core';
import type { HistoryPolicy } from './demo-history-cases';
import { SYSTEM_ACTOR, type HistoryActor } from './demo-history-cast';
import type { Dice } from './demo-history-dice';
import type { CaseWalk } from './demo-history-walk';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Who besides the lead takes part: the checkers above the grid and the desk that calls back. */
export interface HandlingCast {
  community: HistoryActor;
  street: HistoryActor | undefined;
  operator: HistoryActor;
  /** This case misses its accept (and later its resolve) deadline. */
  late: boolean;
}

/**
 * A dispatched case's life on the ground: 签收 → 到场 → 处置 → 核查 → 结案 → 回访, with lateness
 * (escalation, 督办), 延期, 退回重办 and an unsatisfied callback that reopens it on the way.
 */
export function handleCase(
  walk: CaseWalk,
  lead: HistoryActor,
  who: HandlingCast,
  dice: Dice,
  policy: HistoryPolicy,
): void {
  const sla = pickSla(policy.slas, walk.record.category, walk.record.severity);
  const { community, street, operator, late } = who;
  const span = (from: number, s: string) => addSpan(from, s, policy.calendar) - from;
  const acceptSpan = span(walk.at, sla.accept);
  if (late) {
    // Past the accept deadline: the platform escalates to the community before the lead signs.
    walk.step(
      { action: 'escalate', reason: '签收超时', level: 'community' },
      SYSTEM_ACTOR,
      acceptSpan + sla.escalateEveryMinutes * MINUTE,
    );
    if (street && dice.chance(0.5))
      walk.step(
        { action: 'supervise', reason: '超时未签收，街道督办' },
        street,
        dice.between(10, 120) * MINUTE,
      );
    walk.step({ action: 'accept' }, lead, dice.between(0.2, 2) * acceptSpan);
  } else walk.step({ action: 'accept' }, lead, dice.between(0.1, 0.9) * acceptSpan);
  // Some cases stall on the ground: accepted and never finished (they show as overdue).
  if (dice.chance(0.03)) return walk.stop();
  walk.step({ action: 'arrive' }, lead, dice.between(0.2, late ? 1.6 : 0.9) * span(walk.at, sla.arrive));
  if (lead.role === 'grid_worker' && dice.chance(0.03)) {
    walk.step({ action: 'request_extension', days: 2, reason: '需协调物业与产权单位' }, lead, 2 * HOUR);
    walk.step({ action: 'approve_extension', note: '同意延期' }, who.community, HOUR);
  }
  const resolveLeft = Math.max(HOUR, (walk.record.resolveDueAt ?? walk.at + DAY) - walk.at);
  const resolve = (after: number) =>
    walk.step(
      {
        action: 'resolve',
        note: '已到场处置完毕，现场恢复正常',
        // Safety cases need a photo to resolve; the history has none to show, so the entry omits it.
        ...(walk.record.photoRequired ? { photos: ['/api/photos/demo-history'] } : {}),
      },
      lead,
      after,
    );
  resolve(late ? dice.between(1.05, 2.5) * resolveLeft : dice.between(0.15, 0.9) * resolveLeft);
  if (dice.chance(0.05)) {
    walk.step(
      { action: 'reject', note: '现场照片与描述不符，请重新处置' },
      community,
      dice.between(1, 8) * HOUR,
    );
    resolve(dice.between(2, 20) * HOUR);
  }
  const checker = walk.record.dispatcherId === 'system' ? community : operator;
  walk.step({ action: 'verify', note: '核查属实，处置到位' }, checker, dice.between(0.5, 12) * HOUR);
  walk.step({ action: 'close' }, operator, dice.between(5, 60) * MINUTE);
  // 回访: the command centre calls back on reported and called-in cases.
  if (walk.record.source === 'auto' || !dice.chance(0.8)) return;
  const satisfaction = dice.pick([5, 5, 5, 5, 5, 4, 4, 4, 3, 2, 1]);
  const solved = satisfaction >= 3 || dice.chance(0.5);
  walk.step(
    {
      action: 'feedback',
      satisfaction,
      solved,
      ...(solved ? {} : { comment: '问题仍未解决，要求重新处理' }),
    },
    operator,
    dice.between(4, 48) * HOUR,
  );
  if (solved || walk.done) return;
  // Reopened (and put under 督办 by the platform): dispatched again, handled again, on time.
  walk.step(
    { action: 'dispatch', assigneeId: lead.id, departmentId: walk.record.departmentId },
    operator,
    dice.between(10, 60) * MINUTE,
  );
  handleCase(walk, lead, { ...who, late: false }, dice, policy);
}
