import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Dialect,
  type Driver,
} from 'kysely';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { generateAuditKey, loadOrCreateKeyFile } from './audit-key';
import { isPostgresUrl } from './dialect';
import { migrateToLatest } from './migrations';
import { refuseStateLeftBehind } from './state-move/state-left-behind';
import type { Database } from './schema';
import { stateKeysPlugin, type StateKeys } from './state-keys';

export type StateDb = Kysely<Database>;

export interface StateDbOptions {
  auditKey?: string | undefined;
  personalDataKey?: string | undefined;
  /** `postgres://…` (DATABASE_URL): state on PostgreSQL instead of the SQLite file at `path`. */
  databaseUrl?: string | undefined;
  /** Connections each PostgreSQL pool may hold (default 10). */
  poolSize?: number | undefined;
  /** GRIDSENSE_STATE_FRESH=confirm: start on a PostgreSQL without state though state.db holds some. */
  stateFreshConfirmed?: boolean | undefined;
}

/**
 * Opens (creating and migrating) the state database: the SQLite file at `path` (`:memory:` gives
 * a private one for tests), or PostgreSQL when `options.databaseUrl` is set or `path` itself is a
 * `postgres://` URL. The audit key is `auditKey` (GRIDSENSE_AUDIT_KEY) or the key file beside the
 * database file (`keys/audit.key`; a fresh key each time for `:memory:`), held by the handle
 * (`state-keys.ts`), never stored in the database; the personal-data key likewise
 * (GRIDSENSE_DATA_KEY, `keys/personal-data.key`). PostgreSQL for a data dir whose state.db holds
 * state is refused until `npm run migrate:state` moved it (`state-left-behind.ts`), unless
 * `stateFreshConfirmed`. `options` may be the service's Config.
 */
export async function openStateDb(path: string, options: StateDbOptions = {}): Promise<StateDb> {
  const url = options.databaseUrl ?? (isPostgresUrl(path) ? path : undefined);
  const keys = stateKeys(path, options);
  const dialect = url === undefined ? sqliteDialect(path) : postgresDialect(url, options.poolSize);
  const db = new Kysely<Database>({ dialect, plugins: [stateKeysPlugin(keys)] });
  try {
    await migrateToLatest(db as Kysely<unknown>);
    // PostgreSQL for a data dir whose state.db holds state: refused until it is moved over.
    if (url !== undefined && !isPostgresUrl(path) && path !== ':memory:' && !options.stateFreshConfirmed)
      await refuseStateLeftBehind(db, path);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return db;
}

/**
 * The keys from the options, else from key files in `keys/` beside the SQLite file (the data
 * dir, also with PostgreSQL); fresh ones for `:memory:`. With only a PostgreSQL URL there is no
 * place for key files: both keys must be given.
 */
function stateKeys(path: string, options: StateDbOptions): StateKeys {
  const keyFile = (name: string): string => {
    if (path === ':memory:') return generateAuditKey();
    if (isPostgresUrl(path))
      throw new Error(
        'state on PostgreSQL without a data dir needs GRIDSENSE_AUDIT_KEY and GRIDSENSE_DATA_KEY',
      );
    return loadOrCreateKeyFile(join(dirname(path), 'keys'), name);
  };
  return {
    auditKey: options.auditKey ?? keyFile('audit.key'),
    // Hotline callers' names and numbers are sealed with a key of their own, kept the same way.
    personalDataKey: options.personalDataKey ?? keyFile('personal-data.key'),
  };
}

function sqliteDialect(path: string): Dialect {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  // WAL + NORMAL: a committed case survives a process crash; only an OS crash can lose the last commit.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const config = { database: sqlite };
  return new (class extends SqliteDialect {
    override createDriver(): Driver {
      return new ImmediateSqliteDriver(config);
    }
  })(config);
}

/**
 * Transactions take the write lock at BEGIN (IMMEDIATE). The file has more than one connection
 * (the ingest worker's, another process's): a deferred transaction that read before another
 * connection committed cannot write after it, and SQLite refuses at once (SQLITE_BUSY_SNAPSHOT)
 * instead of waiting its busy timeout, which a sign-in under load answered with a 500.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

function postgresDialect(url: string, poolSize = 10): Dialect {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // Epoch-ms timestamps and counts are bigint; pg returns those as strings by default. Every
    // one of them fits a double exactly, as on SQLite, so they come back as numbers.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === INT8_OID || oid === NUMERIC_OID
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // A connection that dies while idle in the pool (a server restart, a failover) is dropped from
  // it and the next query opens a new one; the pool reports it as an event nobody else handles.
  pool.on('error', () => undefined);
  return new PostgresDialect({ pool });
}
