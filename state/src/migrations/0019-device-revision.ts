import { sql, type Kysely, type Migration } from 'kysely';
import { dialectOf } from '../dialect';

/**
 * The columns of `devices` a DeviceRegistry holds, except online and last seen: ingest writes
 * those on every status change (hot), and each node keeps its own newer copy in memory.
 */
const REGISTRY_COLUMNS = 'grid_id, type, name, lat, lng, secret_hash, enabled';

/**
 * A change counter on `devices`, so each node's DeviceRegistry reloads only the rows changed since
 * its last reload (`state/src/device-registry.ts`). Triggers number every insert, every update of
 * a registry column and every delete (a row in `device_tombstones`), whoever writes: no write path
 * can forget it, and an update of online or last seen alone takes no number.
 *
 * The number comes from the database, not a clock: nodes' clocks differ and tests move theirs.
 * It must also become visible in order, or a reader could pass a number whose transaction has not
 * committed yet and never see it. SQLite has one writer at a time, so a counter row does. On
 * PostgreSQL a sequence alone does not (a later number can commit first): each writing
 * transaction first takes an advisory lock, held until it ends, so device writes take their
 * numbers one transaction at a time (they are rare: registrations and an engineer's changes).
 * Rows from before this migration keep revision 0; a registry's first load reads everything.
 */
export const deviceRevision: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .alterTable('devices')
      .addColumn('revision', 'bigint', (c) => c.notNull().defaultTo(0))
      .execute();
    await db.schema.createIndex('devices_revision').on('devices').column('revision').execute();
    await db.schema
      .createTable('device_tombstones')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .execute();
    if (dialectOf(db) === 'postgres') await numberOnPostgres(db);
    else await numberOnSqlite(db);
  },
  async down(db: Kysely<unknown>) {
    if (dialectOf(db) === 'postgres') {
      for (const trigger of ['devices_revision', 'devices_tombstone'])
        await sql.raw(`drop trigger ${trigger} on devices`).execute(db);
      await sql`drop function gridsense_device_revision()`.execute(db);
      await sql`drop sequence device_revision`.execute(db);
    } else {
      for (const trigger of ['devices_revision_insert', 'devices_revision_update', 'devices_tombstone'])
        await sql.raw(`drop trigger ${trigger}`).execute(db);
      await db.schema.dropTable('device_revision').execute();
    }
    await db.schema.dropTable('device_tombstones').execute();
    await db.schema.dropIndex('devices_revision').execute();
    await db.schema.alterTable('devices').dropColumn('revision').execute();
  },
};

async function numberOnSqlite(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('device_revision')
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await sql`insert into device_revision (value) values (0)`.execute(db);
  const next = 'update device_revision set value = value + 1;';
  const taken = '(select value from device_revision)';
  for (const [name, event] of [
    ['devices_revision_insert', 'insert'],
    ['devices_revision_update', `update of ${REGISTRY_COLUMNS}`],
  ])
    await sql
      .raw(
        `create trigger ${name} after ${event} on devices begin ${next} ` +
          `update devices set revision = ${taken} where rowid = new.rowid; end`,
      )
      .execute(db);
  await sql
    .raw(
      `create trigger devices_tombstone after delete on devices begin ${next} ` +
        `insert or replace into device_tombstones (id, revision) values (old.id, ${taken}); end`,
    )
    .execute(db);
}

async function numberOnPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`create sequence device_revision`.execute(db);
  await sql
    .raw(
      `create function gridsense_device_revision() returns trigger language plpgsql as $$
        begin
          perform pg_advisory_xact_lock(hashtext('gridsense.device_revision'));
          if tg_op = 'DELETE' then
            insert into device_tombstones (id, revision) values (old.id, nextval('device_revision'))
              on conflict (id) do update set revision = excluded.revision;
            return old;
          end if;
          new.revision := nextval('device_revision');
          return new;
        end $$`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger devices_revision before insert or update of ${REGISTRY_COLUMNS} on devices ` +
        `for each row execute function gridsense_device_revision()`,
    )
    .execute(db);
  await sql
    .raw(
      `create trigger devices_tombstone after delete on devices ` +
        `for each row execute function gridsense_device_revision()`,
    )
    .execute(db);
}
