import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Generous: on a shared two-core machine under load a start has taken over 40 s.
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 15_000;
const OUTPUT_TAIL_CHARS = 200_000;

export interface ServiceSpec {
  /** For messages: `alerts`, `node-1`, … */
  name: string;
  /** A GridSense entry point relative to the repository root, run with tsx (`web/src/main.ts`). */
  entry: string;
  /** Its whole environment besides PATH and HOME (settings: README). */
  env: Record<string, string>;
  /** Up once this answers 200, or once this text appears in what the start printed. */
  ready: { url: string } | { printed: string };
}

export interface ServiceProcess {
  name: string;
  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM, SIGKILL if it has not ended after a grace period. */
  stop(): Promise<void>;
  /** Starts it again with the same settings (after kill or stop). */
  restart(): Promise<void>;
  /** What it printed so far, over every start. */
  output(): string;
  pid(): number | undefined;
}

/** One GridSense service in a child process; a start resolves once the service says it is ready. */
export async function startServiceProcess(spec: ServiceSpec): Promise<ServiceProcess> {
  let child: ChildProcess | undefined;
  let output = '';
  // Should the test runner end first, no service outlives it.
  const killOnExit = (): void => void child?.kill('SIGKILL');
  let guarded = false;

  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('exit', () => resolve()));

  const start = async () => {
    if (!guarded) process.on('exit', killOnExit);
    guarded = true;
    const { PATH, HOME } = process.env;
    const started = spawn(process.execPath, ['--import', 'tsx', spec.entry], {
      cwd: ROOT,
      env: { PATH, HOME, ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    let printed = '';
    const append = (chunk: Buffer) => {
      printed += chunk.toString();
      output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    };
    started.stdout?.on('data', append);
    started.stderr?.on('data', append);
    const isReady = async () => {
      if ('printed' in spec.ready) return printed.includes(spec.ready.printed);
      try {
        return (await fetch(spec.ready.url, { signal: AbortSignal.timeout(1_000) })).ok;
      } catch {
        return false; // not listening yet
      }
    };
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await isReady())) {
      if (started.exitCode !== null || started.signalCode !== null)
        throw new Error(
          `${spec.name} exited (${started.exitCode ?? started.signalCode}) while starting:\n${output}`,
        );
      if (Date.now() > deadline) {
        started.kill('SIGKILL');
        throw new Error(`${spec.name} was not ready within ${START_TIMEOUT_MS} ms:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  const service: ServiceProcess = {
    name: spec.name,
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      process.removeListener('exit', killOnExit);
      guarded = false;
      if (!child) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), STOP_GRACE_MS);
      await exited(child);
      clearTimeout(timer);
    },
    restart: start,
    output: () => output,
    pid: () => child?.pid,
  };
  try {
    await start();
  } catch (error) {
    await service.stop();
    throw error;
  }
  return service;
}
