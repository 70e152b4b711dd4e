import type { PushTargetPolicy } from '@gridsense/alerts';
import {
  parseConfig,
  type CaseView,
  type SessionView,
  type ServerToClientEvents,
  type ClientToServerEvents,
} from '@gridsense/core';
import {
  createLogger,
  openStateDb,
  type DeviceCredential,
  type StateDb,
  type StateDialect,
} from '@gridsense/state';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { startPlatform, type Platform } from '../../../platform';
import { TestAuthenticator } from './authenticator';
import { sharedPostgres } from './postgres';

export const TEST_PASSWORD = 'test-password-1';

/** PostgreSQL mode takes its keys from settings (no key files); fixed ones serve every test. */
const POSTGRES_KEYS = { GRIDSENSE_AUDIT_KEY: 'a'.repeat(43), GRIDSENSE_DATA_KEY: 'p'.repeat(43) };

export interface TestPlatform {
  platform: Platform;
  baseUrl: string;
  mqttUrl: string;
  dataDir: string;
  devices: DeviceCredential[];
  /**
   * Signs in (one slow password check: sign in once per person and file, and keep the client).
   * A person whose role requires two-factor sign-in is enrolled through the API at their first
   * sign-in (after a required password change, when that is done); later sign-ins bring a code.
   */
  login(username: string, password?: string): Promise<ApiClient>;
  /** The authenticator app holding the secrets of the people `login` enrolled. */
  authenticator: TestAuthenticator;
  /**
   * What a person types into Node-RED's password field: the password followed by their next
   * code (enrolled through `login` first when they are not yet). The editor takes no recovery
   * code, so a person signs in to it at most twice in the 30 s step of their enrolment.
   */
  editorPassword(username: string, password?: string): Promise<string>;
  /** A second handle on the platform's state database, as another process would have; the caller destroys it. */
  openState(): Promise<StateDb>;
  stop(): Promise<void>;
}

export interface ApiClient {
  /** `gs_session=…`, the session cookie as a `Cookie` header sends it. */
  cookie: string;
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  socket(): Promise<Socket<ServerToClientEvents, ClientToServerEvents>>;
}

/** The session cookie a sign-in response set, as a `Cookie` header value (the body has no token). */
export function sessionCookieOf(response: Response): string {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('gs_session='));
  if (!cookie) throw new Error(`no session cookie in the answer (${response.status})`);
  return cookie.split(';')[0]!;
}

/**
 * The whole platform in this process on free ports and a temp data dir (simulator off). `env`
 * adds or overrides settings (connection caps, packet limits …). With `dialect: 'postgres'` its
 * state lives in a fresh database on the test file's shared PostgreSQL server (`sharedPostgres`;
 * importing `@gridsense/state/testing` stops it after the file).
 */
export async function startTestPlatform(
  options: {
    influxUrl?: string;
    nodeRed?: boolean;
    staticDir?: string;
    env?: Record<string, string>;
    /** Where push may be sent; default: loopback too, where the tests' receivers are. */
    pushTargets?: PushTargetPolicy;
    /** The platform's clock (sessions, passwords, deadlines); tests move it to skip idle minutes. */
    now?: () => number;
    /** Where state lives: SQLite in the data dir (the default) or PostgreSQL. */
    dialect?: StateDialect;
  } = {},
): Promise<TestPlatform> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gridsense-test-'));
  const postgres =
    options.dialect === 'postgres'
      ? { DATABASE_URL: await (await sharedPostgres()).createDatabase(), ...POSTGRES_KEYS }
      : {};
  const parsed = parseConfig({
    GRIDSENSE_DATA_DIR: dataDir,
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    MQTT_HOST: '127.0.0.1',
    MQTT_PORT: '0',
    GRIDSENSE_SIMULATOR: 'off',
    GRIDSENSE_NODE_RED: options.nodeRed ? 'on' : 'off',
    GRIDSENSE_DEMO_PASSWORD: TEST_PASSWORD,
    // Tests that need the demo's 90 days of history ask for it (GRIDSENSE_DEMO_HISTORY_DAYS).
    GRIDSENSE_DEMO_HISTORY_DAYS: '0',
    LOG_LEVEL: 'warn',
    ...(options.influxUrl ? { INFLUX_URL: options.influxUrl, INFLUX_DATABASE: 'gridsense_test' } : {}),
    ...postgres,
    ...options.env,
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  const platform = await startPlatform(parsed.config, {
    logger: createLogger({ level: 'warn' }),
    ...(options.staticDir ? { staticDir: options.staticDir } : {}),
    pushTargets: options.pushTargets ?? { allowLoopbackForTests: true },
    ...(options.now ? { now: options.now } : {}),
  });
  const baseUrl = `http://127.0.0.1:${platform.httpPort}`;
  const devices = JSON.parse(
    await readFile(join(dataDir, 'demo-devices.json'), 'utf8'),
  ) as DeviceCredential[];
  const sockets: Socket[] = [];
  const authenticator = new TestAuthenticator(options.now);

  async function login(username: string, password = TEST_PASSWORD): Promise<ApiClient> {
    const response = await fetch(`${baseUrl}/api/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, ...authenticator.nextFactor(username) }),
    });
    if (response.status !== 200)
      throw new Error(`login ${username}: ${response.status} ${await response.text()}`);
    const cookie = sessionCookieOf(response);
    const enrolIfRequired = async (view: SessionView) => {
      if (view.totpEnrolmentRequired && !view.passwordChangeRequired)
        await authenticator.enrol(baseUrl, cookie, username);
    };
    await enrolIfRequired((await response.json()) as SessionView);
    return {
      cookie,
      async call<T>(method: string, path: string, body?: unknown) {
        const isBinary = Buffer.isBuffer(body);
        const res = await fetch(`${baseUrl}${path}`, {
          method,
          headers: {
            cookie,
            ...(body === undefined ? {} : { 'content-type': isBinary ? 'image/png' : 'application/json' }),
          },
          ...(body === undefined ? {} : { body: isBinary ? (body as Buffer) : JSON.stringify(body) }),
        });
        const text = await res.text();
        // A CSV download answers text, not JSON: handed back as it came.
        const json = res.headers.get('content-type')?.includes('json') ?? true;
        const answer = (text ? (json ? JSON.parse(text) : text) : undefined) as T;
        // A required password change done: the session now asks for enrolment.
        if (method === 'POST' && path === '/api/me/password' && res.status === 200)
          await enrolIfRequired(answer as SessionView);
        return { status: res.status, body: answer };
      },
      async socket() {
        const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(baseUrl, {
          extraHeaders: { cookie },
          transports: ['websocket'],
        });
        sockets.push(socket);
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        return socket;
      },
    };
  }

  return {
    platform,
    baseUrl,
    mqttUrl: `mqtt://127.0.0.1:${platform.mqttPort}`,
    dataDir,
    devices,
    login,
    authenticator,
    async editorPassword(username, password = TEST_PASSWORD) {
      if (!authenticator.isEnrolled(username)) await login(username, password);
      // Someone without a second factor (a grid worker) types the password alone.
      if (!authenticator.isEnrolled(username)) return password;
      let code = authenticator.nextCode(username);
      // The editor takes no recovery code: once this step's codes are spent, the next step brings
      // one (rare: a file that signs one person in to the editor three times within 30 s).
      for (let wait = 0; !code && wait < 2; wait++) {
        await new Promise((resolve) => setTimeout(resolve, 30_050 - (Date.now() % 30_000)));
        code = authenticator.nextCode(username);
      }
      if (!code) throw new Error(`${username}: the codes within reach are spent for this 30 s step`);
      return password + code;
    },
    openState: () => openStateDb(join(dataDir, 'state.db'), parsed.config),
    async stop() {
      for (const socket of sockets) socket.disconnect();
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the first pushed case that satisfies `match`, or rejects after `timeoutMs`. */
export function nextCaseUpdate(
  socket: Socket<ServerToClientEvents, ClientToServerEvents>,
  match: (view: CaseView) => boolean,
  timeoutMs = 10_000,
): Promise<CaseView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('case:updated', listener);
      reject(new Error('no matching case:updated arrived'));
    }, timeoutMs);
    const listener = (view: CaseView) => {
      if (!match(view)) return;
      clearTimeout(timer);
      socket.off('case:updated', listener);
      resolve(view);
    };
    socket.on('case:updated', listener);
  });
}
