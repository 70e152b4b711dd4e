import {
  AppError,
  dueClockActions,
  transition,
  type CaseRecord,
  type ClockAction,
  type SlaClock,
} from '@gridsense/core';
import { listCasesDueForCheck, type NewTimelineEntry } from '@gridsense/state';
import { checkSubtaskClocks } from './case-cohandle-clock';
import { handOverEndedShifts } from './case-handover';
import type { Notice } from './case-notices';
import { timingFor, transitionPolicy, type CasePolicy } from './case-policy';
import {
  commitCase,
  dispatchDesk,
  loadPolicy,
  noticesForEffects,
  SYSTEM,
  timelineEntry,
  type CaseContext,
} from './case-writer';

/** The clocks' names in the timeline's escalation note (what the table stores is zh-CN). */
const CLOCK_NAMES: Record<SlaClock, string> = {
  register: '立案',
  dispatch: '派遣',
  accept: '签收',
  arrive: '到场',
  resolve: '办结',
};

/**
 * The deadline ticker. It keeps no timers of its own: each case stores when it next needs a look
 * (`next_check_at`), and each tick does what is owed by then — reminders, repeats until accepted,
 * what each breached clock is set to do (overdue notice, 督办, escalation up the hierarchy) — and
 * stores the next time. A restart loses and repeats nothing.
 */
export function createCaseTicker(
  ctx: CaseContext,
  options: { intervalMs: number; onError: (e: unknown, context: string) => void },
) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;

  async function checkCase(policy: CasePolicy, record: CaseRecord): Promise<boolean> {
    const now = ctx.now();
    const actions = dueClockActions(record, timingFor(policy, record), now);
    let next: CaseRecord = actions.length > 0 ? { ...record, updatedAt: now } : record;
    const entries: NewTimelineEntry[] = [];
    const notices: Notice[] = [];
    for (const action of actions) {
      if (action.type === 'remind') {
        next = { ...next, remindedClocks: [...next.remindedClocks, action.clock] };
        entries.push(
          timelineEntry(SYSTEM, 'remind', record, next, null, { clock: action.clock, dueAt: action.dueAt }),
        );
        const to = next.assigneeId ? [next.assigneeId] : await dispatchDesk(ctx, policy, record, next);
        notices.push({
          kind: 'reminder',
          record: next,
          to,
          text: { key: 'case.reminder', params: { clock: action.clock, dueAt: action.dueAt } },
        });
      } else if (action.type === 'breach') {
        const done = await takeBreachActions(policy, record, next, action, now);
        entries.push(...done.entries);
        notices.push(...done.notices);
        next = done.next;
      } else if (action.type === 'repeat') {
        next = { ...next, lastNotifiedAt: now };
        entries.push(
          timelineEntry(SYSTEM, 'notify_repeat', record, next, null, { assigneeId: next.assigneeId }),
        );
        if (next.assigneeId)
          notices.push({
            kind: 'repeat',
            record: next,
            to: [next.assigneeId],
            text: { key: 'case.repeat', params: {} },
          });
      } else {
        const reason = `${CLOCK_NAMES[action.clock]}超时`;
        const result = transition(
          next,
          { action: 'escalate', level: action.to, reason },
          SYSTEM,
          now,
          transitionPolicy(policy, next),
        );
        if (!result.ok) throw new AppError(result.code, result.text ?? result.message);
        entries.push(
          timelineEntry(SYSTEM, 'escalate', next, result.next, reason, {
            clock: action.clock,
            dueAt: action.dueAt,
            level: action.to,
          }),
        );
        notices.push(
          ...(await noticesForEffects(ctx, policy, next, result.next, result.effects, {
            actorName: SYSTEM.name,
            overdueClock: action.clock,
          })),
        );
        next = result.next;
      }
    }
    // With nothing owed (e.g. the rules changed), storing again just moves next_check_at on.
    await commitCase(ctx, policy, {
      next,
      previous: record,
      write: { entries },
      notices,
      action: actions.length > 0 ? 'clock' : 'clock_checked',
    });
    return actions.length > 0;
  }

  /**
   * A breached clock's once-only actions: the overdue notice (to the handler, else the desk) and
   * 督办 set by the platform; the clock is marked so neither is taken again for this breach.
   */
  async function takeBreachActions(
    policy: CasePolicy,
    record: CaseRecord,
    current: CaseRecord,
    action: Extract<ClockAction, { type: 'breach' }>,
    now: number,
  ): Promise<{ next: CaseRecord; entries: NewTimelineEntry[]; notices: Notice[] }> {
    let next: CaseRecord = { ...current, breachActed: [...current.breachActed, action.clock] };
    const entries: NewTimelineEntry[] = [];
    const notices: Notice[] = [];
    const detail = { clock: action.clock, dueAt: action.dueAt };
    if (action.actions.includes('remind')) {
      entries.push(timelineEntry(SYSTEM, 'overdue_notice', current, next, null, detail));
      const to = next.assigneeId ? [next.assigneeId] : await dispatchDesk(ctx, policy, record, next);
      const text = { key: 'case.overdue', params: { clock: action.clock, dueAt: action.dueAt } } as const;
      notices.push({ kind: 'reminder', record: next, to, text });
    }
    if (action.actions.includes('supervise') && next.supervisedAt === null) {
      const reason = `${action.clock}_overdue` as const;
      const command = { action: 'supervise', reason } as const;
      const result = transition(next, command, SYSTEM, now, transitionPolicy(policy, next));
      if (!result.ok) throw new AppError(result.code, result.text ?? result.message);
      const data = { ...detail, automatic: reason };
      entries.push(timelineEntry(SYSTEM, 'supervise', next, result.next, null, data));
      next = result.next;
    }
    return { next, entries, notices };
  }

  /** One pass over every case that is owed a look now; returns how many had something done. */
  async function tick(): Promise<number> {
    const policy = await loadPolicy(ctx);
    let acted = 0;
    try {
      acted += await handOverEndedShifts(ctx, policy);
    } catch (error) {
      // The deadlines still get their pass; the next one retries the handover from its watermark.
      options.onError(error, 'handover at shift end');
    }
    // Bounded, so cases that keep failing cannot hold the pass forever.
    for (let page = 0; page < 50; page++) {
      const due = await listCasesDueForCheck(ctx.db, ctx.now(), 100);
      for (const record of due) {
        try {
          if (await checkCase(policy, record)) acted++;
        } catch (error) {
          // A person moved the case meanwhile: its new version has its own next check.
          if (!(error instanceof AppError && error.code === 'conflict'))
            options.onError(error, `clock for case ${record.id}`);
        }
      }
      if (due.length < 100) break;
    }
    // 协办 sub-tasks keep their own clocks, looked at in the same pass.
    acted += await checkSubtaskClocks(ctx, policy, options.onError);
    return acted;
  }

  /** One pass now; passes never overlap. */
  function runTick(): Promise<number> {
    running = (running ?? Promise.resolve(0)).catch(() => 0).then(tick);
    return running;
  }

  return {
    /** Tests call this with a fake clock. */
    tick: runTick,
    start(): void {
      const loop = () => {
        timer = setTimeout(() => {
          void runTick()
            .catch((error: unknown) => options.onError(error, 'case ticker'))
            .finally(() => timer && loop());
        }, options.intervalMs);
        timer.unref();
      };
      loop();
    },
    async stop(): Promise<void> {
      const current = timer;
      timer = undefined;
      clearTimeout(current);
      await running?.catch(() => undefined);
    },
  };
}
