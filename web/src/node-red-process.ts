import {
  LineChannel,
  parseChildMessage,
  type ChildMessage,
  type NodeRedStart,
  type ParentMessage,
} from '@gridsense/flows';
import type { Logger } from '@gridsense/state';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Duplex } from 'node:stream';

/** The pipe to the running Node-RED process; a link to a process that has gone drops what it is sent. */
export interface NodeRedLink {
  send(message: ParentMessage): boolean;
  sendAll(messages: readonly ParentMessage[]): boolean;
  readonly backlogBytes: number;
}

export interface NodeRedProcessOptions {
  /** The compiled entry (flows/src/node-red-main.ts, see buildNodeRedChild). */
  entry: string;
  /** Read-only for the child: Node-RED's node_modules and the compiled code. */
  readDirs: readonly string[];
  /** The child's working directory and the only place it may write. */
  userDir: string;
  start: NodeRedStart;
  logger: Logger;
  /** Every message but `ready` and `log`, checked for shape, with the link it came over. */
  onMessage(message: ChildMessage, link: NodeRedLink): void;
  onReady(link: NodeRedLink): void;
  onDown(): void;
  /** First restart delay; doubles while the child keeps dying, up to `maxDelayMs`. */
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** A child that served this long restarts at the first delay again. */
  stableAfterMs?: number;
  /** A child that is not serving by then is killed and started again. */
  startTimeoutMs?: number;
}

export interface NodeRedProcess {
  /** The child's loopback HTTP port while it serves. */
  port(): number | undefined;
  pid(): number | undefined;
  /** Resolves true once a child serves; false if one dies first, or none serves within `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean>;
  stop(): Promise<void>;
}

/** A message line longer than this from the child is an attack or a bug: the child is killed. */
const MAX_CHILD_LINE_BYTES = 1024 * 1024;
/** Messages a second read from the child; a child that sends more waits (it backs up its own pipe). */
const MAX_CHILD_MESSAGES_PER_SECOND = 2000;
const STOP_GRACE_MS = 5000;
/** Node-RED's own log lines per second passed on to the platform's log; more are counted. */
const LOG_LINES_PER_SECOND = 20;
/** Kept from the child's stderr and logged when it dies (a crash's stack). */
const STDERR_TAIL_BYTES = 4096;

/**
 * The Node.js flags that confine the child (Node's permission model): it may read only
 * `readDirs` and its userDir, write only its userDir, and start no processes, workers, native
 * addons or WASI. So a function node that escapes Node-RED's sandbox still cannot open the
 * state database, the device secrets or anything else in the data directory.
 */
export function confinementFlags(readDirs: readonly string[], userDir: string): string[] {
  const permission = process.allowedNodeEnvironmentFlags.has('--permission')
    ? '--permission'
    : '--experimental-permission';
  return [
    permission,
    ...[...readDirs, userDir].map((dir) => `--allow-fs-read=${dir}`),
    `--allow-fs-write=${userDir}`,
    '--disable-warning=ExperimentalWarning',
    // A flow that hoards memory ends its own process, not the host's memory.
    '--max-old-space-size=512',
  ];
}

/**
 * Runs Node-RED in a child process and keeps it running: restarted with a growing delay when it
 * dies, stopped with the platform. The child gets no environment (the platform's holds broker
 * and store credentials) and learns its settings from the first message on the pipe.
 */
export function superviseNodeRed(options: NodeRedProcessOptions): NodeRedProcess {
  const { logger } = options;
  const initialDelayMs = options.initialDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const stableAfterMs = options.stableAfterMs ?? 60_000;
  const startTimeoutMs = options.startTimeoutMs ?? 60_000;
  let child: ChildProcess | undefined;
  let childLink: NodeRedLink | undefined;
  let port: number | undefined;
  let stopping = false;
  let delayMs = initialDelayMs;
  let restartTimer: NodeJS.Timeout | undefined;
  const readyWaiters = new Set<(ready: boolean) => void>();

  const start = () => {
    const env: Record<string, string> = process.env.TZ ? { TZ: process.env.TZ } : {};
    const current = spawn(
      process.execPath,
      [...confinementFlags(options.readDirs, options.userDir), options.entry],
      { cwd: options.userDir, env, stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
    );
    child = current;
    let readyAt: number | undefined;
    let stderrTail = '';
    current.stderr?.on('data', (chunk: Buffer) => {
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
    });
    const startTimer = setTimeout(() => {
      logger.error({ pid: current.pid }, 'Node-RED did not start in time; killing it');
      current.kill('SIGKILL');
    }, startTimeoutMs);
    const logBudget = { second: 0, left: LOG_LINES_PER_SECOND, dropped: 0 };

    const channel: LineChannel<unknown, ParentMessage> = new LineChannel(current.stdio[3] as Duplex, {
      maxLineBytes: MAX_CHILD_LINE_BYTES,
      maxMessagesPerSecond: MAX_CHILD_MESSAGES_PER_SECOND,
      onOverflow: () => {
        logger.error({ pid: current.pid }, 'Node-RED sent an oversized message; killing it');
        current.kill('SIGKILL');
      },
      onInvalid: () => logger.warn({ pid: current.pid }, 'Node-RED sent a line that is not JSON'),
      onClose: () => undefined,
      onMessage: (raw) => {
        const message = parseChildMessage(raw);
        if (!message) return void logger.warn({ pid: current.pid }, 'Node-RED sent an unknown message');
        if (message.t === 'ready') {
          // Once per child: code in a running Node-RED must not point the proxy at another port.
          if (readyAt !== undefined)
            return void logger.warn({ pid: current.pid }, 'Node-RED was ready again');
          clearTimeout(startTimer);
          readyAt = Date.now();
          port = message.port;
          logger.info({ pid: current.pid, port }, 'Node-RED serving at /flows');
          options.onReady(link);
          for (const wake of readyWaiters) wake(true);
          return;
        }
        if (message.t === 'log') return logLine(message.level, message.message);
        options.onMessage(message, link);
      },
    });
    const link: NodeRedLink = {
      send: (message) => channel.send(message),
      sendAll: (messages) => channel.sendAll(messages),
      get backlogBytes() {
        return channel.backlogBytes;
      },
    };

    function logLine(level: 'error' | 'warn' | 'info', message: string) {
      // Node 20's permission model refuses fsync; Node-RED warns and writes anyway.
      if (message.includes('fsync API is disabled')) return;
      const second = Math.floor(Date.now() / 1000);
      if (second !== logBudget.second) {
        if (logBudget.dropped > 0) logger.warn({ dropped: logBudget.dropped }, 'Node-RED log lines dropped');
        Object.assign(logBudget, { second, left: LOG_LINES_PER_SECOND, dropped: 0 });
      }
      if (logBudget.left-- > 0) logger[level]({ service: 'node-red' }, message);
      else logBudget.dropped++;
    }

    childLink = link;
    channel.send(options.start);
    current.once('exit', (code, signal) => {
      clearTimeout(startTimer);
      channel.close();
      if (child === current) {
        child = undefined;
        port = undefined;
      }
      options.onDown();
      for (const wake of readyWaiters) wake(false);
      if (stopping) return;
      if (readyAt !== undefined && Date.now() - readyAt > stableAfterMs) delayMs = initialDelayMs;
      logger.error(
        { pid: current.pid, code, signal, restartInMs: delayMs, stderr: stderrTail || undefined },
        'Node-RED process died; restarting it',
      );
      restartTimer = setTimeout(start, delayMs);
      delayMs = Math.min(maxDelayMs, delayMs * 2);
    });
    current.once('error', (error) => logger.error({ err: error }, 'Node-RED process could not be started'));
  };

  start();

  return {
    port: () => port,
    pid: () => child?.pid,
    whenReady(timeoutMs) {
      if (port !== undefined) return Promise.resolve(true);
      return new Promise((resolve) => {
        const wake = (ready: boolean) => {
          clearTimeout(timer);
          readyWaiters.delete(wake);
          resolve(ready);
        };
        const timer = setTimeout(() => wake(false), timeoutMs);
        readyWaiters.add(wake);
      });
    },
    async stop() {
      stopping = true;
      clearTimeout(restartTimer);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      // Asked first (Node-RED closes its nodes), then made to.
      childLink?.send({ t: 'stop' });
      const kill = setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(kill);
    },
  };
}
