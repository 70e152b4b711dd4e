import { closeBroker, createAedesBus, createBroker } from '@gridsense/broker';
import type { BusPayloads, CaseRecord, RiskSignal, Severity, User } from '@gridsense/core';
import { findCase, findUserByUsername, seedDemoDistrict, type StateDb } from '@gridsense/state';
import { seededStateDb, type StateDialect } from '@gridsense/state/testing';
import { createAlerts, type AlertsOptions } from '../alerts-service';

/** Local time in UTC+8 as epoch ms (month 1–12). */
export function beijing(year: number, month: number, day: number, hour = 0, minute = 0): number {
  return Date.UTC(year, month - 1, day, hour - 8, minute);
}

/** A clock the test moves by hand. */
export function fakeClock(start: number) {
  let t = start;
  return {
    now: () => t,
    set: (at: number) => void (t = at),
    advance: (ms: number) => void (t += ms),
  };
}

export type CaseEnv = Awaited<ReturnType<typeof startCaseEnv>>;

/** The demo district seeded once per test file and dialect (hashing 40 passwords is the slow part), then copied. */
const freshDemoDb = seededStateDb((db) =>
  seedDemoDistrict(db, { now: beijing(2026, 3, 1), fixedPassword: 'test-password-1' }),
);

/**
 * Seeds this file's demo district (and starts its PostgreSQL server) ahead of the first test, in
 * a beforeAll with a generous timeout, so no single test pays for it.
 */
export async function prepareCaseEnv(dialect: StateDialect): Promise<void> {
  await (await freshDemoDb(dialect)).destroy();
}

/** The first-test cost prepareCaseEnv takes on: a server start and the seeding, on a busy machine. */
export const PREPARE_TIMEOUT_MS = 120_000;

/**
 * The alerts service on a fresh demo district (SQLite, or PostgreSQL with `dialect`) and a real
 * embedded broker's bus, with a hand-moved clock and the ticker and delivery driven by the test.
 */
export async function startCaseEnv(
  options: Partial<Omit<AlertsOptions, 'db' | 'bus' | 'onError'>> & {
    start?: number;
    db?: StateDb;
    dialect?: StateDialect;
  } = {},
) {
  const clock = fakeClock(options.start ?? beijing(2026, 3, 10, 10));
  const { dialect = 'sqlite', ...alertsOptions } = options;
  const db = options.db ?? (await freshDemoDb(dialect));
  const broker = await createBroker({
    authenticate: (_client, _user, _password, done) => done(null, false),
    authorizePublish: (_client, _packet, done) => done(null),
    authorizeSubscribe: (_client, subscription, done) => done(null, subscription),
  });
  const errors: unknown[] = [];
  const bus = createAedesBus(broker, (error) => errors.push(error));
  const notified: BusPayloads['case.notified'][] = [];
  const changed: BusPayloads['case.changed'][] = [];
  await bus.subscribe('case.notified', (payload) => void notified.push(payload));
  await bus.subscribe('case.changed', (payload) => void changed.push(payload));
  const alerts = await createAlerts({
    now: clock.now,
    startTimers: false,
    groupIntervalMs: 0,
    // The receivers in these tests are on loopback.
    pushTargets: { allowLoopbackForTests: true },
    ...alertsOptions,
    db,
    bus,
    onError: (error) => errors.push(error),
  });

  async function user(username: string): Promise<User> {
    const record = await findUserByUsername(db, username);
    if (!record) throw new Error(`no user ${username}`);
    const { passwordHash: _hash, ...rest } = record;
    return rest;
  }

  /** A rule firing (severity) or clearing (null) on a device, as the rule engine emits it. */
  function risk(
    deviceId: string,
    gridId: string,
    ruleId: string,
    category: string,
    severity: Severity | null,
    extra: Partial<RiskSignal> = {},
  ) {
    return alerts.cases.handleRisk({
      ruleId,
      ruleName: `${ruleId} 告警`,
      category,
      deviceId,
      gridId,
      deviceType: 'smoke_detector',
      severity,
      previousSeverity: null,
      at: clock.now(),
      ...extra,
    });
  }

  /** Runs the delivery worker until nothing is due, then lets the bus hand out what it published. */
  async function deliver(): Promise<void> {
    await alerts.delivery.runOnce();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    db,
    bus,
    clock,
    alerts,
    cases: alerts.cases,
    errors,
    notified,
    changed,
    user,
    risk,
    deliver,
    record: async (id: string): Promise<CaseRecord> => (await findCase(db, id))!,
    /** Notices delivered in-app to one person, as lines. */
    linesFor: (userId: string) => notified.filter((n) => n.userId === userId).flatMap((n) => n.notice.lines),
    async stop(options: { keepDb?: boolean } = {}) {
      await alerts.close();
      await closeBroker(broker);
      if (!options.keepDb) await db.destroy();
    },
  };
}
