import { decodeBase32, totpCode, totpStep } from '@gridsense/web';
import mqtt from 'mqtt';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from './harness/free-port';

const ROOT = path.resolve(import.meta.dirname, '../..');

interface Answer<T> {
  status: number;
  body: T;
  cookie: string | undefined;
}

/** One JSON request over HTTPS, trusting only the platform's self-signed certificate. */
function httpsJson<T = unknown>(
  url: string,
  ca: string,
  options: { method?: string; cookie?: string; body?: unknown } = {},
): Promise<Answer<T>> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const request = httpsRequest(
      url,
      {
        ca,
        method: options.method ?? 'GET',
        headers: {
          ...(payload ? { 'content-type': 'application/json' } : {}),
          ...(options.cookie ? { cookie: options.cookie } : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          const session = response.headers['set-cookie']?.find((c) => c.startsWith('gs_session='));
          resolve({
            status: response.statusCode ?? 0,
            body: (text ? JSON.parse(text) : undefined) as T,
            cookie: session?.split(';')[0],
          });
        });
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** Runs a tsx entry point of the repository with only these settings; resolves with its exit. */
function runEntry(
  entry: string,
  args: string[],
  env: Record<string, string>,
): { child: ChildProcess; exit: Promise<{ code: number | null; output: string }> } {
  const { PATH, HOME } = process.env;
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: ROOT,
    env: { PATH, HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exit = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
  return { child, exit };
}

/** Every path under `dir` with its permission bits, folders and files apart. */
async function modesUnder(dir: string): Promise<{ path: string; dir: boolean; mode: number }[]> {
  const found = [{ path: dir, dir: true, mode: (await stat(dir)).mode & 0o777 }];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const full = path.join(entry.parentPath, entry.name);
    if (entry.isSymbolicLink()) continue;
    found.push({ path: full, dir: entry.isDirectory(), mode: (await stat(full)).mode & 0o777 });
  }
  return found;
}

const square = (west: number, south: number, size: number) => ({
  type: 'Feature',
  properties: {},
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
      ],
    ],
  },
});

describe('production start (GRIDSENSE_DEMO=off, self-signed TLS, as npm start runs the platform)', () => {
  let dataDir: string;
  let platform: ReturnType<typeof runEntry>;
  let settings: Record<string, string>;
  let base: string;
  let mqttsPort: number;
  let ca: string;
  let adminPassword: string;
  let cookie: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'gridsense-production-'));
    const [httpPort, mqttPort] = [await freePort(), await freePort()];
    mqttsPort = await freePort();
    settings = {
      GRIDSENSE_DATA_DIR: dataDir,
      GRIDSENSE_DEMO: 'off',
      GRIDSENSE_TLS: 'self-signed',
      GRIDSENSE_DISTRICT_NAME: '清河区',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(httpPort),
      MQTT_HOST: '127.0.0.1',
      MQTT_PORT: String(mqttPort),
      MQTTS_PORT: String(mqttsPort),
      LOG_LEVEL: 'warn',
    };
    base = `https://localhost:${httpPort}`;
    platform = runEntry('platform-main.ts', [], settings);
    const certFile = path.join(dataDir, 'tls', 'cert.pem');
    for (;;) {
      const exited = await Promise.race([platform.exit, new Promise((r) => setTimeout(r, 200, null))]);
      if (exited) throw new Error(`the platform exited: ${JSON.stringify(exited)}`);
      if (!existsSync(certFile)) continue;
      ca = await readFile(certFile, 'utf8');
      const healthy = await httpsJson(`${base}/healthz`, ca).catch(() => undefined);
      if (healthy?.status === 200) break;
    }
  }, 60_000);

  afterAll(async () => {
    if (platform?.child.exitCode === null) {
      platform.child.kill('SIGKILL');
      await platform.exit;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('seeds no demo people, devices or provisioning file, and runs no simulator', async () => {
    expect(existsSync(path.join(dataDir, 'demo-devices.json'))).toBe(false);
    // Nobody can sign in yet: not the demo's admin, nor anyone else.
    const demoAdmin = await httpsJson(`${base}/api/session`, ca, {
      method: 'POST',
      body: { username: 'admin', password: 'test-password-1' },
    });
    expect(demoAdmin.status).toBe(401);
  });

  it('creates the first administrator from the command line, once per username', async () => {
    const args = ['--username', 'chief', '--name', '指挥中心管理员'];
    const created = await runEntry('state/src/create-admin.ts', args, settings).exit;
    expect(created.code, created.output).toBe(0);
    adminPassword = /Password \(shown only now[^)]*\): (\S+)/.exec(created.output)?.[1] ?? '';
    expect(adminPassword).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{10,}$/);

    const again = await runEntry('state/src/create-admin.ts', args, settings).exit;
    expect(again.code).toBe(1);
    expect(again.output).toContain('username chief is taken');
  }, 60_000);

  it('signs the administrator in over HTTPS, who changes the password and enrols a second factor first', async () => {
    const signIn = await httpsJson<{ passwordChangeRequired: boolean }>(`${base}/api/session`, ca, {
      method: 'POST',
      body: { username: 'chief', password: adminPassword },
    });
    expect(signIn.status).toBe(200);
    expect(signIn.body.passwordChangeRequired).toBe(true);
    cookie = signIn.cookie!;
    expect((await httpsJson(`${base}/api/admin/regions`, ca, { cookie })).status).toBe(403);
    const changed = await httpsJson(`${base}/api/me/password`, ca, {
      method: 'POST',
      cookie,
      body: { currentPassword: adminPassword, newPassword: 'Qinghe-Command-2026' },
    });
    expect(changed.status).toBe(200);
    // Administrators then set up two-factor sign-in before anything else.
    expect((await httpsJson(`${base}/api/admin/regions`, ca, { cookie })).status).toBe(403);
    const started = await httpsJson<{ secret: string }>(`${base}/api/me/totp`, ca, {
      method: 'POST',
      cookie,
      body: {},
    });
    const code = totpCode(decodeBase32(started.body.secret)!, totpStep(Date.now()));
    const confirmed = await httpsJson(`${base}/api/me/totp/confirm`, ca, {
      method: 'POST',
      cookie,
      body: { code },
    });
    expect(confirmed.status).toBe(200);
  }, 30_000);

  it('has the district root and the standard taxonomy, and nobody and nothing else', async () => {
    const regions = await httpsJson<{ id: string; level: string; name: string }[]>(
      `${base}/api/admin/regions`,
      ca,
      { cookie },
    );
    expect(regions.body.map(({ id, level, name }) => ({ id, level, name }))).toEqual([
      { id: 'D01', level: 'district', name: '清河区' },
    ]);
    const people = await httpsJson<{ username: string; role: string }[]>(`${base}/api/admin/people`, ca, {
      cookie,
    });
    expect(people.body.map((p) => [p.username, p.role])).toEqual([['chief', 'admin']]);
    expect((await httpsJson<unknown[]>(`${base}/api/devices`, ca, { cookie })).body).toEqual([]);
    const config = await httpsJson<{ categories: { key: string }[]; slas: unknown[] }>(
      `${base}/api/case-config`,
      ca,
      { cookie },
    );
    expect(config.body.categories.map((c) => c.key)).toContain('fire_safety.alarm.smoke');
    expect(config.body.slas.length).toBeGreaterThan(0);
    const rules = await httpsJson<unknown[]>(`${base}/api/admin/dispatch-rules`, ca, { cookie });
    expect(rules.body).toEqual([]);
  });

  it('lets the administrator build the hierarchy: a street, a community, a grid', async () => {
    const add = (body: Record<string, unknown>) =>
      httpsJson<{ id: string; level: string; parentId: string }>(`${base}/api/admin/regions`, ca, {
        method: 'POST',
        cookie,
        body,
      });
    const street = await add({ level: 'street', id: 'S01', name: '望江街道', parentId: 'D01' });
    expect(street.status).toBe(201);
    const misplaced = await add({ level: 'community', id: 'C00', name: '错位社区', parentId: 'D01' });
    expect(misplaced.status).toBe(400);
    const community = await add({ level: 'community', id: 'C01', name: '柳翠社区', parentId: 'S01' });
    expect(community.status).toBe(201);
    const noBoundary = await add({ id: 'G00', name: '无边界网格', parentId: 'C01' });
    expect(noBoundary.status).toBe(400);
    const grid = await add({
      level: 'grid',
      id: 'G01',
      name: '柳翠一网格',
      parentId: 'C01',
      boundary: square(120.15, 30.25, 0.002),
    });
    expect(grid.status).toBe(201);
    const regions = await httpsJson<{ id: string; level: string; parentId: string | null }[]>(
      `${base}/api/admin/regions`,
      ca,
      { cookie },
    );
    const tree = regions.body.map(({ id, level, parentId }) => [id, level, parentId]);
    expect(tree.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      ['C01', 'community', 'S01'],
      ['D01', 'district', null],
      ['G01', 'grid', 'C01'],
      ['S01', 'street', 'D01'],
    ]);
  });

  it('stores a registered device reading over MQTTS', async () => {
    const registered = await httpsJson<{ secret: string }>(`${base}/api/devices`, ca, {
      method: 'POST',
      cookie,
      body: { id: 'smoke-g01-1', gridId: 'G01', type: 'smoke_detector' },
    });
    expect(registered.status).toBe(201);
    const client = await mqtt.connectAsync(`mqtts://localhost:${mqttsPort}`, {
      clientId: 'smoke-g01-1',
      username: 'smoke-g01-1',
      password: registered.body.secret,
      ca,
      reconnectPeriod: 0,
    });
    // QoS 1: resolves on the PUBACK, sent once the reading is durable.
    await client.publishAsync(
      'gs/v1/G01/smoke-g01-1/telemetry',
      JSON.stringify({ seq: 1, metrics: { battery: 90 } }),
      {
        qos: 1,
      },
    );
    await client.endAsync();
  });

  it('keeps everything it writes under the data dir to this user: files 0600, folders 0700', async () => {
    const looseIn = async (expected: string[]) => {
      const found = await modesUnder(dataDir);
      const names = found.map((f) => path.relative(dataDir, f.path));
      for (const name of expected) expect(names).toContain(name);
      return found
        .filter((f) => f.mode !== (f.dir ? 0o700 : 0o600))
        .map((f) => `${path.relative(dataDir, f.path)} ${f.mode.toString(8)}`);
    };
    // Running: the database's -wal and -shm exist, the spool holds its intent journal.
    const running = ['state.db', 'state.db-wal', 'state.db-shm', 'timeseries.db', 'spool', 'keys/audit.key'];
    expect(await looseIn([...running, 'tls/key.pem', 'node-red/flows.json'])).toEqual([]);
    platform.child.kill('SIGTERM');
    expect((await platform.exit).code).toBe(0);
    expect(await looseIn(['state.db', 'audit-anchor.log', 'keys/personal-data.key'])).toEqual([]);
  }, 30_000);
});

describe('production without TLS', () => {
  it('refuses to start and names the missing setting', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'gridsense-production-'));
    try {
      const { code, output } = await runEntry('platform-main.ts', [], {
        GRIDSENSE_DATA_DIR: dataDir,
        GRIDSENSE_DEMO: 'off',
        HTTP_PORT: '0',
        MQTT_PORT: '0',
      }).exit;
      expect(code).toBe(2);
      expect(output).toContain('production needs TLS');
      expect(existsSync(path.join(dataDir, 'state.db'))).toBe(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 30_000);
});
