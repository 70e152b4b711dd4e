import { hashDeviceSecret, insertDevices, openStateDb, seedDemoDistrict } from '@gridsense/state';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../../..');
// Generous: on a shared two-core machine under load a start has taken tens of seconds.
const START_TIMEOUT_MS = 90_000;
const INSERT_CHUNK = 500;

export interface IngestDevice {
  id: string;
  gridId: string;
  type: string;
  secret: string;
}

/** Numbered smoke detectors spread over the demo district's grids G01…G12. */
export function numberedSmokeDetectors(prefix: string, count: number): IngestDevice[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}-${String(i + 1).padStart(5, '0')}`,
    gridId: `G${String((i % 12) + 1).padStart(2, '0')}`,
    type: 'smoke_detector',
    secret: `secret-${i + 1}`,
  }));
}

/** A data dir for ingest on its own: the demo district's grids and rules, and `devices`. */
export async function provisionIngestDataDir(dataDir: string, devices: IngestDevice[]): Promise<void> {
  const db = await openStateDb(path.join(dataDir, 'state.db'));
  try {
    const now = Date.now();
    await seedDemoDistrict(db, { now, fixedPassword: 'test-password-1' });
    for (let i = 0; i < devices.length; i += INSERT_CHUNK) {
      const chunk = devices.slice(i, i + INSERT_CHUNK).map((d) => ({
        id: d.id,
        gridId: d.gridId,
        type: d.type,
        name: d.id,
        lat: 30.255,
        lng: 120.17,
        secretHash: hashDeviceSecret(d.secret),
      }));
      await insertDevices(db, chunk, now);
    }
  } finally {
    await db.destroy();
  }
}

export interface IngestProcess {
  /** SIGKILL: no shutdown code runs, as in a crash or an OOM kill. */
  kill(): Promise<void>;
  /** SIGTERM and wait for a clean exit. */
  stop(): Promise<void>;
  /** Starts the same ingest again (same data dir and settings). */
  restart(): Promise<void>;
  output(): string;
  pid(): number | undefined;
}

/**
 * Ingest on its own (`ingest/src/main.ts`, as `npm start -w @gridsense/ingest` runs it) in a
 * child process: behind `MQTT_URL`, storing into `INFLUX_URL` or the data dir's embedded store.
 * Ready once it logs "ingest running" (its subscribers are connected and subscribed).
 */
export async function startIngestProcess(
  dataDir: string,
  env: Record<string, string>,
  /** Another entry point with the same behaviour (the bench's comparison with an older subscriber). */
  entry = 'ingest/src/main.ts',
): Promise<IngestProcess> {
  const settings: Record<string, string> = { GRIDSENSE_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env };
  let child: ChildProcess | undefined;
  let output = '';
  const killOnExit = (): void => void child?.kill('SIGKILL');
  process.on('exit', killOnExit);
  const exited = (c: ChildProcess) =>
    c.exitCode !== null || c.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => c.once('exit', () => resolve()));

  const start = async () => {
    const { PATH, HOME } = process.env;
    let own = '';
    const started = spawn(process.execPath, ['--max-semi-space-size=64', '--import', 'tsx', entry], {
      cwd: ROOT,
      env: { PATH, HOME, ...settings },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = started;
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
      if (own.length < 100_000) own += chunk.toString();
    };
    started.stdout?.on('data', append);
    started.stderr?.on('data', append);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!own.includes('"msg":"ingest running"')) {
      if (started.exitCode !== null)
        throw new Error(`ingest exited (${started.exitCode}) while starting:\n${output}`);
      if (Date.now() > deadline)
        throw new Error(`ingest did not start within ${START_TIMEOUT_MS} ms:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  await start();
  return {
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
  };
}
