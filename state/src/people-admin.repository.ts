import type { DutyKind, PersonView, Role } from '@gridsense/core';
import { writeAudited } from './audited-change';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';
import { endUserSessions } from './session.repository';
import { addDepartmentMember, assignDuty, insertUser, type UserRecord } from './user.repository';

/**
 * Administrators' changes to people, their passwords, grid duties and departments, each with its
 * audit entry. Password hashes never leave this file or reach the audit log. A change to what a
 * person may do or see (disable, password, role, scope, department) ends their sessions in the
 * same transaction; those functions return the ended sessions' ids.
 */

/** `departmentId` moves a department handler to another department (their only one). */
export type PersonChanges = Partial<{
  displayName: string;
  role: Role;
  regionId: string;
  departmentId: string;
}>;

/** Everyone, disabled people too, with their standing grid duties and department. */
export async function listPeople(db: StateDb, ids?: readonly string[]): Promise<PersonView[]> {
  let users = db
    .selectFrom('users')
    .select(['id', 'username', 'display_name', 'role', 'region_id', 'enabled'])
    .orderBy('username');
  if (ids) users = users.where('id', 'in', ids.length > 0 ? [...ids] : ['']);
  const [rows, duties, memberships] = await Promise.all([
    users.execute(),
    db.selectFrom('grid_duties').selectAll().orderBy('grid_id').execute(),
    db
      .selectFrom('department_members')
      .select(['user_id', 'department_id'])
      .orderBy('department_id')
      .execute(),
  ]);
  return rows.map((row) => ({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    regionId: row.region_id,
    enabled: row.enabled === 1,
    duties: duties
      .filter((d) => d.user_id === row.id)
      .map((d) => ({ gridId: d.grid_id, duty: d.duty as DutyKind })),
    departmentId: memberships.find((m) => m.user_id === row.id)?.department_id ?? null,
  }));
}

export async function findPerson(db: StateDb, id: string): Promise<PersonView | undefined> {
  return (await listPeople(db, [id]))[0];
}

export async function usernameTaken(db: StateDb, username: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirst();
  return row !== undefined;
}

/**
 * A department handler joins their department as a standing (primary) member. The administrator
 * has seen the initial password, so the person changes it at first sign-in.
 */
export async function createPerson(
  db: StateDb,
  person: UserRecord,
  departmentId: string | null,
  actor: AuditActor,
  now: number,
) {
  const { passwordHash: _hash, ...data } = person;
  await writeAudited(
    db,
    actor,
    now,
    {
      action: 'admin.person_created',
      entityType: 'user',
      entityId: person.id,
      data: { ...data, departmentId },
    },
    async (tx) => {
      await insertUser(tx, person, now, { mustChangePassword: true });
      if (departmentId) await addDepartmentMember(tx, departmentId, person.id, 'primary');
    },
  );
}

/**
 * Only grid workers hold grid duties and only department handlers belong to departments, so a
 * change to another role ends them in the same step. A new department ends the handler's
 * membership and roster shifts in the old one (a shift would keep routing them there); their
 * standing duty (primary or backup) moves with them.
 */
export async function updatePerson(
  db: StateDb,
  id: string,
  changes: PersonChanges,
  actor: AuditActor,
  now: number,
): Promise<string[]> {
  const endsDuties = changes.role !== undefined && changes.role !== 'grid_worker';
  const endsSessions =
    changes.role !== undefined || changes.regionId !== undefined || changes.departmentId !== undefined;
  const membership = await db
    .selectFrom('department_members')
    .select(['department_id', 'duty'])
    .where('user_id', '=', id)
    .executeTakeFirst();
  const leavesDepartment =
    membership !== undefined &&
    (changes.departmentId !== undefined || (changes.role !== undefined && changes.role !== 'handler'));
  const data = {
    ...changes,
    endsDuties,
    ...(leavesDepartment ? { previousDepartmentId: membership.department_id } : {}),
  };
  return writeAudited(
    db,
    actor,
    now,
    { action: 'admin.person_updated', entityType: 'user', entityId: id, data },
    async (tx) => {
      const set = {
        ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
        ...(changes.role !== undefined ? { role: changes.role } : {}),
        ...(changes.regionId !== undefined ? { region_id: changes.regionId } : {}),
      };
      if (Object.keys(set).length > 0) await tx.updateTable('users').set(set).where('id', '=', id).execute();
      if (endsDuties) await tx.deleteFrom('grid_duties').where('user_id', '=', id).execute();
      if (leavesDepartment) {
        await tx.deleteFrom('department_members').where('user_id', '=', id).execute();
        await tx
          .deleteFrom('roster_shifts')
          .where('user_id', '=', id)
          .where('scope_kind', '=', 'department')
          .execute();
      }
      if (changes.departmentId !== undefined) {
        const duty = (membership?.duty as DutyKind | undefined) ?? 'primary';
        await addDepartmentMember(tx, changes.departmentId, id, duty);
      }
      // Their sockets sit in rooms of the old scope: they sign in again into the new one.
      return endsSessions ? endUserSessions(tx, id) : [];
    },
  );
}

/**
 * A new password issued by an administrator: the old one stops signing in, its sessions end, and
 * the person must change the new one at their next sign-in (the administrator has seen it).
 */
export async function setPasswordHash(
  db: StateDb,
  id: string,
  passwordHash: string,
  actor: AuditActor,
  now: number,
): Promise<string[]> {
  return writeAudited(
    db,
    actor,
    now,
    { action: 'admin.person_password_reset', entityType: 'user', entityId: id, data: null },
    async (tx) => {
      await tx
        .updateTable('users')
        .set({ password_hash: passwordHash, password_changed_at: now, must_change_password: 1 })
        .where('id', '=', id)
        .execute();
      return endUserSessions(tx, id);
    },
  );
}

export async function setPersonEnabled(
  db: StateDb,
  id: string,
  enabled: boolean,
  actor: AuditActor,
  now: number,
): Promise<string[]> {
  const action = enabled ? 'admin.person_enabled' : 'admin.person_disabled';
  return writeAudited(
    db,
    actor,
    now,
    { action, entityType: 'user', entityId: id, data: null },
    async (tx) => {
      await tx
        .updateTable('users')
        .set({ enabled: enabled ? 1 : 0 })
        .where('id', '=', id)
        .execute();
      return enabled ? [] : endUserSessions(tx, id);
    },
  );
}

/**
 * Makes a worker the grid's primary or backup (AB角): whoever held that duty gives it up, and
 * the worker's other duty in the same grid ends (one person cannot be both A and B).
 */
export async function setGridDuty(
  db: StateDb,
  gridId: string,
  userId: string,
  duty: DutyKind,
  actor: AuditActor,
  now: number,
): Promise<void> {
  const previous = await db
    .selectFrom('grid_duties')
    .select('user_id')
    .where('grid_id', '=', gridId)
    .where('duty', '=', duty)
    .execute();
  const data = { userId, duty, replaced: previous.map((p) => p.user_id).filter((id) => id !== userId) };
  await writeAudited(
    db,
    actor,
    now,
    { action: 'admin.grid_duty_set', entityType: 'region', entityId: gridId, data },
    async (tx) => {
      await tx
        .deleteFrom('grid_duties')
        .where('grid_id', '=', gridId)
        .where((eb) => eb.or([eb('duty', '=', duty), eb('user_id', '=', userId)]))
        .execute();
      await assignDuty(tx, gridId, userId, duty);
    },
  );
}

export async function clearGridDuty(
  db: StateDb,
  gridId: string,
  duty: DutyKind,
  actor: AuditActor,
  now: number,
): Promise<void> {
  await writeAudited(
    db,
    actor,
    now,
    { action: 'admin.grid_duty_cleared', entityType: 'region', entityId: gridId, data: { duty } },
    (tx) => tx.deleteFrom('grid_duties').where('grid_id', '=', gridId).where('duty', '=', duty).execute(),
  );
}
