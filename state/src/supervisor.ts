import { fork, type ChildProcess } from 'node:child_process';
import type { Logger } from './logger';

/** The message a supervised child sends once it serves (see `announceReady`). */
const READY = 'gridsense:ready';

export interface SupervisorOptions {
  /** The entry file run as the child (with the same Node flags as this process). */
  entry: string;
  args?: readonly string[];
  logger: Logger;
  /** First restart delay; doubles on each crash that follows quickly, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A child that served this long before crashing restarts at the first delay again. */
  stableAfterMs?: number;
}

/** Exit codes a restart cannot cure: bad settings (2) or a failed start (1) before ever serving. */
const FATAL_BEFORE_READY = new Set([1, 2]);

/**
 * Keeps one child process running: restarts it when it dies (a crash, an OOM kill, an uncaught
 * error), with a growing delay if it keeps dying, and stops it on SIGTERM/SIGINT. This is how the
 * one-process platform survives a fault in any part (decision 0010): devices reconnect and resend
 * what was not acknowledged, and nothing acknowledged was lost, since a PUBACK follows durability.
 */
export function supervise(options: SupervisorOptions): { stop(): Promise<void> } {
  const { logger } = options;
  const initialDelayMs = options.initialDelayMs ?? 250;
  const maxDelayMs = options.maxDelayMs ?? 15_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  let child: ChildProcess | undefined;
  let stopping = false;
  let delayMs = initialDelayMs;
  let restartTimer: NodeJS.Timeout | undefined;

  const start = () => {
    const startedAt = Date.now();
    let ready = false;
    const current = fork(options.entry, [...(options.args ?? [])], { stdio: 'inherit' });
    child = current;
    logger.info({ pid: current.pid }, 'platform process started');
    current.on('message', (message) => {
      if (message !== READY) return;
      ready = true;
      logger.info({ pid: current.pid, startMs: Date.now() - startedAt }, 'platform process ready');
    });
    current.once('exit', (code, signal) => {
      child = undefined;
      if (stopping) return;
      if (!ready && code !== null && FATAL_BEFORE_READY.has(code)) {
        logger.fatal({ code }, 'platform process could not start; not restarting');
        process.exit(code);
      }
      if (Date.now() - startedAt > stableAfterMs) delayMs = initialDelayMs;
      logger.error(
        { pid: current.pid, code, signal, restartInMs: delayMs },
        'platform process died; restarting',
      );
      restartTimer = setTimeout(start, delayMs);
      delayMs = Math.min(maxDelayMs, delayMs * 2);
    });
  };

  const stop = async () => {
    stopping = true;
    clearTimeout(restartTimer);
    const running = child;
    if (!running) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGTERM');
    });
  };

  start();
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'supervisor stopping');
    void stop().then(() => process.exit(0));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return { stop };
}

/**
 * Called by a supervised child once it serves; and ties the child's life to its supervisor's, so
 * a supervisor killed outright does not leave an orphan holding the ports.
 */
export function announceReady(onSupervisorGone: () => void): void {
  if (!process.send) return;
  process.send(READY);
  process.once('disconnect', onSupervisorGone);
}
