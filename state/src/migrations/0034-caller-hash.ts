import type { Kysely, Migration } from 'kysely';
import { callerHash as hashOf } from '../caller-hash';
import { personalData } from '../personal-data-key';

/**
 * Each hotline caller row gets the keyed hash of its number (`caller-hash.ts`), indexed, so the
 * desk can list the open cases of the same caller as merge candidates. Rows already stored are
 * hashed from their sealed number.
 */
export const callerHash: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('case_requesters').addColumn('phone_hash', 'varchar(64)').execute();
    await db.schema
      .createIndex('case_requesters_phone_hash')
      .on('case_requesters')
      .column('phone_hash')
      .execute();
    const old = db as Kysely<{ case_requesters: { id: number; phone: string; phone_hash: string | null } }>;
    const cipher = personalData(old);
    const rows = await old.selectFrom('case_requesters').select(['id', 'phone']).execute();
    for (const row of rows)
      await old
        .updateTable('case_requesters')
        .set({ phone_hash: hashOf(old, cipher.open(row.phone)) })
        .where('id', '=', row.id)
        .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.dropIndex('case_requesters_phone_hash').execute();
    await db.schema.alterTable('case_requesters').dropColumn('phone_hash').execute();
  },
};
