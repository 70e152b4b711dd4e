import type { Kysely, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs } from 'kysely';

/** The two keys a state database handle holds in memory and never writes into the database. */
export interface StateKeys {
  /** Seals audit rows and anchors (HMAC-SHA256, `audit-key.ts`). */
  auditKey: string;
  /** Seals hotline callers' names, phone numbers and TOTP secrets (`personal-data-key.ts`). */
  personalDataKey: string;
}

/**
 * Carries the keys on the Kysely handle. A plugin, because Kysely hands its plugins on to every
 * transaction opened from the handle: `appendAudit(db, …)` and the repositories receive the
 * database or any transaction and find the keys either way, on SQLite and PostgreSQL alike,
 * without a new parameter or a global. It changes no query.
 */
class StateKeysPlugin implements KyselyPlugin {
  constructor(readonly keys: StateKeys) {}

  transformQuery(args: PluginTransformQueryArgs) {
    return args.node;
  }

  transformResult(args: PluginTransformResultArgs) {
    return Promise.resolve(args.result);
  }
}

export function stateKeysPlugin(keys: StateKeys): KyselyPlugin {
  return new StateKeysPlugin(keys);
}

/** The keys of the handle `db` (or of the handle a transaction was opened from). */
export function keysOf<DB>(db: Kysely<DB>): StateKeys {
  const plugin = db.getExecutor().plugins.find((p) => p instanceof StateKeysPlugin);
  if (!plugin) throw new Error('this state database handle holds no keys: open it with openStateDb');
  return plugin.keys;
}
