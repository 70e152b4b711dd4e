/** One shared 1 s tick for every countdown and "5 min ago", instead of a timer per row. */
export const clock = $state<{ now: number }>({ now: Date.now() });

setInterval(() => {
  clock.now = Date.now();
}, 1000);
