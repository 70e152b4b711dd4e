import { describe, expect, it } from 'vitest';
import { CONFIG_DOC, parseConfig, type Config } from './config';

const DEFAULTS: Config = {
  dataDir: './data',
  httpHost: '0.0.0.0',
  httpPort: 8080,
  mqttHost: '0.0.0.0',
  mqttPort: 1883,
  mqttUrl: undefined,
  mqttFailoverUrls: [],
  mqttUsername: undefined,
  mqttPassword: undefined,
  nodeId: 'localhost-1883',
  influxUrl: undefined,
  redisUrl: undefined,
  influxDatabase: 'gridsense',
  influxUsername: undefined,
  influxPassword: undefined,
  influxToken: undefined,
  demoPassword: undefined,
  demoHistoryDays: 90,
  auditKey: undefined,
  personalDataKey: undefined,
  databaseUrl: undefined,
  stateFreshConfirmed: false,
  simulator: true,
  simulatorIntervalMs: 5000,
  nodeRed: true,
  alerts: true,
  deadlineCheckMs: 15_000,
  logLevel: 'info',
  spoolDir: './data/spool',
  spoolMaxBytes: 1024 * 1024 * 1024,
  ingestMaxInFlight: 20_000,
  storeStallMs: 2_000,
  workMessaging: {},
  mqttMaxHeldPublishes: 50_000,
  ingestThreads: 1,
  metricsPort: undefined,
  ingestSubscribers: 1,
  ingestInstance: { index: 1, count: 1 },
  ingestSilenceCheckMs: 30_000,
  timeseriesMoveConfirmed: false,
  retentionDays: { raw: 0, minuteRollups: 0, hourRollups: 0 },
  tls: { kind: 'off' },
  mqttsPort: 8883,
  mqttPlain: true,
  mqttPublicHost: undefined,
  behindTlsProxy: false,
  production: false,
  districtName: '辖区',
  mosquittoDir: undefined,
  mosquittoReload: { command: undefined, pidFile: undefined },
  emqxAuthSecret: undefined,
  baseMap: undefined,
  pdfFont: undefined,
  limits: {
    mqttMaxPacketBytes: 33 * 1024,
    connectionsTotal: 50_000,
    connectionsPerAddress: 2_000,
    connectionsPerSecond: 200,
  },
  session: { idleTimeoutMs: 30 * 60_000, lifetimeMs: 12 * 3600_000, passwordMaxAgeMs: 90 * 86_400_000 },
};

const configOf = (env: Record<string, string | undefined>, argv: string[] = []): Config => {
  const result = parseConfig(env, argv);
  if (!result.ok) throw new Error(`unexpected errors: ${result.errors.join('; ')}`);
  return result.config;
};
const errorsOf = (env: Record<string, string | undefined>): string[] => {
  const result = parseConfig(env);
  return result.ok ? [] : result.errors;
};

describe('parseConfig: defaults', () => {
  it('an empty environment gives every default', () => {
    expect(parseConfig({})).toEqual({ ok: true, config: DEFAULTS });
    // The services name their machine; the default node id is its name and the MQTT port.
    expect(parseConfig({ MQTT_PORT: '1884' }, [], 'broker-host-a')).toMatchObject({
      ok: true,
      config: { nodeId: 'broker-host-a-1884' },
    });
  });

  it('ignores variables that are not GridSense settings', () => {
    expect(configOf({ PATH: '/usr/bin', HOME: '/root', NODE_ENV: 'production' })).toEqual(DEFAULTS);
  });

  it('treats empty strings as unset for ports, hosts, flags, URLs and secrets', () => {
    const blank = [
      'HTTP_HOST',
      'HTTP_PORT',
      'MQTT_HOST',
      'MQTT_PORT',
      'MQTT_URL',
      'INFLUX_URL',
      'REDIS_URL',
      'GRIDSENSE_NODE_ID',
      'INFLUX_TOKEN',
      'DATABASE_URL',
      'GRIDSENSE_AUDIT_KEY',
      'GRIDSENSE_DATA_KEY',
    ];
    const env = Object.fromEntries(
      [
        ...blank,
        'GRIDSENSE_DATA_DIR',
        'GRIDSENSE_SIMULATOR',
        'GRIDSENSE_NODE_RED',
        'INFLUX_DATABASE',
        'GRIDSENSE_TIMESERIES_MOVE',
        'GRIDSENSE_STATE_FRESH',
      ].map((k) => [k, '']),
    );
    expect(configOf(env)).toEqual(DEFAULTS);
  });

  it('variables present but undefined count as unset', () => {
    const env = Object.fromEntries(Object.keys(CONFIG_DOC).map((key) => [key, undefined]));
    expect(parseConfig(env)).toEqual({ ok: true, config: DEFAULTS });
  });
});

describe('parseConfig: values', () => {
  it('runs ingest in a worker thread on one node unless told otherwise, on the loop on a cluster', () => {
    expect(configOf({}).ingestThreads).toBe(1);
    expect(configOf({ GRIDSENSE_INGEST_THREADS: '0' }).ingestThreads).toBe(0);
    expect(configOf({ REDIS_URL: 'redis://127.0.0.1:6379' }).ingestThreads).toBe(0);
    expect(
      configOf({ GRIDSENSE_INGEST_THREADS: '0', REDIS_URL: 'redis://127.0.0.1:6379' }).ingestThreads,
    ).toBe(0);
  });

  it('reads every setting', () => {
    const config = configOf({
      GRIDSENSE_DATA_DIR: '/var/lib/gridsense',
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: '9090',
      MQTT_HOST: '::',
      MQTT_PORT: '0',
      MQTT_URL: 'mqtts://broker.example:8883',
      MQTT_USERNAME: 'svc',
      MQTT_PASSWORD: 'pw',
      INFLUX_URL: 'https://influx.example:8086',
      REDIS_URL: 'rediss://redis.example:6380',
      GRIDSENSE_NODE_ID: 'broker-2',
      INFLUX_DATABASE: 'gs',
      INFLUX_USERNAME: 'iu',
      INFLUX_PASSWORD: 'ip',
      INFLUX_TOKEN: 'tok',
      GRIDSENSE_DEMO_PASSWORD: 'demo',
      GRIDSENSE_AUDIT_KEY: 'k'.repeat(32),
      GRIDSENSE_DATA_KEY: 'p'.repeat(32),
      DATABASE_URL: 'postgres://gs:pw@db.example:5432/gridsense',
      GRIDSENSE_STATE_FRESH: 'confirm',
      GRIDSENSE_SIMULATOR: 'off',
      GRIDSENSE_SIM_INTERVAL_MS: '250',
      GRIDSENSE_NODE_RED: 'no',
      LOG_LEVEL: 'debug',
      GRIDSENSE_SPOOL_DIR: '/var/spool/gridsense',
      GRIDSENSE_SPOOL_MAX_MB: '64',
      GRIDSENSE_INGEST_MAX_IN_FLIGHT: '500',
      GRIDSENSE_METRICS_PORT: '9464',
      GRIDSENSE_INGEST_SUBSCRIBERS: '4',
      GRIDSENSE_INGEST_INSTANCE: '2/3',
      GRIDSENSE_INGEST_SILENCE_CHECK_S: '5',
      GRIDSENSE_TIMESERIES_MOVE: 'confirm',
      GRIDSENSE_RAW_RETENTION_DAYS: '30',
      GRIDSENSE_ROLLUP_1M_RETENTION_DAYS: '180',
      GRIDSENSE_ROLLUP_1H_RETENTION_DAYS: '3650',
      GRIDSENSE_MQTT_MAX_PACKET_KB: '20',
      GRIDSENSE_TLS_CERT: '/etc/gridsense/cert.pem',
      GRIDSENSE_TLS_KEY: '/etc/gridsense/key.pem',
      MQTTS_PORT: '8884',
      GRIDSENSE_MQTT_PLAIN: 'off',
      GRIDSENSE_MQTT_PUBLIC_HOST: 'mqtt.grid.example',
      GRIDSENSE_BEHIND_TLS_PROXY: 'on',
      GRIDSENSE_DEMO: 'off',
      GRIDSENSE_DISTRICT_NAME: ' 清河区 ',
      GRIDSENSE_MOSQUITTO_DIR: '/mosquitto/auth',
      GRIDSENSE_MOSQUITTO_PID_FILE: '/run/mosquitto/mosquitto.pid',
      GRIDSENSE_EMQX_AUTH_SECRET: 'e'.repeat(32),
      GRIDSENSE_MAP_TILES: 'https://gis.intranet/tiles/{z}/{x}/{y}.png',
      GRIDSENSE_MAP_TILES_ATTRIBUTION: '© 市规划和自然资源局',
      GRIDSENSE_PDF_FONT: ' /opt/fonts/simhei.ttf ',
      GRIDSENSE_MAX_CONNECTIONS: '1000',
      GRIDSENSE_MAX_CONNECTIONS_PER_ADDRESS: '10',
      GRIDSENSE_CONNECTIONS_PER_SECOND: '5',
      GRIDSENSE_SESSION_IDLE_MINUTES: '10',
      GRIDSENSE_PASSWORD_MAX_AGE_DAYS: '0',
      GRIDSENSE_STORE_STALL_MS: '500',
      GRIDSENSE_MQTT_MAX_HELD_PUBLISHES: '1000',
      GRIDSENSE_INGEST_THREADS: '0',
      GRIDSENSE_ALERTS: 'off',
      GRIDSENSE_DEADLINE_CHECK_S: '2',
      MQTT_FAILOVER_URLS: 'mqtts://broker-3.example:8883',
      GRIDSENSE_DEMO_HISTORY_DAYS: '30',
    });
    expect(config).toEqual<Config>({
      dataDir: '/var/lib/gridsense',
      httpHost: '127.0.0.1',
      httpPort: 9090,
      mqttHost: '::',
      mqttPort: 0,
      mqttUrl: 'mqtts://broker.example:8883',
      mqttFailoverUrls: ['mqtts://broker-3.example:8883'],
      mqttUsername: 'svc',
      mqttPassword: 'pw',
      nodeId: 'broker-2',
      influxUrl: 'https://influx.example:8086',
      redisUrl: 'rediss://redis.example:6380',
      influxDatabase: 'gs',
      influxUsername: 'iu',
      influxPassword: 'ip',
      influxToken: 'tok',
      demoPassword: 'demo',
      demoHistoryDays: 30,
      auditKey: 'k'.repeat(32),
      personalDataKey: 'p'.repeat(32),
      databaseUrl: 'postgres://gs:pw@db.example:5432/gridsense',
      stateFreshConfirmed: true,
      simulator: false,
      simulatorIntervalMs: 250,
      nodeRed: false,
      alerts: false,
      deadlineCheckMs: 2_000,
      logLevel: 'debug',
      spoolDir: '/var/spool/gridsense',
      spoolMaxBytes: 64 * 1024 * 1024,
      ingestMaxInFlight: 500,
      storeStallMs: 500,
      workMessaging: {},
      mqttMaxHeldPublishes: 1_000,
      ingestThreads: 0,
      metricsPort: 9464,
      ingestSubscribers: 4,
      ingestInstance: { index: 2, count: 3 },
      ingestSilenceCheckMs: 5_000,
      timeseriesMoveConfirmed: true,
      retentionDays: { raw: 30, minuteRollups: 180, hourRollups: 3650 },
      tls: { kind: 'files', certFile: '/etc/gridsense/cert.pem', keyFile: '/etc/gridsense/key.pem' },
      mqttsPort: 8884,
      mqttPlain: false,
      mqttPublicHost: 'mqtt.grid.example',
      behindTlsProxy: true,
      production: true,
      districtName: '清河区',
      mosquittoDir: '/mosquitto/auth',
      mosquittoReload: { command: undefined, pidFile: '/run/mosquitto/mosquitto.pid' },
      emqxAuthSecret: 'e'.repeat(32),
      baseMap: { tiles: 'https://gis.intranet/tiles/{z}/{x}/{y}.png', attribution: '© 市规划和自然资源局' },
      pdfFont: '/opt/fonts/simhei.ttf',
      limits: {
        mqttMaxPacketBytes: 20 * 1024,
        connectionsTotal: 1000,
        connectionsPerAddress: 10,
        connectionsPerSecond: 5,
      },
      session: { idleTimeoutMs: 10 * 60_000, lifetimeMs: 12 * 3600_000, passwordMaxAgeMs: 0 },
    });
  });

  it.each([
    ['/srv/gs', '/srv/gs/spool'],
    ['/srv/gs/', '/srv/gs/spool'],
    ['', './data/spool'],
  ])('the spool defaults to a folder of the data dir %j → %s', (dataDir, spoolDir) => {
    expect(configOf({ GRIDSENSE_DATA_DIR: dataDir }).spoolDir).toBe(spoolDir);
  });

  it.each([
    ['on', true],
    ['ON', true],
    ['true', true],
    ['1', true],
    ['Yes', true],
    ['off', false],
    ['False', false],
    ['0', false],
    ['no', false],
  ])('flag value %j → %s', (raw, value) => {
    expect(configOf({ GRIDSENSE_SIMULATOR: raw, GRIDSENSE_NODE_RED: raw })).toMatchObject({
      simulator: value,
      nodeRed: value,
    });
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['65535', 65535],
  ])('port %j → %d', (raw, port) => {
    expect(configOf({ HTTP_PORT: raw, MQTT_PORT: raw })).toMatchObject({ httpPort: port, mqttPort: port });
  });

  it.each(['mqtt://127.0.0.1:1883', 'mqtts://b:8883', 'ws://b/mqtt', 'wss://b/mqtt', 'tcp://b:1883'])(
    'MQTT_URL %s is accepted',
    (url) => {
      expect(configOf({ MQTT_URL: url }).mqttUrl).toBe(url);
    },
  );

  it('MQTT_FAILOVER_URLS lists the other broker nodes, in order', () => {
    expect(
      configOf({
        MQTT_URL: 'mqtt://10.0.0.1:1883',
        MQTT_FAILOVER_URLS: ' mqtt://10.0.0.2:1883 ,mqtts://b:8883,',
      }).mqttFailoverUrls,
    ).toEqual(['mqtt://10.0.0.2:1883', 'mqtts://b:8883']);
  });

  it.each([
    ['10', 10],
    ['60000', 60000],
  ])('GRIDSENSE_SIM_INTERVAL_MS %j → %d', (raw, ms) => {
    expect(configOf({ GRIDSENSE_SIM_INTERVAL_MS: raw }).simulatorIntervalMs).toBe(ms);
  });

  it.each(['debug', 'info', 'warn', 'error'] as const)('LOG_LEVEL %s', (level) => {
    expect(configOf({ LOG_LEVEL: level }).logLevel).toBe(level);
  });

  it('treats LOG_LEVEL case-insensitively and an empty one as unset', () => {
    expect(configOf({ LOG_LEVEL: 'WARN' }).logLevel).toBe('warn');
    expect(configOf({ LOG_LEVEL: '' }).logLevel).toBe('info');
    expect(configOf({ GRIDSENSE_SIM_INTERVAL_MS: '' }).simulatorIntervalMs).toBe(5000);
  });
});

describe('parseConfig: --no-sim', () => {
  it.each<[Record<string, string>, string[], boolean]>([
    [{}, ['--no-sim'], false],
    [{ GRIDSENSE_SIMULATOR: 'on' }, ['--no-sim'], false],
    [{ GRIDSENSE_SIMULATOR: 'on' }, ['--port', '80', 'main.ts'], true],
    [{}, ['--no-simulator'], true],
    [{ GRIDSENSE_SIMULATOR: 'off' }, [], false],
  ])('env %o argv %o → simulator %s', (env, argv, simulator) => {
    expect(configOf(env, argv).simulator).toBe(simulator);
  });

  it('--no-sim does not hide a bad GRIDSENSE_SIMULATOR value', () => {
    expect(parseConfig({ GRIDSENSE_SIMULATOR: 'maybe' }, ['--no-sim'])).toEqual({
      ok: false,
      errors: ['GRIDSENSE_SIMULATOR: "maybe" must be on or off'],
    });
  });
});

describe('parseConfig: state shared on PostgreSQL', () => {
  it('asks for the audit and personal-data keys, so every node seals and verifies alike', () => {
    expect(parseConfig({ DATABASE_URL: 'postgres://gs@db/gridsense' })).toEqual({
      ok: false,
      errors: [
        'GRIDSENSE_AUDIT_KEY: required with DATABASE_URL (the same key on every node)',
        'GRIDSENSE_DATA_KEY: required with DATABASE_URL (the same key on every node)',
      ],
    });
  });

  it('cuts a long host name to a valid default node id instead of refusing to start', () => {
    const parsed = parseConfig({}, [], `${'very-long-host-name-'.repeat(5)}.example`);
    expect(parsed.ok && parsed.config.nodeId).toBe(`${'very-long-host-name-'.repeat(5).slice(0, 58)}-1883`);
  });
});

describe('parseConfig: invalid values', () => {
  it.each<[Record<string, string>, string]>([
    [{ GRIDSENSE_SIMULATER: 'off' }, 'GRIDSENSE_SIMULATER: unknown setting'],
    [{ GRIDSENSE_PORT: '80' }, 'GRIDSENSE_PORT: unknown setting'],
    [{ HTTP_PORT: 'http' }, 'HTTP_PORT: "http" is not a port number'],
    [{ HTTP_PORT: '65536' }, 'HTTP_PORT: "65536" is not a port number'],
    [{ MQTT_PORT: '-1' }, 'MQTT_PORT: "-1" is not a port number'],
    [{ MQTT_PORT: '1883.5' }, 'MQTT_PORT: "1883.5" is not a port number'],
    [{ MQTT_URL: 'not a url' }, 'MQTT_URL: "not a url" is not a URL'],
    [{ MQTT_URL: 'http://broker:1883' }, 'MQTT_URL: protocol must be one of mqtt:, mqtts:, ws:, wss:, tcp:'],
    [
      { MQTT_FAILOVER_URLS: 'mqtt://b:1883' },
      'MQTT_FAILOVER_URLS: needs MQTT_URL (mqtt:, mqtts: or tcp:), the first node to connect to',
    ],
    [
      { MQTT_URL: 'ws://a/mqtt', MQTT_FAILOVER_URLS: 'mqtt://b:1883' },
      'MQTT_FAILOVER_URLS: needs MQTT_URL (mqtt:, mqtts: or tcp:), the first node to connect to',
    ],
    [
      { MQTT_URL: 'mqtt://a:1883', MQTT_FAILOVER_URLS: 'mqtt://b:1883,wss://c/mqtt' },
      'MQTT_FAILOVER_URLS[1]: protocol must be one of mqtt:, mqtts:, tcp:',
    ],
    [{ INFLUX_URL: 'ftp://influx' }, 'INFLUX_URL: protocol must be one of http:, https:'],
    [{ INFLUX_URL: 'https://' }, 'INFLUX_URL: "https://" is not a URL'],
    [{ REDIS_URL: 'http://redis:6379' }, 'REDIS_URL: protocol must be one of redis:, rediss:'],
    [
      {
        DATABASE_URL: 'mysql://db/gridsense',
        GRIDSENSE_AUDIT_KEY: 'k'.repeat(32),
        GRIDSENSE_DATA_KEY: 'p'.repeat(32),
      },
      'DATABASE_URL: protocol must be one of postgres:, postgresql:',
    ],
    [
      { GRIDSENSE_NODE_ID: 'node/1' },
      `GRIDSENSE_NODE_ID: "node/1" must be 1–64 letters, digits, '.', '_' or '-'`,
    ],
    [{ GRIDSENSE_NODE_RED: 'enabled' }, 'GRIDSENSE_NODE_RED: "enabled" must be on or off'],
    [
      { GRIDSENSE_ALERTS: 'off' },
      'GRIDSENSE_ALERTS: off needs REDIS_URL or MQTT_URL, where an alerts process takes the risks',
    ],
    [{ GRIDSENSE_DEADLINE_CHECK_S: '0' }, 'GRIDSENSE_DEADLINE_CHECK_S: "0" must be a whole number ≥ 1'],
    [
      { GRIDSENSE_INGEST_THREADS: '1', REDIS_URL: 'redis://127.0.0.1:6379' },
      'GRIDSENSE_INGEST_THREADS: 1 is not supported on a broker cluster (REDIS_URL); use 0',
    ],
    [{ GRIDSENSE_SIM_INTERVAL_MS: '9' }, 'GRIDSENSE_SIM_INTERVAL_MS: must be a number ≥ 10'],
    [{ GRIDSENSE_SIM_INTERVAL_MS: 'fast' }, 'GRIDSENSE_SIM_INTERVAL_MS: must be a number ≥ 10'],
    [{ GRIDSENSE_SIM_INTERVAL_MS: 'Infinity' }, 'GRIDSENSE_SIM_INTERVAL_MS: must be a number ≥ 10'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: must be debug, info, warn or error'],
    [{ GRIDSENSE_SPOOL_MAX_MB: '0' }, 'GRIDSENSE_SPOOL_MAX_MB: "0" must be a whole number ≥ 1'],
    [{ GRIDSENSE_SPOOL_MAX_MB: '1.5' }, 'GRIDSENSE_SPOOL_MAX_MB: "1.5" must be a whole number ≥ 1'],
    [
      { GRIDSENSE_INGEST_INSTANCE: '3/2' },
      'GRIDSENSE_INGEST_INSTANCE: "3/2" must be n/N with 1 ≤ n ≤ N ≤ 64',
    ],
    [
      { GRIDSENSE_INGEST_INSTANCE: 'two' },
      'GRIDSENSE_INGEST_INSTANCE: "two" must be n/N with 1 ≤ n ≤ N ≤ 64',
    ],
    [
      { GRIDSENSE_INGEST_MAX_IN_FLIGHT: 'many' },
      'GRIDSENSE_INGEST_MAX_IN_FLIGHT: "many" must be a whole number ≥ 1',
    ],
    [{ GRIDSENSE_INGEST_THREADS: '2' }, 'GRIDSENSE_INGEST_THREADS: "2" must be 0 or 1'],
    [{ GRIDSENSE_METRICS_PORT: '99999' }, 'GRIDSENSE_METRICS_PORT: "99999" is not a port number'],
    [
      { GRIDSENSE_MQTT_PUBLIC_HOST: 'mqtt://grid.example:1883' },
      'GRIDSENSE_MQTT_PUBLIC_HOST: "mqtt://grid.example:1883" must be a host name or address, without scheme or port',
    ],
    [{ GRIDSENSE_TIMESERIES_MOVE: 'yes' }, 'GRIDSENSE_TIMESERIES_MOVE: "yes" must be confirm (or unset)'],
    [{ GRIDSENSE_STATE_FRESH: 'yes' }, 'GRIDSENSE_STATE_FRESH: "yes" must be confirm (or unset)'],
    [{ GRIDSENSE_DEMO_HISTORY_DAYS: '400' }, 'GRIDSENSE_DEMO_HISTORY_DAYS: "400" must be at most 366 days'],
    [
      { GRIDSENSE_DEMO_HISTORY_DAYS: 'lots' },
      'GRIDSENSE_DEMO_HISTORY_DAYS: "lots" must be a whole number of days ≥ 0',
    ],
    [
      { GRIDSENSE_RAW_RETENTION_DAYS: '-1' },
      'GRIDSENSE_RAW_RETENTION_DAYS: "-1" must be a whole number of days ≥ 0',
    ],
    [
      { GRIDSENSE_ROLLUP_1H_RETENTION_DAYS: 'forever' },
      'GRIDSENSE_ROLLUP_1H_RETENTION_DAYS: "forever" must be a whole number of days ≥ 0',
    ],
    [
      { GRIDSENSE_DATA_KEY: 'too-short' },
      'GRIDSENSE_DATA_KEY: must be at least 32 characters (e.g. 32 random bytes in base64)',
    ],
    [
      { GRIDSENSE_MAP_TILES: 'https://gis.intranet/tiles/{z}/{x}.png' },
      'GRIDSENSE_MAP_TILES: must be an http(s) URL with {z}, {x} and {y} once each',
    ],
    [
      { GRIDSENSE_EMQX_AUTH_SECRET: 'too-short' },
      'GRIDSENSE_EMQX_AUTH_SECRET: must be at least 32 characters (e.g. 32 random bytes in base64)',
    ],
    [
      { GRIDSENSE_AUDIT_KEY: 'too-short' },
      'GRIDSENSE_AUDIT_KEY: must be at least 32 characters (e.g. 32 random bytes in base64)',
    ],
    [
      { GRIDSENSE_SESSION_IDLE_MINUTES: '0' },
      'GRIDSENSE_SESSION_IDLE_MINUTES: "0" must be a whole number ≥ 1',
    ],
    [
      { GRIDSENSE_PASSWORD_MAX_AGE_DAYS: '30.5' },
      'GRIDSENSE_PASSWORD_MAX_AGE_DAYS: "30.5" must be a whole number of days ≥ 0',
    ],
  ])('%o → %s', (env, error) => {
    expect(parseConfig(env)).toEqual({ ok: false, errors: [error] });
  });

  it('lists every invalid value together', () => {
    const errors = errorsOf({
      GRIDSENSE_FOO: '1',
      GRIDSENSE_BAR: '2',
      HTTP_PORT: 'http',
      MQTT_PORT: '70000',
      MQTT_URL: 'http://b',
      INFLUX_URL: 'nope',
      GRIDSENSE_SIMULATOR: 'maybe',
      GRIDSENSE_NODE_RED: 'sometimes',
      GRIDSENSE_SIM_INTERVAL_MS: '5',
      LOG_LEVEL: 'verbose',
      HTTP_HOST: '127.0.0.1',
    });
    expect([...errors].sort()).toEqual(
      [
        'GRIDSENSE_FOO: unknown setting',
        'GRIDSENSE_BAR: unknown setting',
        'HTTP_PORT: "http" is not a port number',
        'MQTT_PORT: "70000" is not a port number',
        'MQTT_URL: protocol must be one of mqtt:, mqtts:, ws:, wss:, tcp:',
        'INFLUX_URL: "nope" is not a URL',
        'GRIDSENSE_SIMULATOR: "maybe" must be on or off',
        'GRIDSENSE_NODE_RED: "sometimes" must be on or off',
        'GRIDSENSE_SIM_INTERVAL_MS: must be a number ≥ 10',
        'LOG_LEVEL: must be debug, info, warn or error',
      ].sort(),
    );
  });

  describe('TLS and production', () => {
    it('makes a self-signed pair on request, and never with certificate files', () => {
      expect(configOf({ GRIDSENSE_TLS: 'self-signed' }).tls).toEqual({ kind: 'self-signed' });
      expect(errorsOf({ GRIDSENSE_TLS: 'yes' })).toEqual(['GRIDSENSE_TLS: the only value is self-signed']);
      expect(errorsOf({ GRIDSENSE_TLS_CERT: '/c.pem' })).toEqual([
        'GRIDSENSE_TLS_CERT and GRIDSENSE_TLS_KEY go together: set both',
      ]);
      expect(
        errorsOf({ GRIDSENSE_TLS: 'self-signed', GRIDSENSE_TLS_CERT: '/c.pem', GRIDSENSE_TLS_KEY: '/k.pem' }),
      ).toEqual(['GRIDSENSE_TLS: self-signed and certificate files exclude each other']);
    });

    it('refuses production without TLS, and runs no simulator and no plain MQTT there by default', () => {
      const needsTls = [
        'production needs TLS: set GRIDSENSE_TLS_CERT and GRIDSENSE_TLS_KEY, or GRIDSENSE_TLS=self-signed, or GRIDSENSE_BEHIND_TLS_PROXY=on',
      ];
      expect(errorsOf({ GRIDSENSE_DEMO: 'off' })).toEqual(needsTls);
      expect(parseConfig({}, ['--production'])).toEqual({ ok: false, errors: needsTls });
      const production = configOf({ GRIDSENSE_TLS: 'self-signed' }, ['--production']);
      expect(production).toMatchObject({ production: true, simulator: false, mqttPlain: false });
      expect(configOf({ GRIDSENSE_DEMO: 'off', GRIDSENSE_BEHIND_TLS_PROXY: 'on' }).production).toBe(true);
    });

    it('refuses the simulator in production, and names the district root from the setting', () => {
      expect(
        errorsOf({ GRIDSENSE_DEMO: 'off', GRIDSENSE_TLS: 'self-signed', GRIDSENSE_SIMULATOR: 'on' }),
      ).toEqual(["GRIDSENSE_SIMULATOR: production runs no simulated devices (the simulator is the demo's)"]);
      expect(configOf({ GRIDSENSE_DISTRICT_NAME: '  ' }).districtName).toBe('辖区');
      expect(configOf({ GRIDSENSE_DISTRICT_NAME: '清河区' }).districtName).toBe('清河区');
    });
  });
});
