import type { Bus } from '@gridsense/core';
import type { CaseService, PushTargetPolicy } from '@gridsense/alerts';
import type { TimeSeriesStore } from '@gridsense/ingest';
import type { DeviceRegistry, Logger, StateDb } from '@gridsense/state';
import type { SessionTokens } from './auth/session-tokens';

/** Everything the web server is built from; tests pass in-memory parts. */
export interface WebDeps {
  db: StateDb;
  bus: Bus;
  cases: CaseService;
  store: TimeSeriesStore;
  registry: DeviceRegistry;
  tokens: SessionTokens;
  logger: Logger;
  dataDir: string;
  /** Built console (web/dist); not served when absent. */
  staticDir: string | undefined;
  now: () => number;
  /** Tests only (loopback push receivers); the platform never sets it. */
  pushTargets?: PushTargetPolicy;
}
