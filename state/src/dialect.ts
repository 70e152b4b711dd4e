import { PostgresAdapter, type Kysely } from 'kysely';

/** The two databases state lives on: embedded SQLite (the default) or PostgreSQL (DATABASE_URL). */
export type StateDialect = 'sqlite' | 'postgres';

export function dialectOf<DB>(db: Kysely<DB>): StateDialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/** Is this a PostgreSQL connection string (`postgres://…` or `postgresql://…`)? */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
