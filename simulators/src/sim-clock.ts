/**
 * Simulated time for scenarios. At speed 1 it is the real clock (from `startMs`); faster, one real
 * millisecond is `speed` simulated ones, so "a door not opened for a day" plays in a minute.
 */
export interface SimClock {
  startMs: number;
  speed: number;
  now(): number;
  /** Real milliseconds until the simulated time `at` (0 when it has passed). */
  realDelayUntil(at: number): number;
}

export function createSimClock(options: {
  startMs: number;
  speed: number;
  realNow?: () => number;
}): SimClock {
  const realNow = options.realNow ?? Date.now;
  const { startMs, speed } = options;
  const realStart = realNow();
  const now = () => startMs + (realNow() - realStart) * speed;
  return {
    startMs,
    speed,
    now,
    realDelayUntil: (at) => Math.max(0, (at - now()) / speed),
  };
}

/**
 * Where an accelerated run starts so that it ends at the real now: the simulated clock then
 * never runs ahead of real time, and no reading carries a future `ts` (the platform rejects
 * those beyond 5 minutes); the platform accepts older readings as a device catching up.
 */
export function acceleratedStart(realNow: number, durationMs: number, speed: number): number {
  if (speed <= 1) return realNow;
  return Math.round(realNow - durationMs + durationMs / speed);
}
