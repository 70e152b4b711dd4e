import type { Kysely, Migration } from 'kysely';

/**
 * The register (立案) and dispatch (派遣) clocks on the case, when its wait for a dispatch began
 * (the dispatch clock's window), and which clocks' breach actions were taken (comma-separated, as
 * `reminded_clocks`), so an overdue notice or 督办 is never given twice. Categories say whether
 * human reports skip the 待立案 queue; existing ones keep doing so (1), as they did before.
 */
export const caseClocks: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('cases').addColumn('register_due_at', 'bigint').execute();
    await db.schema.alterTable('cases').addColumn('dispatch_due_at', 'bigint').execute();
    await db.schema.alterTable('cases').addColumn('awaiting_dispatch_since', 'bigint').execute();
    await db.schema
      .alterTable('cases')
      .addColumn('breach_acted', 'text', (c) => c.notNull().defaultTo(''))
      .execute();
    await db.schema
      .alterTable('case_categories')
      .addColumn('auto_register', 'integer', (c) => c.notNull().defaultTo(1))
      .execute();
  },
  async down(db: Kysely<unknown>) {
    await db.schema.alterTable('case_categories').dropColumn('auto_register').execute();
    for (const column of ['breach_acted', 'awaiting_dispatch_since', 'dispatch_due_at', 'register_due_at'])
      await db.schema.alterTable('cases').dropColumn(column).execute();
  },
};
