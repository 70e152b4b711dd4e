import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Generous: on a shared two-core machine under load a start has taken over 40 s.
const START_TIMEOUT_MS = 90_000;

export interface PlatformProcess {
  httpUrl: string;
  /** The embedded broker (also when it was restarted: the ports stay the same). */
  mqttUrl: string;
  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
  /** Starts the same platform again (same data dir, ports and settings). */
  restart(): Promise<void>;
  /** The process's log lines so far (JSON lines from pino, plus anything printed). */
  output(): string;
  /** The pid of the process started last (the supervisor, when supervised). */
  pid(): number | undefined;
  /** Supervised only: the pid of the platform child the supervisor started last. */
  platformPid(): number | undefined;
}

/**
 * The platform (`platform-main.ts`) in a child process, on fixed free ports so devices can
 * reconnect to the same address after a kill. `supervised` runs GridSense's real entry point
 * instead (`main.ts`, as `npm start` runs it, minus the console build): a supervisor with the
 * platform as its child. `env` adds or overrides settings (INFLUX_URL, MQTT_URL, …).
 */
export async function startPlatformProcess(
  dataDir: string,
  env: Record<string, string> = {},
  options: { supervised?: boolean } = {},
): Promise<PlatformProcess> {
  const [httpPort, mqttPort] = [await freePort(), await freePort()];
  const settings: Record<string, string> = {
    GRIDSENSE_DATA_DIR: dataDir,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(httpPort),
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: String(mqttPort),
    GRIDSENSE_SIMULATOR: 'off',
    GRIDSENSE_NODE_RED: 'off',
    GRIDSENSE_DEMO_PASSWORD: 'test-password-1',
    LOG_LEVEL: 'warn',
    ...env,
  };
  let child: ChildProcess | undefined;
  let output = '';
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const start = async () => {
    const { PATH, HOME } = process.env;
    const entry = options.supervised ? 'main.ts' : 'platform-main.ts';
    child = spawn(process.execPath, ['--import', 'tsx', entry], {
      cwd: ROOT,
      env: { PATH, HOME, ...settings },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
    child.stdout?.on('data', append);
    child.stderr?.on('data', append);
    await waitForHealth(`http://127.0.0.1:${httpPort}/healthz`, child, () => output);
  };
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('exit', () => resolve()));

  await start();
  return {
    httpUrl: `http://127.0.0.1:${httpPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    async kill() {
      if (!child) return;
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      if (!child) return;
      child.kill('SIGTERM');
      await exited(child);
      process.removeListener('exit', killOnExit);
    },
    restart: start,
    output: () => output,
    pid: () => child?.pid,
    platformPid() {
      const started = [...output.matchAll(/"pid":(\d+)[^\n]*"msg":"platform process ready"/g)].at(-1);
      return started ? Number(started[1]) : undefined;
    },
  };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`platform exited (${child.exitCode}) while starting:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`platform did not answer ${url} within ${START_TIMEOUT_MS} ms:\n${output()}`);
}
