import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { auditAnchorFile } from './audit-anchor';
import { openStateDb } from './database';
import { commandConfig } from './service-runner';
import { copyStateToPostgres, MoveRefused } from './state-move/copy-state';
import { checkSource } from './state-move/source-checks';
import { openSqliteReadOnly } from './state-move/sqlite-source';

const USAGE = `Usage: npm run migrate:state -- --to postgres

Copies the state of GRIDSENSE_DATA_DIR (state.db: cases, people, devices, the audit log …, and
the files under photos/) into the PostgreSQL database DATABASE_URL names, in one transaction.
Stop GridSense first. The target is migrated to this version and must hold no state yet;
state.db must be at this version too, and GRIDSENSE_AUDIT_KEY and GRIDSENSE_DATA_KEY must be the
keys its audit log and personal data were sealed with (<data dir>/keys/ when they were unset).
state.db and the photo files are only read.`;

/** The server and database of a URL, without its credentials. */
const describeUrl = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.host}${parsed.pathname}`;
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { to: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || values.to !== 'postgres') {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const config = commandConfig();
  if (!config) return 2;
  const sqlitePath = join(config.dataDir, 'state.db');
  const problems = [
    ...(config.databaseUrl ? [] : ['DATABASE_URL is not set: it names the PostgreSQL database to copy to']),
    ...(existsSync(sqlitePath) ? [] : [`there is no state database at ${sqlitePath}`]),
  ];
  if (problems.length > 0 || !config.databaseUrl || !config.auditKey || !config.personalDataKey) {
    console.error(`cannot move the state: ${problems.join('; ')}`);
    return 2;
  }
  const keys = { auditKey: config.auditKey, personalDataKey: config.personalDataKey };
  const anchorFile = auditAnchorFile(config.dataDir);
  const source = openSqliteReadOnly(sqlitePath, keys);
  try {
    const refusals = await checkSource(source, config.dataDir, anchorFile);
    if (refusals.length > 0) {
      console.error(`cannot move the state: ${refusals.join('; ')}`);
      return 1;
    }
    const target = describeUrl(config.databaseUrl);
    console.log(`migrating ${target} and copying ${sqlitePath} into it`);
    // Opened by its URL alone: the check for state left behind in state.db is not for this copy.
    const db = await openStateDb(config.databaseUrl, { ...keys, poolSize: 2 }).catch((error: unknown) => {
      console.error(`cannot move the state: ${target} cannot be opened and migrated: ${String(error)}`);
      return undefined;
    });
    if (!db) return 1;
    try {
      const result = await copyStateToPostgres(source, db, {
        anchorFile,
        progress: (line) => console.log(line),
        // Photos are rows there, which every web node reads (decision 0028).
        photosDir: join(config.dataDir, 'photos'),
      });
      const rows = result.tables.reduce((sum, t) => sum + t.rows, 0);
      console.log(
        `copied ${rows.toLocaleString('en')} rows in ${result.tables.length} tables to ${target}; ` +
          `rows per table match and the audit chain (${result.auditEntries.toLocaleString('en')} entries) ` +
          'verifies there.\nStart GridSense with DATABASE_URL set; state.db is left as it was ' +
          '(keep it and photos/ as a backup, GridSense on PostgreSQL no longer reads them).',
      );
      return 0;
    } catch (error) {
      if (!(error instanceof MoveRefused)) throw error;
      console.error(`cannot move the state: ${error.message}`);
      return 1;
    } finally {
      await db.destroy();
    }
  } finally {
    await source.destroy();
  }
}

process.exitCode = await main();
