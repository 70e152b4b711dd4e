import type { Bus, BusEventName, BusPayloads } from '@gridsense/core';
import { createDirectory } from './directory';
import type { CaseContext } from './context';

/**
 * Runs a change of several cases (a merge, a split) in ONE state-database transaction: every
 * case write, timeline entry, notice and audit entry inside commits together or not at all.
 * `work` gets a context whose database and directory read and write through the transaction
 * (on SQLite another connection would wait for it forever), and whose `case.changed` events and
 * notifier wake-ups are held until the commit: nobody hears of a change that was rolled back.
 */
export async function inOneCaseTransaction<T>(
  ctx: CaseContext,
  work: (tx: CaseContext) => Promise<T>,
): Promise<T> {
  const held: (() => Promise<void>)[] = [];
  let wake = false;
  const bus: Bus = {
    publish<E extends BusEventName>(event: E, payload: BusPayloads[E]) {
      held.push(() => ctx.bus.publish(event, payload));
      return Promise.resolve();
    },
    subscribe: (event, handler) => ctx.bus.subscribe(event, handler),
    subscribeTopic: (filter, handler) => ctx.bus.subscribeTopic(filter, handler),
    close: () => ctx.bus.close(),
  };
  const result = await ctx.db.transaction().execute((db) =>
    work({
      ...ctx,
      db,
      bus,
      directory: createDirectory(db, ctx.regions),
      // Queueing goes through the transaction it is given; only the wake-up waits for the commit.
      notifier: {
        ...ctx.notifier,
        wake: () => {
          wake = true;
        },
      },
    }),
  );
  for (const publish of held) await publish();
  if (wake) ctx.notifier.wake();
  return result;
}
