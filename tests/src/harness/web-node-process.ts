import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Generous: on a shared two-core machine under load a start has taken over 40 s.
const START_TIMEOUT_MS = 90_000;

export interface WebNodeProcess {
  httpUrl: string;
  /** SIGTERM and wait for the exit. */
  stop(): Promise<void>;
  /** Its log lines so far. */
  output(): string;
}

/**
 * One more web node: the web service alone (`web/src/main.ts`, as `npm start -w web` runs it) in
 * a child process on a free port, on an existing data dir and the broker at `env.MQTT_URL`.
 */
export async function startWebNodeProcess(
  dataDir: string,
  env: Record<string, string>,
): Promise<WebNodeProcess> {
  const httpPort = await freePort();
  const { PATH, HOME } = process.env;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'web/src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH,
      HOME,
      GRIDSENSE_DATA_DIR: dataDir,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      GRIDSENSE_NODE_RED: 'off',
      LOG_LEVEL: 'warn',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-200_000));
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = () =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited();
    clearTimeout(timer);
    process.removeListener('exit', killOnExit);
  };
  const httpUrl = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForHealth(`${httpUrl}/healthz`, child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { httpUrl, stop, output: () => output };
}

async function waitForHealth(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`web node exited (${child.exitCode}) while starting:\n${output()}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`web node did not answer ${url} within ${START_TIMEOUT_MS} ms:\n${output()}`);
}
