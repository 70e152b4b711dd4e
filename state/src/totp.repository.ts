import { sql } from 'kysely';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';
import { personalData } from './personal-data-key';
import { writeAudited } from './audited-change';
import { endUserSessions } from './session.repository';

/**
 * Each person's second factor: a TOTP secret sealed with the personal-data key (opened only in
 * the query that needs it), the step of the last code accepted, and recovery-code hashes.
 */
export interface TotpState {
  /** The secret in use (base32), once an enrolment was confirmed. */
  secret: string | null;
  /** An enrolment started and not yet confirmed. */
  pendingSecret: string | null;
  enabled: boolean;
  lastStep: number | null;
}

export async function findTotpState(db: StateDb, userId: string): Promise<TotpState | undefined> {
  const row = await db
    .selectFrom('user_totp')
    .select(['secret', 'pending_secret', 'enabled_at', 'last_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst();
  const sealed = personalData(db);
  return (
    row && {
      secret: sealed.open(row.secret),
      pendingSecret: sealed.open(row.pending_secret),
      enabled: row.enabled_at !== null,
      lastStep: row.last_step,
    }
  );
}

/** Whether these people have two-factor sign-in on. */
export async function totpEnabledIds(db: StateDb, userIds: readonly string[]): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('user_totp')
    .select('user_id')
    .where('user_id', 'in', [...userIds])
    .where('enabled_at', 'is not', null)
    .execute();
  return new Set(rows.map((row) => row.user_id));
}

/** A new secret waiting for its first code; one in use stays in use until then. */
export async function startTotpEnrolment(db: StateDb, userId: string, secret: string): Promise<void> {
  await db
    .insertInto('user_totp')
    .values({ user_id: userId, pending_secret: personalData(db).seal(secret) })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ pending_secret: personalData(db).seal(secret) }))
    .execute();
}

/**
 * The pending secret becomes the one in use (its confirming code's step counts as used) and the
 * recovery codes are replaced; audited as `totp.enrolled`.
 */
export async function confirmTotpEnrolment(
  db: StateDb,
  actor: AuditActor,
  step: number,
  recoveryCodeHashes: readonly string[],
  now: number,
): Promise<void> {
  const change = { action: 'totp.enrolled', entityType: 'user', entityId: actor.id, data: null };
  await writeAudited(db, actor, now, change, async (tx) => {
    await tx
      .updateTable('user_totp')
      .set({ secret: sql<string>`pending_secret`, pending_secret: null, enabled_at: now, last_step: step })
      .where('user_id', '=', actor.id)
      .execute();
    await tx.deleteFrom('user_recovery_codes').where('user_id', '=', actor.id).execute();
    if (recoveryCodeHashes.length > 0)
      await tx
        .insertInto('user_recovery_codes')
        .values(recoveryCodeHashes.map((hash) => ({ user_id: actor.id, code_hash: hash, used_at: null })))
        .execute();
  });
}

/** Marks a step used; false when it (or a later one) already was, so a code signs in once. */
export async function useTotpStep(db: StateDb, userId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('user_totp')
    .set({ last_step: step })
    .where('user_id', '=', userId)
    .where('enabled_at', 'is not', null)
    .where((eb) => eb.or([eb('last_step', 'is', null), eb('last_step', '<', step)]))
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Spends a recovery code; false when it is not one of theirs or was spent before. */
export async function useRecoveryCode(
  db: StateDb,
  userId: string,
  codeHash: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('user_recovery_codes')
    .set({ used_at: now })
    .where('user_id', '=', userId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** How many recovery codes a person has left. */
export async function unusedRecoveryCodes(db: StateDb, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_recovery_codes')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('user_id', '=', userId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * An administrator turns a person's second factor off (a lost phone): secret and recovery codes
 * are deleted and their sessions end; audited as `totp.reset`. Returns the ended sessions.
 */
export async function resetTotp(
  db: StateDb,
  userId: string,
  actor: AuditActor,
  now: number,
): Promise<string[]> {
  const change = { action: 'totp.reset', entityType: 'user', entityId: userId, data: null };
  return writeAudited(db, actor, now, change, async (tx) => {
    await tx.deleteFrom('user_totp').where('user_id', '=', userId).execute();
    await tx.deleteFrom('user_recovery_codes').where('user_id', '=', userId).execute();
    return endUserSessions(tx, userId);
  });
}
