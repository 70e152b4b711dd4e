import type { DutyKind, Role, User } from '@gridsense/core';
import type { StateDb } from './database';

export interface UserRecord extends User {
  passwordHash: string;
}

type UserRow = {
  id: string;
  username: string;
  display_name: string;
  role: string;
  region_id: string;
  password_hash: string;
};

function toUser(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    regionId: row.region_id,
    passwordHash: row.password_hash,
  };
}

/** Disabled people are not found: they cannot sign in, and a session they hold stops working. */
export async function findUserByUsername(db: StateDb, username: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('username', '=', username)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  return row && toUser(row);
}

/** Enabled people only (sign-in, sessions, dispatch); the admin pages read disabled ones apart. */
export async function findUserById(db: StateDb, id: string): Promise<UserRecord | undefined> {
  const row = await db
    .selectFrom('users')
    .selectAll()
    .where('id', '=', id)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  return row && toUser(row);
}

export async function listUsers(db: StateDb): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
  return rows.map((row) => {
    const { passwordHash: _hash, ...user } = toUser(row);
    return user;
  });
}

export async function insertUser(db: StateDb, user: UserRecord, now: number): Promise<void> {
  await db
    .insertInto('users')
    .values({
      id: user.id,
      username: user.username,
      display_name: user.displayName,
      role: user.role,
      region_id: user.regionId,
      password_hash: user.passwordHash,
      created_at: now,
    })
    .execute();
}

export async function assignDuty(db: StateDb, gridId: string, userId: string, duty: DutyKind): Promise<void> {
  await db.insertInto('grid_duties').values({ grid_id: gridId, user_id: userId, duty }).execute();
}

/** Workers on duty for a grid, primary before backup (AB角); disabled people are left out. */
export async function listOnDutyWorkers(
  db: StateDb,
  gridId: string,
): Promise<{ userId: string; duty: DutyKind; displayName: string }[]> {
  const rows = await db
    .selectFrom('grid_duties')
    .innerJoin('users', 'users.id', 'grid_duties.user_id')
    .select(['grid_duties.user_id', 'grid_duties.duty', 'users.display_name'])
    .where('grid_duties.grid_id', '=', gridId)
    .where('users.enabled', '=', 1)
    .execute();
  return rows
    .map((r) => ({ userId: r.user_id, duty: r.duty as DutyKind, displayName: r.display_name }))
    .sort((a, b) => (a.duty === b.duty ? 0 : a.duty === 'primary' ? -1 : 1));
}

/** Grids a worker is on duty for. */
export async function listDutyGrids(db: StateDb, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('grid_duties').select('grid_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.grid_id);
}

/** People of some roles whose region is exactly this one (e.g. a community's supervisors). */
export async function listUsersInRegion(
  db: StateDb,
  regionId: string,
  roles: readonly Role[],
): Promise<{ userId: string; displayName: string; role: Role }[]> {
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name', 'role'])
    .where('region_id', '=', regionId)
    .where('role', 'in', [...roles])
    .where('enabled', '=', 1)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ userId: r.id, displayName: r.display_name, role: r.role as Role }));
}

export async function addDepartmentMember(db: StateDb, departmentId: string, userId: string, duty: DutyKind) {
  await db
    .insertInto('department_members')
    .values({ department_id: departmentId, user_id: userId, duty })
    .execute();
}

/** A department's standing handlers, primary before backup. */
export async function listDepartmentMembers(
  db: StateDb,
  departmentId: string,
): Promise<{ userId: string; duty: DutyKind; displayName: string }[]> {
  const rows = await db
    .selectFrom('department_members')
    .innerJoin('users', 'users.id', 'department_members.user_id')
    .select(['department_members.user_id', 'department_members.duty', 'users.display_name'])
    .where('department_members.department_id', '=', departmentId)
    .where('users.enabled', '=', 1)
    .orderBy('department_members.user_id')
    .execute();
  return rows
    .map((r) => ({ userId: r.user_id, duty: r.duty as DutyKind, displayName: r.display_name }))
    .sort((a, b) => (a.duty === b.duty ? 0 : a.duty === 'primary' ? -1 : 1));
}

/** Departments a person handles cases for. */
export async function listUserDepartments(db: StateDb, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('department_members')
    .select('department_id')
    .where('user_id', '=', userId)
    .execute();
  return rows.map((r) => r.department_id);
}

export async function findUserNames(db: StateDb, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('users')
    .select(['id', 'display_name'])
    .where('id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}
