import type { Kysely, Migration } from 'kysely';
import { personalData as cipherOf } from '../personal-data-key';

/**
 * Hotline callers' names and phone numbers, stored in the clear until now, are sealed with the
 * personal-data key (held by the handle openStateDb gives, `state-keys.ts`). Values already
 * sealed are left alone.
 */
export const personalData: Migration = {
  async up(db: Kysely<unknown>) {
    const old = db as Kysely<{ case_requesters: { id: number; name: string; phone: string } }>;
    const cipher = cipherOf(old);
    const plain = await old
      .selectFrom('case_requesters')
      .select(['id', 'name', 'phone'])
      .where('name', 'not like', 'gs1:%')
      .execute();
    for (const row of plain)
      await old
        .updateTable('case_requesters')
        .set({ name: cipher.seal(row.name), phone: cipher.seal(row.phone) })
        .where('id', '=', row.id)
        .execute();
  },
};
