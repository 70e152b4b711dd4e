import { existsSync } from 'node:fs';
import type { StateDb } from '../database';
import { openSqliteReadOnly } from './sqlite-source';
import { firstTableWithState } from './state-tables';

/**
 * Refuses PostgreSQL (`db`) that holds no state yet while the SQLite file `sqlitePath` does: an
 * operator who set DATABASE_URL on a data dir that ran on SQLite would otherwise get an empty
 * (and, in demo mode, freshly seeded) district, with every case, person and audit entry left
 * unused in state.db. Costs nothing where there is no state.db, and one look per table otherwise.
 */
export async function refuseStateLeftBehind(db: StateDb, sqlitePath: string): Promise<void> {
  if (!existsSync(sqlitePath) || (await firstTableWithState(db))) return;
  const source = openSqliteReadOnly(sqlitePath);
  let left: Awaited<ReturnType<typeof firstTableWithState>>;
  try {
    left = await firstTableWithState(source);
  } finally {
    await source.destroy();
  }
  if (left)
    throw new Error(
      `${sqlitePath} holds GridSense state (${left.table}: ${left.rows} rows) and the PostgreSQL ` +
        'database of DATABASE_URL holds none: stop GridSense and copy it there with ' +
        '`npm run migrate:state -- --to postgres`, or set GRIDSENSE_STATE_FRESH=confirm to start ' +
        'on the empty database on purpose',
    );
}
