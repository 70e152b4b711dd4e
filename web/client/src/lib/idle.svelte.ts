/**
 * The console's side of the idle timeout: the server ends a session after `idleTimeoutMs`
 * without an API request; this warns a little before and signs out when it ends. The time of
 * the last answered request is shared between tabs (a time, nothing secret), so a tab left
 * alone does not sign out a session another tab keeps busy.
 */
const LAST_ACTIVITY_KEY = 'gs_last_activity';
/** Two minutes' notice, or a quarter of a short timeout. */
const WARN_BEFORE_MS = 2 * 60_000;

export const idle = $state<{ warning: boolean; endsAt: number }>({ warning: false, endsAt: 0 });

let timeoutMs = 0;
let onEnd: () => void = () => {};
let timer: ReturnType<typeof setTimeout> | undefined;
let lastActivity = 0;

function schedule(): void {
  clearTimeout(timer);
  if (timeoutMs === 0) return;
  const shared = Number(localStorage.getItem(LAST_ACTIVITY_KEY)) || 0;
  const endsAt = Math.max(lastActivity, shared) + timeoutMs;
  const warnAt = endsAt - Math.min(WARN_BEFORE_MS, timeoutMs / 4);
  const now = Date.now();
  idle.endsAt = endsAt;
  idle.warning = now >= warnAt;
  if (now >= endsAt) {
    stopIdleWatch();
    onEnd();
  } else {
    timer = setTimeout(schedule, (idle.warning ? endsAt : warnAt) - now);
  }
}

function onStorage(event: StorageEvent): void {
  if (event.key === LAST_ACTIVITY_KEY) schedule();
}

/** The server answered a request: the session's idle clock starts again. */
export function noteActivity(): void {
  if (timeoutMs === 0) return;
  lastActivity = Date.now();
  localStorage.setItem(LAST_ACTIVITY_KEY, String(lastActivity));
  schedule();
}

export function startIdleWatch(idleTimeoutMs: number, ended: () => void): void {
  if (timeoutMs === 0) addEventListener('storage', onStorage);
  timeoutMs = idleTimeoutMs;
  onEnd = ended;
  noteActivity();
}

export function stopIdleWatch(): void {
  clearTimeout(timer);
  if (timeoutMs !== 0) removeEventListener('storage', onStorage);
  timeoutMs = 0;
  idle.warning = false;
}
