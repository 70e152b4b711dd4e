import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTestMode, startPostgres, type PostgresInstance } from './postgres';

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.runIf(postgresTestMode() === 'run')('the PostgreSQL harness', () => {
  let server: PostgresInstance;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('gives each caller a private database on a free port that stores and returns a row', async () => {
    const [first, second] = [await server.createDatabase(), await server.createDatabase()];
    expect(first).not.toBe(second);
    const client = new pg.Client({ connectionString: first });
    await client.connect();
    try {
      await client.query('create table probe (v text)');
      await client.query("insert into probe values ('ok')");
      expect((await client.query<{ v: string }>('select v from probe')).rows).toEqual([{ v: 'ok' }]);
    } finally {
      await client.end();
    }
    const other = new pg.Client({ connectionString: second });
    await other.connect();
    try {
      await expect(other.query('select v from probe')).rejects.toThrow(/does not exist/);
    } finally {
      await other.end();
    }
  });

  it('copies a database from a template', async () => {
    const template = await server.createDatabase();
    const client = new pg.Client({ connectionString: template });
    await client.connect();
    await client.query('create table seeded (n int)');
    await client.query('insert into seeded values (7)');
    await client.end();
    const copy = await server.createDatabase(new URL(template).pathname.slice(1));
    const reader = new pg.Client({ connectionString: copy });
    await reader.connect();
    try {
      expect((await reader.query<{ n: number }>('select n from seeded')).rows).toEqual([{ n: 7 }]);
    } finally {
      await reader.end();
    }
  });

  it('stops its own server and removes its directory', async () => {
    const other = await startPostgres();
    expect(isRunning(other.pid)).toBe(true);
    expect(existsSync(other.dir)).toBe(true);
    await other.stop();
    expect(isRunning(other.pid)).toBe(false);
    expect(existsSync(other.dir)).toBe(false);
    expect(isRunning(server.pid)).toBe(true);
  });
});
