import { isTileTemplate, type BaseMap } from './map-tiles';
import { parseWorkMessaging, WORK_MESSAGING_DOC, type WorkMessagingConfig } from './work-messaging-config';

/**
 * GridSense configuration, parsed once from the environment and validated, every bad key listed.
 * Pure: callers pass `process.env`, so this is the only place that knows the variable names.
 */
export interface Config {
  dataDir: string;
  httpHost: string;
  httpPort: number;
  mqttHost: string;
  mqttPort: number;
  /** External broker; when set, the embedded one is not started. */
  mqttUrl: string | undefined;
  /** With MQTT_URL: further nodes of the same broker cluster a service's bus moves to, in turn. */
  mqttFailoverUrls: string[];
  mqttUsername: string | undefined;
  mqttPassword: string | undefined;
  /** This node's name among the nodes sharing REDIS_URL (the embedded broker's aedes id). */
  nodeId: string;
  influxUrl: string | undefined;
  /** Redis shared by the nodes of a cluster (web nodes' socket.io rooms); unset: one node, in memory. */
  redisUrl: string | undefined;
  influxDatabase: string;
  influxUsername: string | undefined;
  influxPassword: string | undefined;
  influxToken: string | undefined;
  /** Fixed password for every seeded demo user (otherwise generated and printed once). */
  demoPassword: string | undefined;
  /** Days of generated case and reading history the demo seeds at first start (0: none). */
  demoHistoryDays: number;
  /** The audit log's HMAC key; otherwise `<dataDir>/keys/audit.key`, created at first start. */
  auditKey: string | undefined;
  /** Seals hotline callers' names and numbers; otherwise `<dataDir>/keys/personal-data.key`. */
  personalDataKey: string | undefined;
  /** State on PostgreSQL (`postgres://…`); unset: the SQLite file `<dataDir>/state.db`. */
  databaseUrl: string | undefined;
  /** GRIDSENSE_STATE_FRESH=confirm: start on a PostgreSQL without state though state.db holds some. */
  stateFreshConfirmed: boolean;
  simulator: boolean;
  simulatorIntervalMs: number;
  nodeRed: boolean;
  /** Risks become cases in this process (off: a separate alerts process does it, on a cluster). */
  alerts: boolean;
  /** How often the deadline clocks are checked for owed reminders and escalations. */
  deadlineCheckMs: number;
  logLevel: 'debug' | 'info' | 'warn' | 'error';
  /** Ingest's on-disk spool (readings wait here while the time-series store is down). */
  spoolDir: string;
  spoolMaxBytes: number;
  /** Readings admitted by ingest and not yet durable; past it PUBACKs wait. */
  ingestMaxInFlight: number;
  /** A store write unanswered this long counts as failed: its batch goes to the spool. */
  storeStallMs: number;
  /** Device PUBLISHes the embedded broker holds unacknowledged before it stops reading device sockets. */
  mqttMaxHeldPublishes: number;
  /** Worker threads for the embedded broker's ingest (0: on the broker's event loop). */
  ingestThreads: number;
  /** Where ingest running alone serves /metrics (the platform serves it on HTTP_PORT). */
  metricsPort: number | undefined;
  /** Subscriber connections to an external broker (>1: a shared subscription). */
  ingestSubscribers: number;
  /** With MQTT_URL: this ingest process among several on one broker (`index` of `count`, on $share). */
  ingestInstance: { index: number; count: number };
  /** With MQTT_URL: how often ingest checks that its subscribers still receive device messages. */
  ingestSilenceCheckMs: number;
  /** GRIDSENSE_TIMESERIES_MOVE=confirm: start on another time-series store than the data dir served. */
  timeseriesMoveConfirmed: boolean;
  /** Days to keep raw readings, minute rollups and hour rollups; 0 keeps them forever. */
  retentionDays: { raw: number; minuteRollups: number; hourRollups: number };
  /** What one stranger on the network can make GridSense hold. */
  limits: NetworkLimits;
  /** TLS for the console, API and WSS on HTTP_PORT, and MQTT over TLS on MQTTS_PORT. */
  tls: TlsSetting;
  /** The embedded broker's TLS port (only with TLS). */
  mqttsPort: number;
  /** Keep the embedded broker's plain MQTT port open (with TLS on, devices may still use it). */
  mqttPlain: boolean;
  /** The host name devices reach the embedded broker at (otherwise the console's, as the browser sees it). */
  mqttPublicHost: string | undefined;
  /** A TLS-terminating proxy is in front: trust its X-Forwarded-Proto from loopback. */
  behindTlsProxy: boolean;
  /** A real deployment: no demo people, devices or simulator; TLS required. */
  production: boolean;
  /** The name of the district's root region, seeded on a production start. */
  districtName: string;
  /** With an external Mosquitto: the shared folder where GridSense writes its password file and ACL. */
  mosquittoDir: string | undefined;
  /** How Mosquitto is told to re-read those files after each rewrite (neither: something else does). */
  mosquittoReload: { command: string | undefined; pidFile: string | undefined };
  /** The shared secret EMQX sends to GridSense's authentication and authorization endpoints. */
  emqxAuthSecret: string | undefined;
  /** Tiles drawn under the console's map (an intranet tile server); none by default. */
  baseMap: BaseMap | undefined;
  /** The CJK font (TTF/TTC) reports are drawn in as PDF; unset: a system font where one is found. */
  pdfFont: string | undefined;
  /** How long people's sessions and passwords last. */
  session: SessionPolicy;
  /** DingTalk, WeCom and SMS messages to people by name, where configured. */
  workMessaging?: WorkMessagingConfig;
}

/** Sessions end after `idleTimeoutMs` without an API request and at `lifetimeMs` after sign-in. */
export interface SessionPolicy {
  idleTimeoutMs: number;
  lifetimeMs: number;
  /** A password older than this must be changed at sign-in; 0: never. */
  passwordMaxAgeMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = {
  idleTimeoutMs: 30 * 60_000,
  lifetimeMs: 12 * 3600_000,
  passwordMaxAgeMs: 90 * 86_400_000,
};

export type TlsSetting =
  | { kind: 'off' }
  | { kind: 'files'; certFile: string; keyFile: string }
  /** Generated under `<dataDir>/tls` at first start, for a trial on a LAN (phones need HTTPS). */
  | { kind: 'self-signed' };

/** Caps on what arrives from the network (MQTT, HTTP, WebSocket alike). */
export interface NetworkLimits {
  /** Largest MQTT packet (remaining length) accepted before login and from devices. */
  mqttMaxPacketBytes: number;
  /** Open connections from one remote address, per listener. */
  connectionsPerAddress: number;
  /** Open connections in all, per listener. */
  connectionsTotal: number;
  /** New connections one address may open per second (bursts of five times that). */
  connectionsPerSecond: number;
}

export const DEFAULT_NETWORK_LIMITS: NetworkLimits = {
  mqttMaxPacketBytes: 33 * 1024,
  connectionsTotal: 50_000,
  connectionsPerAddress: 2_000,
  connectionsPerSecond: 200,
};

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: string[] };

/**
 * Ingest's worker threads unless GRIDSENSE_INGEST_THREADS says otherwise (docs/decisions/0015):
 * one, off the broker's loop, except on a broker cluster (REDIS_URL), where the thread lacks the
 * node scoping and seq handover and ingest stays on the loop.
 */
export const INGEST_THREADS_DEFAULT = 1;

const MQTT_PROTOCOLS = ['mqtt:', 'mqtts:', 'ws:', 'wss:', 'tcp:'];

export const CONFIG_DOC: Record<string, string> = {
  ...WORK_MESSAGING_DOC,
  GRIDSENSE_DATA_DIR: 'where state, the embedded time series and Node-RED flows live (default ./data)',
  HTTP_HOST: 'web console / API bind address (default 0.0.0.0)',
  HTTP_PORT: 'web console / API port (default 8080)',
  MQTT_HOST: 'embedded broker bind address (default 0.0.0.0)',
  MQTT_PORT: 'embedded broker TCP port (default 1883; MQTT over WebSocket is at /mqtt on HTTP_PORT)',
  MQTT_URL:
    'use an external broker instead of the embedded one: mqtt:, mqtts:, ws: or wss:, e.g. mqtt://127.0.0.1:1883 or ws://broker:8080/mqtt',
  MQTT_FAILOVER_URLS:
    "with MQTT_URL: the other nodes of the same broker cluster, comma-separated; a service's bus connection (alerts, web, a node's services) moves to the next one in turn when its broker node is gone, keeping its session (default: none)",
  MQTT_USERNAME: 'username GridSense services use on the external broker',
  MQTT_PASSWORD: 'password GridSense services use on the external broker',
  REDIS_URL:
    'Redis shared by the nodes of a cluster, e.g. redis://10.0.0.5:6379: embedded broker nodes share device subscriptions, sessions and the bus in it; web nodes deliver socket.io through its streams (default: none, one node)',
  GRIDSENSE_NODE_ID:
    "this node's name among the nodes sharing REDIS_URL, unique per node: letters, digits, '.', '_', '-' (default <host name>-<MQTT_PORT>)",
  INFLUX_URL: 'InfluxDB v1 HTTP API, e.g. http://127.0.0.1:8086 (default: the embedded store)',
  INFLUX_DATABASE: 'InfluxDB database (1.x) or DBRP-mapped bucket (2.x / 3 Core) (default gridsense)',
  INFLUX_USERNAME: 'InfluxDB 1.x user',
  INFLUX_PASSWORD: 'InfluxDB 1.x password',
  INFLUX_TOKEN: 'InfluxDB 2.x / 3 Core token',
  GRIDSENSE_DEMO_PASSWORD: 'one password for every seeded demo user (default: generated, printed once)',
  GRIDSENSE_DEMO_HISTORY_DAYS:
    'days of generated history (cases with full timelines, hourly readings) the demo seeds at first start, 0–366; 0: none (default 90)',
  GRIDSENSE_AUDIT_KEY:
    'HMAC key sealing the audit log, at least 32 characters; keep it out of the data dir (default: <data dir>/keys/audit.key, created at first start)',
  DATABASE_URL:
    'keep state on PostgreSQL, e.g. postgres://gridsense:secret@10.0.0.6:5432/gridsense, so several nodes of a service can share it (default: SQLite in the data dir); give every node the same GRIDSENSE_AUDIT_KEY and GRIDSENSE_DATA_KEY',
  GRIDSENSE_STATE_FRESH:
    'confirm: with DATABASE_URL, start on a PostgreSQL database without state although <data dir>/state.db holds some (refused otherwise; move it with npm run migrate:state -- --to postgres)',
  GRIDSENSE_DATA_KEY:
    "AES key material sealing hotline callers' names and numbers in the state database, at least 32 characters (default: <data dir>/keys/personal-data.key, created at first start)",
  GRIDSENSE_SIMULATOR: 'run the built-in device simulator: on/off (default on; --no-sim also turns it off)',
  GRIDSENSE_SIM_INTERVAL_MS: 'how often each simulated device reports (default 5000)',
  GRIDSENSE_NODE_RED: 'embed Node-RED at /flows: on/off (default on)',
  GRIDSENSE_DEADLINE_CHECK_S:
    'how often the deadline clocks are checked for owed reminders and escalations (default 15)',
  GRIDSENSE_ALERTS:
    'turn risks into cases and run the deadline clocks and notifications in this process: on/off (default on; off when one alerts process serves a broker cluster, docs/broker-cluster.md)',
  LOG_LEVEL: 'debug | info | warn | error (default info)',
  GRIDSENSE_SPOOL_DIR:
    "ingest's on-disk spool while the time-series store is down (default <data dir>/spool)",
  GRIDSENSE_SPOOL_MAX_MB: 'spool limit in MiB; when full, device acknowledgements wait (default 1024)',
  GRIDSENSE_INGEST_MAX_IN_FLIGHT: 'readings accepted but not yet durable before PUBACKs wait (default 20000)',
  GRIDSENSE_STORE_STALL_MS:
    'a time-series store write unanswered this long counts as failed: the batch is spooled and acknowledged (default 2000)',
  GRIDSENSE_MQTT_MAX_HELD_PUBLISHES:
    'device messages the embedded broker holds unacknowledged (store slow, spool full) before it stops reading device sockets until there is room (default 50000)',
  GRIDSENSE_INGEST_THREADS:
    "with the embedded broker: 1 runs ingest (decode, dedup, rules, group commit, spool) in a worker thread, 0 on the broker's event loop (default 1; 0 with REDIS_URL)",
  GRIDSENSE_TIMESERIES_MOVE:
    'confirm: start on another time-series store than the one the data dir served (refused otherwise; its readings stay in the old store, see npm run migrate:readings); unset it afterwards',
  GRIDSENSE_RAW_RETENTION_DAYS: 'days to keep raw readings; 0 keeps them (default 0)',
  GRIDSENSE_ROLLUP_1M_RETENTION_DAYS: 'days to keep 1-minute rollups; 0 keeps them (default 0)',
  GRIDSENSE_ROLLUP_1H_RETENTION_DAYS: 'days to keep 1-hour rollups; 0 keeps them (default 0)',
  GRIDSENSE_INGEST_SUBSCRIBERS:
    'with MQTT_URL: subscriber connections on a shared subscription, for throughput (default 1; >1 needs $share: Mosquitto, EMQX)',
  GRIDSENSE_INGEST_INSTANCE:
    'with MQTT_URL: n/N, this ingest process as the n-th of N sharing the device messages ($share: Mosquitto, EMQX); every process needs the same N and its own n (default 1/1)',
  GRIDSENSE_INGEST_SILENCE_CHECK_S:
    'with MQTT_URL: seconds without a message to any ingest subscriber before ingest checks whether devices are publishing (alarm, and subscribe again) (default 30)',
  GRIDSENSE_MQTT_MAX_PACKET_KB:
    'largest MQTT packet in KiB; bigger ones close the connection before they are read (default 33: twice the contract payload, plus headers)',
  GRIDSENSE_MAX_CONNECTIONS: 'open connections per listener (MQTT, HTTP) in all (default 50000)',
  GRIDSENSE_MAX_CONNECTIONS_PER_ADDRESS: 'open connections per listener from one address (default 2000)',
  GRIDSENSE_CONNECTIONS_PER_SECOND:
    'new connections one address may open per second, in bursts of five times that (default 200)',
  GRIDSENSE_SESSION_IDLE_MINUTES:
    'a console session ends after this many minutes without an API request (default 30; sessions end 12 h after sign-in anyway)',
  GRIDSENSE_PASSWORD_MAX_AGE_DAYS:
    'a password older than this must be changed at the next sign-in; 0: never (default 90)',
  GRIDSENSE_TLS:
    'self-signed: make a certificate for this host under <data dir>/tls at first start (a LAN trial); otherwise set the two files below',
  GRIDSENSE_TLS_CERT: 'TLS certificate chain (PEM) for HTTPS, WSS and MQTTS',
  GRIDSENSE_TLS_KEY: 'its private key (PEM)',
  MQTTS_PORT: 'embedded broker MQTT-over-TLS port, with TLS on (default 8883)',
  GRIDSENSE_MQTT_PLAIN:
    'with TLS on, keep plain MQTT on MQTT_PORT open too: on/off (default on; off in production)',
  GRIDSENSE_MQTT_PUBLIC_HOST:
    "the host name devices reach the embedded broker at, shown with each new device secret (default: the console's host name, as the browser reached it)",
  GRIDSENSE_BEHIND_TLS_PROXY:
    'on: a TLS-terminating proxy on this host serves HTTPS; trust its X-Forwarded-Proto (default off)',
  GRIDSENSE_DEMO:
    'off: production — no demo district, people, devices or simulator; TLS required (also --production) (default on)',
  GRIDSENSE_DISTRICT_NAME:
    "production: the district root region's name, seeded at first start (default 辖区)",
  GRIDSENSE_MOSQUITTO_DIR:
    'with MQTT_URL on Mosquitto: folder where GridSense keeps its password file and ACL from the device registry (default: none)',
  GRIDSENSE_MOSQUITTO_RELOAD_COMMAND:
    'with GRIDSENSE_MOSQUITTO_DIR: command run after each rewrite so Mosquitto re-reads the files, split on spaces, no shell, e.g. systemctl reload mosquitto (default: none)',
  GRIDSENSE_MOSQUITTO_PID_FILE:
    "with GRIDSENSE_MOSQUITTO_DIR: Mosquitto's pid_file; GridSense sends that process SIGHUP after each rewrite (default: none)",
  GRIDSENSE_EMQX_AUTH_SECRET:
    'with EMQX: the shared secret (at least 32 characters) EMQX sends as Authorization: Bearer to /api/mqtt/emqx/authn and /authz; unset: both refuse every request (default: none)',
  GRIDSENSE_MAP_TILES:
    'a tile server for a base map under the console map, as http(s)://host/{z}/{x}/{y}.png (XYZ, Web Mercator, in the coordinate system of the grid boundaries); unset: the map draws grids only (default: none)',
  GRIDSENSE_MAP_TILES_ATTRIBUTION:
    'with GRIDSENSE_MAP_TILES: the credit line shown on the map (default: none)',
  GRIDSENSE_METRICS_PORT:
    'ingest run alone (npm start -w ingest) serves Prometheus /metrics on this port (default: off)',
  GRIDSENSE_PDF_FONT:
    'a CJK font file (.ttf, .ttc) reports are drawn in as PDF (default: WenQuanYi Micro Hei or Noto Sans CJK where installed; none: reports have no PDF)',
};

/**
 * `machineName` names this machine in the default GRIDSENSE_NODE_ID; services pass `os.hostname()`
 * (core stays free of Node modules: the console bundles it).
 */
export function parseConfig(
  env: Record<string, string | undefined>,
  argv: readonly string[] = [],
  machineName = 'localhost',
): ConfigResult {
  const errors: string[] = [];
  const unknown = Object.keys(env).filter((key) => key.startsWith('GRIDSENSE_') && !(key in CONFIG_DOC));
  for (const key of unknown) errors.push(`${key}: unknown setting`);

  const port = (key: string, fallback: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0 || value > 65535)
      errors.push(`${key}: "${raw}" is not a port number`);
    return value;
  };
  const flag = (key: string, fallback: boolean): boolean => {
    const raw = env[key]?.toLowerCase();
    if (raw === undefined || raw === '') return fallback;
    if (['on', 'true', '1', 'yes'].includes(raw)) return true;
    if (['off', 'false', '0', 'no'].includes(raw)) return false;
    errors.push(`${key}: "${env[key]}" must be on or off`);
    return fallback;
  };
  const url = (key: string, protocols: string[], value = env[key]): string | undefined => {
    const raw = value;
    if (!raw) return undefined;
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol))
        errors.push(`${key}: protocol must be one of ${protocols.join(', ')}`);
    } catch {
      errors.push(`${key}: "${raw}" is not a URL`);
    }
    return raw;
  };
  const positiveInteger = (key: string, fallback: number): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 1) errors.push(`${key}: "${raw}" must be a whole number ≥ 1`);
    return value;
  };
  const days = (key: string, fallback = 0): number => {
    const raw = env[key];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0)
      errors.push(`${key}: "${raw}" must be a whole number of days ≥ 0`);
    return value;
  };
  const demoHistoryDays = (): number => {
    const value = days('GRIDSENSE_DEMO_HISTORY_DAYS', 90);
    if (value > 366) errors.push(`GRIDSENSE_DEMO_HISTORY_DAYS: "${value}" must be at most 366 days`);
    return value;
  };
  const ingestThreads = (): number => {
    const raw = env.GRIDSENSE_INGEST_THREADS;
    if (raw === undefined || raw === '') return env.REDIS_URL ? 0 : INGEST_THREADS_DEFAULT;
    if (raw !== '0' && raw !== '1') errors.push(`GRIDSENSE_INGEST_THREADS: "${raw}" must be 0 or 1`);
    // The thread has neither the cluster's node scoping nor its seq handover (decisions 0013, 0016).
    else if (raw === '1' && env.REDIS_URL)
      errors.push('GRIDSENSE_INGEST_THREADS: 1 is not supported on a broker cluster (REDIS_URL); use 0');
    return Number(raw);
  };
  const ingestInstance = (): { index: number; count: number } => {
    const raw = env.GRIDSENSE_INGEST_INSTANCE?.trim();
    if (!raw) return { index: 1, count: 1 };
    const match = /^(\d+)\/(\d+)$/.exec(raw);
    const [index, count] = match ? [Number(match[1]), Number(match[2])] : [0, 0];
    if (!(index >= 1 && index <= count && count <= 64))
      errors.push(`GRIDSENSE_INGEST_INSTANCE: "${raw}" must be n/N with 1 ≤ n ≤ N ≤ 64`);
    return { index, count };
  };
  const hostName = (key: string): string | undefined => {
    const raw = env[key]?.trim();
    if (!raw) return undefined;
    // A name or an address only: the scheme and port come from the listeners.
    if (!/^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])$/.test(raw))
      errors.push(`${key}: "${raw}" must be a host name or address, without scheme or port`);
    return raw;
  };
  const confirmed = (key: string): boolean => {
    const raw = env[key];
    if (raw === undefined || raw === '') return false;
    if (raw.toLowerCase() === 'confirm') return true;
    errors.push(`${key}: "${raw}" must be confirm (or unset)`);
    return false;
  };
  const nodeId = (raw: string | undefined, mqttPort: string | undefined): string => {
    const given = raw?.trim();
    // A long or odd host name must not stop a single node: the default is cut to what is allowed.
    const value = given || `${machineName.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 58)}-${mqttPort || 1883}`;
    // It becomes part of aedes' $SYS topics and Redis keys: one topic level, no wildcards.
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(value))
      errors.push(`GRIDSENSE_NODE_ID: "${value}" must be 1–64 letters, digits, '.', '_' or '-'`);
    return value;
  };
  const interval = Number(env.GRIDSENSE_SIM_INTERVAL_MS || 5000);
  if (!Number.isFinite(interval) || interval < 10)
    errors.push('GRIDSENSE_SIM_INTERVAL_MS: must be a number ≥ 10');
  const logLevel = (env.LOG_LEVEL || 'info').toLowerCase() as Config['logLevel'];
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel))
    errors.push('LOG_LEVEL: must be debug, info, warn or error');

  const personalDataKey = env.GRIDSENSE_DATA_KEY || undefined;
  if (personalDataKey !== undefined && personalDataKey.length < 32)
    errors.push('GRIDSENSE_DATA_KEY: must be at least 32 characters (e.g. 32 random bytes in base64)');
  const emqxAuthSecret = env.GRIDSENSE_EMQX_AUTH_SECRET || undefined;
  if (emqxAuthSecret !== undefined && emqxAuthSecret.length < 32)
    errors.push(
      'GRIDSENSE_EMQX_AUTH_SECRET: must be at least 32 characters (e.g. 32 random bytes in base64)',
    );
  const baseMap = (): BaseMap | undefined => {
    const tiles = env.GRIDSENSE_MAP_TILES || undefined;
    if (tiles === undefined) return undefined;
    if (!isTileTemplate(tiles))
      errors.push('GRIDSENSE_MAP_TILES: must be an http(s) URL with {z}, {x} and {y} once each');
    return { tiles, attribution: env.GRIDSENSE_MAP_TILES_ATTRIBUTION ?? '' };
  };
  const auditKey = env.GRIDSENSE_AUDIT_KEY || undefined;
  if (auditKey !== undefined && auditKey.length < 32)
    errors.push('GRIDSENSE_AUDIT_KEY: must be at least 32 characters (e.g. 32 random bytes in base64)');
  const databaseUrl = url('DATABASE_URL', ['postgres:', 'postgresql:']);
  // On a shared PostgreSQL every node must seal and verify with the same keys: key files made per
  // machine would leave callers unreadable and audit rows unverifiable on the other nodes.
  if (databaseUrl !== undefined)
    for (const [key, value] of [
      ['GRIDSENSE_AUDIT_KEY', auditKey],
      ['GRIDSENSE_DATA_KEY', personalDataKey],
    ] as const)
      if (value === undefined) errors.push(`${key}: required with DATABASE_URL (the same key on every node)`);

  const production = !flag('GRIDSENSE_DEMO', true) || argv.includes('--production');
  const certFile = env.GRIDSENSE_TLS_CERT || undefined;
  const keyFile = env.GRIDSENSE_TLS_KEY || undefined;
  let tls: TlsSetting = { kind: 'off' };
  if (certFile && keyFile) tls = { kind: 'files', certFile, keyFile };
  else if (certFile || keyFile) errors.push('GRIDSENSE_TLS_CERT and GRIDSENSE_TLS_KEY go together: set both');
  if ((env.GRIDSENSE_TLS ?? '') !== '') {
    if (env.GRIDSENSE_TLS !== 'self-signed') errors.push('GRIDSENSE_TLS: the only value is self-signed');
    else if (tls.kind === 'files')
      errors.push('GRIDSENSE_TLS: self-signed and certificate files exclude each other');
    else tls = { kind: 'self-signed' };
  }
  const simulator = flag('GRIDSENSE_SIMULATOR', !production) && !argv.includes('--no-sim');
  if (production && simulator)
    errors.push("GRIDSENSE_SIMULATOR: production runs no simulated devices (the simulator is the demo's)");
  const alerts = flag('GRIDSENSE_ALERTS', true);
  // Off, this process only publishes risks: someone else must be on the same bus to take them.
  if (!alerts && !env.REDIS_URL && !env.MQTT_URL)
    errors.push('GRIDSENSE_ALERTS: off needs REDIS_URL or MQTT_URL, where an alerts process takes the risks');
  if (env.MQTT_FAILOVER_URLS && !/^(mqtts?|tcp):/.test(env.MQTT_URL ?? ''))
    errors.push('MQTT_FAILOVER_URLS: needs MQTT_URL (mqtt:, mqtts: or tcp:), the first node to connect to');
  const behindTlsProxy = flag('GRIDSENSE_BEHIND_TLS_PROXY', false);
  if (production && tls.kind === 'off' && !behindTlsProxy)
    errors.push(
      'production needs TLS: set GRIDSENSE_TLS_CERT and GRIDSENSE_TLS_KEY, or GRIDSENSE_TLS=self-signed, or GRIDSENSE_BEHIND_TLS_PROXY=on',
    );

  const dataDir = env.GRIDSENSE_DATA_DIR || './data';
  const config: Config = {
    dataDir,
    httpHost: env.HTTP_HOST || '0.0.0.0',
    httpPort: port('HTTP_PORT', 8080),
    mqttHost: env.MQTT_HOST || '0.0.0.0',
    mqttPort: port('MQTT_PORT', 1883),
    mqttUrl: url('MQTT_URL', MQTT_PROTOCOLS),
    mqttFailoverUrls: (env.MQTT_FAILOVER_URLS ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '')
      // Plain or TLS MQTT: a WebSocket path would not carry over to mqtt.js' server rotation.
      .map((item, i) => url(`MQTT_FAILOVER_URLS[${i}]`, ['mqtt:', 'mqtts:', 'tcp:'], item)!),
    mqttUsername: env.MQTT_USERNAME || undefined,
    mqttPassword: env.MQTT_PASSWORD || undefined,
    nodeId: nodeId(env.GRIDSENSE_NODE_ID, env.MQTT_PORT),
    influxUrl: url('INFLUX_URL', ['http:', 'https:']),
    redisUrl: url('REDIS_URL', ['redis:', 'rediss:']),
    influxDatabase: env.INFLUX_DATABASE || 'gridsense',
    influxUsername: env.INFLUX_USERNAME || undefined,
    influxPassword: env.INFLUX_PASSWORD || undefined,
    influxToken: env.INFLUX_TOKEN || undefined,
    demoPassword: env.GRIDSENSE_DEMO_PASSWORD || undefined,
    demoHistoryDays: demoHistoryDays(),
    auditKey,
    personalDataKey,
    databaseUrl,
    stateFreshConfirmed: confirmed('GRIDSENSE_STATE_FRESH'),
    simulator,
    simulatorIntervalMs: interval,
    nodeRed: flag('GRIDSENSE_NODE_RED', true),
    alerts,
    deadlineCheckMs: positiveInteger('GRIDSENSE_DEADLINE_CHECK_S', 15) * 1000,
    logLevel,
    spoolDir: env.GRIDSENSE_SPOOL_DIR || `${dataDir.replace(/\/+$/, '')}/spool`,
    spoolMaxBytes: positiveInteger('GRIDSENSE_SPOOL_MAX_MB', 1024) * 1024 * 1024,
    ingestMaxInFlight: positiveInteger('GRIDSENSE_INGEST_MAX_IN_FLIGHT', 20_000),
    storeStallMs: positiveInteger('GRIDSENSE_STORE_STALL_MS', 2_000),
    mqttMaxHeldPublishes: positiveInteger('GRIDSENSE_MQTT_MAX_HELD_PUBLISHES', 50_000),
    ingestThreads: ingestThreads(),
    ingestSubscribers: positiveInteger('GRIDSENSE_INGEST_SUBSCRIBERS', 1),
    ingestInstance: ingestInstance(),
    ingestSilenceCheckMs: positiveInteger('GRIDSENSE_INGEST_SILENCE_CHECK_S', 30) * 1000,
    metricsPort: env.GRIDSENSE_METRICS_PORT ? port('GRIDSENSE_METRICS_PORT', 0) : undefined,
    timeseriesMoveConfirmed: confirmed('GRIDSENSE_TIMESERIES_MOVE'),
    retentionDays: {
      raw: days('GRIDSENSE_RAW_RETENTION_DAYS'),
      minuteRollups: days('GRIDSENSE_ROLLUP_1M_RETENTION_DAYS'),
      hourRollups: days('GRIDSENSE_ROLLUP_1H_RETENTION_DAYS'),
    },
    tls,
    mqttsPort: port('MQTTS_PORT', 8883),
    mqttPlain: flag('GRIDSENSE_MQTT_PLAIN', !production),
    mqttPublicHost: hostName('GRIDSENSE_MQTT_PUBLIC_HOST'),
    behindTlsProxy,
    production,
    districtName: env.GRIDSENSE_DISTRICT_NAME?.trim() || '辖区',
    mosquittoDir: env.GRIDSENSE_MOSQUITTO_DIR || undefined,
    mosquittoReload: {
      command: env.GRIDSENSE_MOSQUITTO_RELOAD_COMMAND?.trim() || undefined,
      pidFile: env.GRIDSENSE_MOSQUITTO_PID_FILE || undefined,
    },
    emqxAuthSecret,
    baseMap: baseMap(),
    pdfFont: env.GRIDSENSE_PDF_FONT?.trim() || undefined,
    limits: {
      mqttMaxPacketBytes:
        positiveInteger('GRIDSENSE_MQTT_MAX_PACKET_KB', DEFAULT_NETWORK_LIMITS.mqttMaxPacketBytes / 1024) *
        1024,
      connectionsTotal: positiveInteger('GRIDSENSE_MAX_CONNECTIONS', DEFAULT_NETWORK_LIMITS.connectionsTotal),
      connectionsPerAddress: positiveInteger(
        'GRIDSENSE_MAX_CONNECTIONS_PER_ADDRESS',
        DEFAULT_NETWORK_LIMITS.connectionsPerAddress,
      ),
      connectionsPerSecond: positiveInteger(
        'GRIDSENSE_CONNECTIONS_PER_SECOND',
        DEFAULT_NETWORK_LIMITS.connectionsPerSecond,
      ),
    },
    workMessaging: parseWorkMessaging(env, errors),
    session: {
      idleTimeoutMs:
        positiveInteger('GRIDSENSE_SESSION_IDLE_MINUTES', DEFAULT_SESSION_POLICY.idleTimeoutMs / 60_000) *
        60_000,
      lifetimeMs: DEFAULT_SESSION_POLICY.lifetimeMs,
      passwordMaxAgeMs:
        days('GRIDSENSE_PASSWORD_MAX_AGE_DAYS', DEFAULT_SESSION_POLICY.passwordMaxAgeMs / 86_400_000) *
        86_400_000,
    },
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, config };
}
