import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stopChild, waitForPort } from './child-port';
import { freePort } from './free-port';
import { binaryTestMode, findBinary } from './required-binary';

export interface RedisInstance {
  /** `redis://127.0.0.1:<port>` */
  url: string;
  port: number;
  pid: number;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const BINARY = findBinary('redis-server') ?? '/usr/bin/redis-server';

/** 'run', or 'skip' outside CI when Debian's redis-server is missing (throws under CI=true). */
export function redisTestMode(): 'run' | 'skip' {
  return binaryTestMode(BINARY, 'redis-server');
}

/**
 * A throwaway Redis on a free port in a temp dir: no snapshots, append-only file off (the tests
 * that use it care about the bus and shared sessions, not Redis' own durability).
 */
export async function startRedis(): Promise<RedisInstance> {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-redis-'));
  const child: ChildProcess = spawn(
    BINARY,
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-4000));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const killOnExit = (): void => void child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await waitForPort('redis-server', port, child, START_TIMEOUT_MS);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- redis-server output ---\n${output}`, { cause: error });
  }
  return { url: `redis://127.0.0.1:${port}`, port, pid: child.pid ?? 0, stop };
}
