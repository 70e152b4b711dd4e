import { AppError, dueClockActions, type CaseRecord, type ClockAction, type SlaClock } from '@gridsense/core';
import { listCasesDueForCheck } from '@gridsense/state';
import { checkSubtaskClocks } from './cohandle-clock';
import { handOverEndedShifts } from './handover';
import { timingFor, type CasePolicy } from './policy';
import { applyMove, commitChange, type CaseChange } from './apply-move';
import { loadPolicy, SYSTEM, type CaseContext } from './context';
import { dispatchDesk } from './dispatch-desk';
import { timelineEntry } from './timeline-entry';

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
    const change: CaseChange = {
      previous: record,
      current: actions.length > 0 ? { ...record, updatedAt: now } : record,
      at: now,
      entries: [],
      notices: [],
    };
    for (const action of actions) {
      if (action.type === 'remind') {
        const next = { ...change.current, remindedClocks: [...change.current.remindedClocks, action.clock] };
        change.current = next;
        change.entries.push(
          timelineEntry(SYSTEM, 'remind', record, next, null, { clock: action.clock, dueAt: action.dueAt }),
        );
        const to = next.assigneeId ? [next.assigneeId] : await dispatchDesk(ctx, policy, record, next);
        change.notices.push({
          kind: 'reminder',
          record: next,
          to,
          text: { key: 'case.reminder', params: { clock: action.clock, dueAt: action.dueAt } },
        });
      } else if (action.type === 'breach') {
        await takeBreachActions(policy, record, change, action);
      } else if (action.type === 'repeat') {
        const next = { ...change.current, lastNotifiedAt: now };
        change.current = next;
        change.entries.push(
          timelineEntry(SYSTEM, 'notify_repeat', record, next, null, { assigneeId: next.assigneeId }),
        );
        if (next.assigneeId)
          change.notices.push({
            kind: 'repeat',
            record: next,
            to: [next.assigneeId],
            text: { key: 'case.repeat', params: {} },
          });
      } else {
        const reason = `${CLOCK_NAMES[action.clock]}超时`;
        await applyMove(ctx, policy, change, { action: 'escalate', level: action.to, reason }, SYSTEM, {
          note: reason,
          data: { clock: action.clock, dueAt: action.dueAt, level: action.to },
          noticeContext: { overdueClock: action.clock },
        });
      }
    }
    // With nothing owed (e.g. the rules changed), storing again just moves next_check_at on.
    await commitChange(ctx, policy, change, actions.length > 0 ? 'clock' : 'clock_checked');
    return actions.length > 0;
  }

  /**
   * A breached clock's once-only actions: the overdue notice (to the handler, else the desk) and
   * 督办 set by the platform; the clock is marked so neither is taken again for this breach.
   */
  async function takeBreachActions(
    policy: CasePolicy,
    record: CaseRecord,
    change: CaseChange,
    action: Extract<ClockAction, { type: 'breach' }>,
  ): Promise<void> {
    const current = change.current;
    const next: CaseRecord = { ...current, breachActed: [...current.breachActed, action.clock] };
    change.current = next;
    const detail = { clock: action.clock, dueAt: action.dueAt };
    if (action.actions.includes('remind')) {
      change.entries.push(timelineEntry(SYSTEM, 'overdue_notice', current, next, null, detail));
      const to = next.assigneeId ? [next.assigneeId] : await dispatchDesk(ctx, policy, record, next);
      const text = { key: 'case.overdue', params: { clock: action.clock, dueAt: action.dueAt } } as const;
      change.notices.push({ kind: 'reminder', record: next, to, text });
    }
    if (action.actions.includes('supervise') && next.supervisedAt === null) {
      const reason = `${action.clock}_overdue` as const;
      await applyMove(ctx, policy, change, { action: 'supervise', reason }, SYSTEM, {
        data: { ...detail, automatic: reason },
      });
    }
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
