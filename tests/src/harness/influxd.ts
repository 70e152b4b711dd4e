import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { binaryTestMode, findBinary } from './required-binary';

export interface InfluxdInstance {
  /** e.g. `http://127.0.0.1:40123`; no database exists yet (the store creates its own). */
  url: string;
  database?: never;
  /** The influxd process, for CPU figures (0 if it has none). */
  pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 5_000;
const STDERR_TAIL_CHARS = 4_000;
// A port picked free can be taken before influxd binds it; a fresh pair usually works.
const START_ATTEMPTS = 3;

/** Is `influxd` (Debian package `influxdb`) on PATH? */
export function influxdAvailable(): boolean {
  return findBinary('influxd') !== undefined;
}

/** 'run', or 'skip' outside CI when influxd is missing (throws under CI=true). */
export function influxTestMode(): 'run' | 'skip' {
  return binaryTestMode('influxd', 'influxdb');
}

/** Starts a throwaway InfluxDB 1.x on free ports in a fresh temp dir; stop() kills it and deletes the dir. */
export async function startInfluxd(): Promise<InfluxdInstance> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce();
    } catch (error) {
      const portTaken = error instanceof Error && error.message.includes('address already in use');
      if (!portTaken || attempt >= START_ATTEMPTS) throw error;
    }
  }
}

async function startOnce(): Promise<InfluxdInstance> {
  const [httpPort, rpcPort] = await pickTwoPorts();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-influxd-'));
  const configFile = path.join(dir, 'influxd.conf');
  await writeFile(configFile, renderConfig(dir, httpPort, rpcPort));

  const child = spawn('influxd', ['-config', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));
  // Always drained, or influxd blocks once the pipe fills; the tail explains a failed start.
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL_CHARS)));

  // A test run that dies without stop() must not leave influxd behind.
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      await killChild(child);
      await rm(dir, { recursive: true, force: true });
    })());

  const url = `http://127.0.0.1:${httpPort}`;
  try {
    await waitForPing(url, child, () => spawnError);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- influxd stderr (tail) ---\n${stderr}`, {
      cause: error,
    });
  }
  return { url, pid: child.pid ?? 0, stop };
}

async function pickTwoPorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

// Both ports are ours: the rpc `bind-address` (default 8088) collides between instances otherwise.
function renderConfig(dir: string, httpPort: number, rpcPort: number): string {
  const quote = (value: string): string => JSON.stringify(value);
  return `reporting-disabled = true
bind-address = ${quote(`127.0.0.1:${rpcPort}`)}

[meta]
  dir = ${quote(path.join(dir, 'meta'))}

[data]
  dir = ${quote(path.join(dir, 'data'))}
  wal-dir = ${quote(path.join(dir, 'wal'))}
  query-log-enabled = false

[http]
  bind-address = ${quote(`127.0.0.1:${httpPort}`)}
  log-enabled = false

# Start time is the same either way (~0.1 s here); this only spares the _internal stats writes.
[monitor]
  store-enabled = false
`;
}

async function waitForPing(
  url: string,
  child: ChildProcess,
  spawnError: () => Error | undefined,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const error = spawnError();
    if (error) throw new Error(`influxd could not be started: ${error.message}`);
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`influxd exited (${child.exitCode ?? child.signalCode}) before answering ${url}/ping`);
    }
    try {
      const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 204) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`influxd did not answer ${url}/ping within ${START_TIMEOUT_MS} ms`);
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
