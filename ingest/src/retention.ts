import type { RetentionCutoffs, TimeSeriesStore } from './timeseries';

export interface RetentionDays {
  raw: number;
  minuteRollups: number;
  hourRollups: number;
}

const DAY_MS = 86_400_000;

/** The cut-offs for `now`; a 0 (keep forever) leaves its cut-off out. */
export function retentionCutoffs(days: RetentionDays, now: number): RetentionCutoffs {
  const cutoffs: RetentionCutoffs = {};
  if (days.raw > 0) cutoffs.rawBefore = now - days.raw * DAY_MS;
  if (days.minuteRollups > 0) cutoffs.minuteRollupsBefore = now - days.minuteRollups * DAY_MS;
  if (days.hourRollups > 0) cutoffs.hourRollupsBefore = now - days.hourRollups * DAY_MS;
  return cutoffs;
}

/** Applies retention now and then every `everyMs` (default hourly); returns a stop function. */
export function startRetention(options: {
  store: TimeSeriesStore;
  days: RetentionDays;
  now: () => number;
  onError: (error: unknown, context: string) => void;
  everyMs?: number;
}): () => void {
  if (Object.keys(retentionCutoffs(options.days, 0)).length === 0) return () => {};
  const apply = () =>
    void options.store
      .applyRetention(retentionCutoffs(options.days, options.now()))
      .catch((error: unknown) => options.onError(error, 'apply retention'));
  apply();
  const timer = setInterval(apply, options.everyMs ?? 3_600_000);
  timer.unref();
  return () => clearInterval(timer);
}
