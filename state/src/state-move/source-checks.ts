import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { verifyAuditChain } from '../audit.repository';
import type { StateDb } from '../database';
import { personalDataCipher, SEALED_PREFIX } from '../personal-data-key';
import { keysOf } from '../state-keys';
import { migrationGap } from './sqlite-source';

/** Every column holding values sealed with the personal-data key (`personal-data-key.ts`). */
const SEALED_COLUMNS: readonly [table: string, column: string][] = [
  ['case_requesters', 'name'],
  ['case_requesters', 'phone'],
  ['person_contacts', 'phone'],
  ['user_totp', 'secret'],
  ['user_totp', 'pending_secret'],
];

/**
 * Why the SQLite state at `dataDir` cannot be moved as it is, each a sentence; empty when it can.
 * `source` holds the keys the target will be served with: the audit chain must verify and sealed
 * personal data must open with them, or the copy would be a log nobody can verify and callers
 * nobody can read.
 */
export async function checkSource(source: StateDb, dataDir: string, anchorFile: string): Promise<string[]> {
  const gap = await migrationGap(source);
  const last = (names: string[]) => names.at(-1) ?? 'none';
  if (gap.applied.length === 0) return ['state.db holds no GridSense migrations: it is not a state database'];
  if (gap.unknown.length > 0)
    return [
      `state.db was migrated by a newer GridSense (${gap.unknown.join(', ')}): move it with that version`,
    ];
  if (gap.missing.length > 0)
    return [
      `state.db is at migration ${last(gap.applied)}, this GridSense at ${last(gap.missing)}: start ` +
        'GridSense once on SQLite (without DATABASE_URL) so it brings state.db up to date, stop it, then move',
    ];
  const problems: string[] = [];
  const keys = keysOf(source);
  const audit = await verifyAuditChain(source, { anchorFile });
  if (!audit.ok)
    problems.push(
      `the audit log in state.db does not verify with GRIDSENSE_AUDIT_KEY (entry ${audit.brokenAt ?? '–'}: ` +
        `${audit.reason}); ${keyHint(dataDir, 'audit.key', keys.auditKey, 'GRIDSENSE_AUDIT_KEY')}`,
    );
  const cipher = personalDataCipher(keys.personalDataKey);
  for (const [table, column] of SEALED_COLUMNS) {
    const { rows } = await sql<{ value: string }>`select ${sql.ref(column)} as value from ${sql.table(table)}
      where ${sql.ref(column)} like ${`${SEALED_PREFIX}%`} limit 1`.execute(source);
    if (rows.length === 0) continue;
    try {
      cipher.open(rows[0]!.value);
    } catch {
      problems.push(
        `sealed personal data in state.db (${table}.${column}) does not open with GRIDSENSE_DATA_KEY; ` +
          keyHint(dataDir, 'personal-data.key', keys.personalDataKey, 'GRIDSENSE_DATA_KEY'),
      );
      break;
    }
  }
  return problems;
}

/** Points at the key file SQLite used when the setting was unset, if there is one and it differs. */
function keyHint(dataDir: string, file: string, given: string, setting: string): string {
  const path = join(dataDir, 'keys', file);
  if (existsSync(path) && readFileSync(path, 'utf8').trim() !== given)
    return `${setting} differs from ${path}, the key used while it was unset: set ${setting} to that key`;
  return `set ${setting} to the key it was sealed with`;
}
