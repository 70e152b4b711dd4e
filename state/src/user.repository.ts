import type { DutyKind, Role, User } from '@gridsense/core';
import { writeAudited } from './audited-change';
import type { StateDb } from './database';
import { endUserSessions } from './session.repository';

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

/** A person's password as sign-in needs it; enabled people only. */
export interface PasswordState {
  passwordHash: string;
  changedAt: number;
  mustChange: boolean;
}

export async function findPasswordState(db: StateDb, userId: string): Promise<PasswordState | undefined> {
  const row = await db
    .selectFrom('users')
    .select(['password_hash', 'password_changed_at', 'must_change_password'])
    .where('id', '=', userId)
    .where('enabled', '=', 1)
    .executeTakeFirst();
  return (
    row && {
      passwordHash: row.password_hash,
      changedAt: row.password_changed_at,
      mustChange: row.must_change_password === 1,
    }
  );
}

/** The same password hashed again at today's cost: neither its age nor its "must change" mark moves. */
export async function replacePasswordHash(db: StateDb, userId: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash }).where('id', '=', userId).execute();
}

/**
 * A person sets their own password (the old one checked by the caller): its age restarts, a
 * "must change" mark is cleared, and every other session of theirs ends. Returns their ids.
 */
export async function changeOwnPassword(
  db: StateDb,
  user: User,
  passwordHash: string,
  now: number,
  keepSessionId: string,
): Promise<string[]> {
  const actor = { id: user.id, name: user.displayName };
  const change = { action: 'session.password_changed', entityType: 'user', entityId: user.id, data: null };
  return writeAudited(db, actor, now, change, async (tx) => {
    await tx
      .updateTable('users')
      .set({ password_hash: passwordHash, password_changed_at: now, must_change_password: 0 })
      .where('id', '=', user.id)
      .execute();
    return endUserSessions(tx, user.id, keepSessionId);
  });
}

export async function listUsers(db: StateDb): Promise<User[]> {
  const rows = await db.selectFrom('users').selectAll().orderBy('username').execute();
  return rows.map((row) => {
    const { passwordHash: _hash, ...user } = toUser(row);
    return user;
  });
}

/** `mustChangePassword`: the password was issued by someone else and is changed at first sign-in. */
export async function insertUser(
  db: StateDb,
  user: UserRecord,
  now: number,
  options: { mustChangePassword?: boolean } = {},
): Promise<void> {
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
      password_changed_at: now,
      must_change_password: options.mustChangePassword ? 1 : 0,
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
