import type { Reading } from '@gridsense/core';
import type { IngestLog } from '../ingest-log';
import {
  HOUR_MS,
  MINUTE_MS,
  ROLLUP_MEASUREMENTS,
  floorTo,
  rollUpHours,
  rollUpMinutes,
  type RollupIo,
} from './influx-rollup-build';
import { TELEMETRY } from './influx-line-protocol';
import { numberOf, rowsOf, timeClause } from './influx-query';

const PROGRESS = 'rollup_progress';
/**
 * One point per minute that took a late reading: `stale=true` is written in the same request as
 * that reading, `stale=false` over it before the minute is redone, so a crash in between loses
 * no redo and a process that only reads knows which minutes to read raw.
 */
const STALE = 'rollup_stale';

/** The marker of a minute gone stale, to write with the late readings that made it so. */
export function staleMarkerLine(minute: number): string {
  return `${STALE} stale=true ${minute}`;
}
// Minutes per step: one query request and one write, and progress saved after each.
const CHUNK_MS = 10 * MINUTE_MS;

/** Which buckets a query may read from the rollups instead of raw rows. */
export interface RollupCoverage {
  /** Every minute before this (epoch ms) has been rolled up. */
  through: number;
  /** Minutes that took a reading after they were rolled up, until they are rolled up again. */
  stale: ReadonlySet<number>;
}

export interface InfluxRollupsOptions extends RollupIo {
  now: () => number;
  log: IngestLog;
  /** Keep the rollups up to date (the process that writes readings); false only reads them. */
  maintain: boolean;
  /** How often closed minutes are rolled up (default 10 s). */
  everyMs?: number;
  /** A minute is rolled up this long after it ends (default 10 s); later readings redo it. */
  graceMs?: number;
}

export interface InfluxRollups {
  /**
   * Tells the task which readings are being written: an already rolled-up minute is redone.
   * Cheap. Returns the stale minutes these readings fall in, whose `staleMarkerLine`s belong in
   * the same write as the readings.
   */
  noteWritten(readings: readonly Reading[]): number[];
  coverage(): Promise<RollupCoverage>;
  /** Rolls up every closed minute, and redoes stale ones, before raw rows are deleted. */
  flush(): Promise<void>;
  /** Raw rows and minute rollups older than these are gone: their minutes can no longer be redone. */
  noteDeleted(cutoffs: { rawBefore?: number; minuteRollupsBefore?: number }): void;
  close(): Promise<void>;
}

/**
 * Minute and hour rollups kept by GridSense itself (not continuous queries, which InfluxDB 2.x
 * and 3 Core do not have): every `everyMs` the closed minutes since the last step are aggregated
 * from raw rows into `telemetry_1m`, their hour from those into `telemetry_1h`, and how far it got
 * is written to `rollup_progress`, so a restart (or another process only reading) resumes there.
 * Minutes written to after they were rolled up (a device catching up) are stale until redone.
 */
export async function createInfluxRollups(options: InfluxRollupsOptions): Promise<InfluxRollups> {
  const { query, log } = options;
  const everyMs = options.everyMs ?? 10_000;
  const graceMs = options.graceMs ?? 10_000;

  /** How far the rollups got, and which minutes wait to be redone (one request). */
  const readProgress = async (): Promise<{ through: number | undefined; stale: number[] }> => {
    const [progress, markers] = await query([
      `SELECT LAST("through") FROM ${PROGRESS}`,
      `SELECT "stale" FROM ${STALE} WHERE "stale" = true`,
    ]);
    return {
      through: numberOf(rowsOf(progress)[0]?.last),
      stale: rowsOf(markers).flatMap((row) => numberOf(row.time) ?? []),
    };
  };
  const markStale = (minutes: number[], on: boolean) =>
    options.writePoints(minutes.map((m) => ({ measurement: STALE, fields: { stale: on }, timestamp: m })));
  const saved = await readProgress();
  let through = saved.through;
  // Readings older than this are in minutes a running (or finished) step covers: they go stale.
  let claimed = through ?? -Infinity;
  const stale = new Set<number>(saved.stale);
  if (stale.size > 0 && options.maintain)
    log.warn(
      { minutes: stale.size },
      'rollups of minutes that took late readings before the last stop are redone',
    );
  const redoing = new Set<number>();
  let rawBefore = -Infinity;
  let minuteRollupsBefore = -Infinity;
  let closing = false;
  let chain = Promise.resolve();
  let busy = false;
  let readAt = options.now();

  const serially = (task: () => Promise<void>): Promise<void> => {
    const run = chain.then(task);
    chain = run.catch(() => {});
    return run;
  };

  const saveProgress = async (at: number): Promise<void> => {
    await options.writePoints([{ measurement: PROGRESS, fields: { through: at }, timestamp: at }]);
    through = at;
  };

  const firstRawAt = async (from: number, until: number): Promise<number | undefined> => {
    const [result] = await query([`SELECT * FROM ${TELEMETRY} WHERE ${timeClause(from, until)} LIMIT 1`]);
    return numberOf(rowsOf(result)[0]?.time);
  };

  const rollForward = async (until: number, metrics: string[]): Promise<void> => {
    claimed = Math.max(claimed, until);
    while (!closing) {
      let start = through ?? 0;
      if (start >= until) return;
      // Skip empty stretches (first start, a long stop) instead of stepping through them.
      if (through === undefined || until - start > CHUNK_MS) {
        const first = await firstRawAt(start, until);
        start = first === undefined ? until : Math.max(start, floorTo(first, MINUTE_MS));
      }
      if (start >= until) return saveProgress(until);
      // A step stays within one hour, so the hour it rewrites is complete up to the step's end.
      const end = Math.min(until, start + CHUNK_MS, floorTo(start, HOUR_MS) + HOUR_MS);
      const minutes: number[] = [];
      for (let m = start; m < end; m += MINUTE_MS) minutes.push(m);
      await rollUpMinutes(options, minutes, metrics);
      await rollUpHours(options, [floorTo(start, HOUR_MS)], metrics);
      await saveProgress(end);
    }
  };

  const redoStale = async (metrics: string[]): Promise<void> => {
    const due = [...stale].filter((m) => m < (through ?? -Infinity));
    for (const m of due) {
      stale.delete(m);
      // Raw rows (or the hour's other minute rollups) are gone: redoing would lose what they held.
      if (m >= rawBefore && floorTo(m, HOUR_MS) >= minuteRollupsBefore) redoing.add(m);
    }
    if (redoing.size === 0) return;
    const minutes = [...redoing].sort((a, b) => a - b);
    try {
      // Cleared first: a late reading arriving during the redo marks its minute stale again.
      await markStale(minutes, false);
      for (let i = 0; i < minutes.length; i += CHUNK_MS / MINUTE_MS) {
        await rollUpMinutes(options, minutes.slice(i, i + CHUNK_MS / MINUTE_MS), metrics);
      }
      await rollUpHours(options, [...new Set(minutes.map((m) => floorTo(m, HOUR_MS)))], metrics);
    } catch (error) {
      for (const m of minutes) stale.add(m);
      await markStale(minutes, true).catch(() => {}); // the error below is logged by the caller
      throw error;
    } finally {
      redoing.clear();
    }
  };

  const step = async (): Promise<void> => {
    const until = floorTo(options.now() - graceMs, MINUTE_MS);
    const metrics = await options.fields.load();
    await rollForward(until, metrics);
    await redoStale(metrics);
  };

  let timer: NodeJS.Timeout | undefined;
  if (options.maintain) {
    timer = setInterval(() => {
      if (busy) return;
      busy = true;
      void serially(step)
        .catch((error: unknown) => log.error({ err: error }, 'rolling up readings failed; retrying'))
        .finally(() => (busy = false));
    }, everyMs);
    timer.unref();
  }

  return {
    noteWritten(readings) {
      const marked: number[] = [];
      if (!options.maintain) return marked;
      const limit = claimed;
      let previous = NaN;
      for (const r of readings) {
        if (r.ts >= limit) continue;
        const minute = floorTo(r.ts, MINUTE_MS);
        if (minute === previous) continue;
        previous = minute;
        // Marked with every write that touches it, not only the first: that one may have failed.
        marked.push(minute);
        stale.add(minute);
      }
      return marked;
    },
    async coverage() {
      // Only reading: another process keeps them; its progress is re-read now and then.
      if (!options.maintain && options.now() - readAt >= everyMs) {
        readAt = options.now();
        const now = await readProgress();
        through = now.through;
        stale.clear();
        for (const m of now.stale) stale.add(m);
      }
      const pending = redoing.size === 0 ? stale : new Set([...stale, ...redoing]);
      return { through: through ?? -Infinity, stale: pending };
    },
    flush: () => (options.maintain ? serially(step) : Promise.resolve()),
    noteDeleted(cutoffs) {
      rawBefore = Math.max(rawBefore, cutoffs.rawBefore ?? -Infinity);
      minuteRollupsBefore = Math.max(minuteRollupsBefore, cutoffs.minuteRollupsBefore ?? -Infinity);
    },
    async close() {
      closing = true;
      clearInterval(timer);
      // Redone now rather than by the next start (which would find their markers and redo them).
      if (options.maintain && stale.size > 0)
        await serially(async () => redoStale(await options.fields.load())).catch((error: unknown) =>
          log.error({ err: error, minutes: stale.size }, 'could not redo stale rollups at close'),
        );
      await chain;
    },
  };
}

export { HOUR_MS, MINUTE_MS, ROLLUP_MEASUREMENTS };
