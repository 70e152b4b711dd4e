/** One shared tick for every countdown and "5 min ago", instead of a timer per row. */
export const clock = $state<{ now: number }>({ now: Date.now() });

/**
 * Ticks on each whole second, so every countdown on screen changes together and in step with the
 * wall clock (and a test's fake clock lands on exact values).
 */
function tick(): void {
  clock.now = Date.now();
  setTimeout(tick, 1000 - (clock.now % 1000));
}
setTimeout(tick, 1000 - (Date.now() % 1000));
