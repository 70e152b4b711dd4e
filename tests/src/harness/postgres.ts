import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort } from './free-port';
import { binaryTestMode } from './required-binary';

export interface PostgresInstance {
  port: number;
  pid: number;
  /** The temp dir holding the cluster and its socket; removed by stop(). */
  dir: string;
  /** `postgres://postgres@127.0.0.1:<port>/<database>` */
  url(database: string): string;
  /** A new empty database (or a copy of `template`, which must have no open connections); its URL. */
  createDatabase(template?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Debian's `postgresql` package puts the server binaries here, off PATH. */
export const POSTGRES_BIN = process.env.GRIDSENSE_POSTGRES_BIN ?? '/usr/lib/postgresql/15/bin';
const START_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 10_000;
const OUTPUT_TAIL_CHARS = 4_000;
const START_ATTEMPTS = 3;

/** 'run', or 'skip' outside CI when PostgreSQL is missing (throws under CI=true). */
export function postgresTestMode(): 'run' | 'skip' {
  return binaryTestMode(path.join(POSTGRES_BIN, 'postgres'), 'postgresql');
}

/**
 * PostgreSQL refuses to run as root; as root the cluster belongs to the `postgres` OS user
 * (Debian creates it with the package). Otherwise it runs as whoever runs the tests.
 */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  return { uid: id('-u'), gid: id('-g') };
}

/**
 * A throwaway PostgreSQL on a free port in a fresh temp dir (socket there too), trusting local
 * connections, with fsync off: these tests need its semantics, not its durability. stop() ends
 * this server's own PID and deletes the dir.
 */
export async function startPostgres(): Promise<PostgresInstance> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'gridsense-postgres-'));
  const user = serverUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const dataDir = path.join(dir, 'data');
  try {
    execFileSync(
      path.join(POSTGRES_BIN, 'initdb'),
      ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'],
      { stdio: 'pipe', ...user },
    );
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const output = (error as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
    throw new Error(`initdb failed: ${(error as Error).message}\n${output}`, { cause: error });
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await startServer(dir, dataDir, user);
    } catch (error) {
      const portTaken = error instanceof Error && /could not bind|already in use/i.test(error.message);
      if (!portTaken || attempt >= START_ATTEMPTS) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
}

async function startServer(
  dir: string,
  dataDir: string,
  user: { uid: number; gid: number } | undefined,
): Promise<PostgresInstance> {
  const port = await freePort();
  const settings = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    max_connections: '200',
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [name, value] of Object.entries(settings)) args.push('-c', `${name}=${value}`);
  const child: ChildProcess = spawn(path.join(POSTGRES_BIN, 'postgres'), args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    ...user,
  });
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString('utf8')).slice(-OUTPUT_TAIL_CHARS));
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let spawnError: Error | undefined;
  child.on('error', (error) => (spawnError = error));

  // A test run that dies without stop() must not leave the server behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  const url = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      process.removeListener('exit', killOnExit);
      await killChild(child);
      rmSync(dir, { recursive: true, force: true });
    })());

  try {
    await waitUntilReady(url('postgres'), child, () => spawnError);
  } catch (error) {
    process.removeListener('exit', killOnExit);
    await killChild(child);
    throw new Error(`${(error as Error).message}\n--- postgres output (tail) ---\n${output}`, {
      cause: error,
    });
  }

  let made = 0;
  const createDatabase = async (template = 'template0') => {
    const name = `gridsense_${process.pid}_${++made}`;
    const admin = new pg.Client({ connectionString: url('postgres') });
    await admin.connect();
    try {
      await admin.query(`create database "${name}" template "${template}"`);
    } finally {
      await admin.end();
    }
    return url(name);
  };
  return { port, pid: child.pid ?? 0, dir, url, createDatabase, stop };
}

async function waitUntilReady(
  url: string,
  child: ChildProcess,
  spawnError: () => Error | undefined,
): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const error = spawnError();
    if (error) throw new Error(`postgres could not be started: ${error.message}`);
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`postgres exited (${child.exitCode ?? child.signalCode}) before accepting connections`);
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_000 });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch {
      // Not accepting connections yet (or still starting up).
    } finally {
      await client.end().catch(() => undefined);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`postgres did not accept connections within ${START_TIMEOUT_MS} ms`);
}

/** SIGINT is PostgreSQL's "fast shutdown": it ends sessions and stops without waiting for them. */
async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

let shared: Promise<PostgresInstance> | undefined;

/**
 * One server for the whole test file (start-up is the slow part, ~1–2 s); each test asks it for
 * its own database. The caller's afterAll calls stopSharedPostgres().
 */
export function sharedPostgres(): Promise<PostgresInstance> {
  return (shared ??= startPostgres());
}

export async function stopSharedPostgres(): Promise<void> {
  const server = shared;
  shared = undefined;
  if (server) await (await server).stop();
}
