import {
  apiText,
  AppError,
  atField,
  type DutyKind,
  type IssuedPasswordView,
  type PersonView,
  type Problem,
  type Region,
  type Role,
  type User,
} from '@gridsense/core';
import { handOverCases } from '@gridsense/alerts';
import {
  clearGridDuty,
  createPerson,
  findPerson,
  generatePassword,
  hashPassword,
  listDepartments,
  listPeople,
  resetTotp,
  setGridDuty,
  setPasswordHash,
  setPersonEnabled,
  updatePerson,
  usernameTaken,
  type PersonChanges,
} from '@gridsense/state';
import { regionsUnder, requireAdmin } from './admin-scope';
import { announceSessionsEnded } from './auth/session-store';
import type { WebDeps } from './web-deps';

const ROLES: readonly Role[] = ['grid_worker', 'supervisor', 'handler', 'operator', 'engineer', 'admin'];
const DUTIES: readonly DutyKind[] = ['primary', 'backup'];
const USERNAME = /^[A-Za-z0-9_.-]{2,32}$/;

type Body = Record<string, unknown>;
const bodyOf = (input: unknown): Body => (typeof input === 'object' && input !== null ? (input as Body) : {});

/**
 * People for administrators: list, create (the initial password is answered once, only its
 * scrypt hash is stored), reset a password the same way, change name, role, scope region or a
 * handler's department, disable, and grid duties (AB角). Every change is audited. A disabled
 * person can no longer sign in and routing passes them by (the backup takes over). Disabling,
 * a reset password and a new role, scope or department end the person's sessions and close
 * their sockets; an issued password (initial or reset) must be changed at the next sign-in.
 */
export function createPeopleAdminService(deps: WebDeps) {
  const scoped = (user: User) => {
    const actor = requireAdmin(user, 'people.manage');
    return { actor, regions: regionsUnder(deps.cases.regions(), user.regionId) };
  };

  const requirePerson = async (id: string, regions: readonly Region[]): Promise<PersonView> => {
    const person = await findPerson(deps.db, id);
    if (!person || !regions.some((r) => r.id === person.regionId))
      throw new AppError('not_found', apiText('notFound.person', { id }));
    return person;
  };

  /** Role and scope checked together: a grid worker's scope is one grid. */
  const checkRoleAndRegion = (
    role: unknown,
    regionId: unknown,
    regions: readonly Region[],
    errors: Problem[],
  ) => {
    if (!ROLES.includes(role as Role))
      errors.push(apiText('field.oneOf', { field: 'role', values: ROLES.join(', ') }));
    const region = regions.find((r) => r.id === regionId);
    if (!region) errors.push(apiText('field.regionInScope', { field: 'regionId' }));
    else if (role === 'grid_worker' && region.level !== 'grid')
      errors.push(apiText('field.gridForWorker', { field: 'regionId' }));
  };

  /** A handler's department, required when they become one; nobody else has one. */
  const checkDepartment = async (
    body: Body,
    role: unknown,
    person: PersonView,
    regions: readonly Region[],
    errors: Problem[],
  ) => {
    if (body.departmentId === undefined) {
      if (role === 'handler' && person.role !== 'handler')
        errors.push(apiText('field.departmentForHandler', { field: 'departmentId' }));
      return;
    }
    if (role !== 'handler') {
      errors.push(atField('departmentId', apiText('people.onlyHandlersHaveDepartment')));
      return;
    }
    const departments = await listDepartments(deps.db);
    const department = departments.find((d) => d.id === body.departmentId);
    if (!department || !regions.some((r) => r.id === department.regionId))
      errors.push(apiText('field.departmentInScope', { field: 'departmentId' }));
  };

  /**
   * A person who no longer holds a duty in a grid has left it (routing goes by duties): their open
   * cases there go to whoever is on duty now, or back to the dispatcher.
   */
  const handOverLeftGrids = async (before: PersonView, actor: { id: string; name: string }) => {
    const after = await findPerson(deps.db, before.id);
    const still = new Set(after?.duties.map((d) => d.gridId) ?? []);
    for (const gridId of new Set(before.duties.map((d) => d.gridId)))
      if (!still.has(gridId))
        await handOverCases(deps.cases.context, {
          userId: before.id,
          reason: 'left_grid',
          actor,
          scope: { kind: 'grid', id: gridId },
        });
  };

  const checkName = (value: unknown, errors: Problem[]) => {
    if (typeof value !== 'string' || value.trim() === '' || value.trim().length > 50)
      errors.push(apiText('field.lengthRange', { field: 'displayName', min: 1, max: 50 }));
  };

  return {
    async list(user: User): Promise<PersonView[]> {
      const { regions } = scoped(user);
      return (await listPeople(deps.db)).filter((p) => regions.some((r) => r.id === p.regionId));
    },

    async create(user: User, input: unknown): Promise<IssuedPasswordView> {
      const { actor, regions } = scoped(user);
      const body = bodyOf(input);
      const errors: Problem[] = [];
      const username = typeof body.username === 'string' ? body.username.trim() : '';
      if (!USERNAME.test(username))
        errors.push(
          apiText('field.charsRange', { field: 'username', min: 2, max: 32, chars: 'A-Z a-z 0-9 _ . -' }),
        );
      else if (await usernameTaken(deps.db, username))
        errors.push(apiText('people.usernameTaken', { username }));
      checkName(body.displayName, errors);
      checkRoleAndRegion(body.role, body.regionId, regions, errors);
      const departments = await listDepartments(deps.db);
      const departmentId = body.role === 'handler' ? body.departmentId : undefined;
      const department = departments.find((d) => d.id === departmentId);
      if (body.role === 'handler' && !department)
        errors.push(apiText('field.departmentForHandler', { field: 'departmentId' }));
      else if (department && !regions.some((r) => r.id === department.regionId))
        errors.push(apiText('field.departmentInScope', { field: 'departmentId' }));
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.person'), errors);

      const password = generatePassword(username);
      const record = {
        id: `u-${username}`,
        username,
        displayName: (body.displayName as string).trim(),
        role: body.role as Role,
        regionId: body.regionId as string,
        passwordHash: await hashPassword(password),
      };
      if (await findPerson(deps.db, record.id))
        throw new AppError('validation_failed', apiText('invalid.person'), [
          apiText('people.usernameTaken', { username }),
        ]);
      await createPerson(deps.db, record, (departmentId as string | undefined) ?? null, actor, deps.now());
      return { person: (await findPerson(deps.db, record.id))!, password };
    },

    async update(user: User, id: string, input: unknown): Promise<PersonView> {
      const { actor, regions } = scoped(user);
      const person = await requirePerson(id, regions);
      const body = bodyOf(input);
      const errors: Problem[] = [];
      if (body.displayName !== undefined) checkName(body.displayName, errors);
      const role = body.role ?? person.role;
      const regionId = body.regionId ?? person.regionId;
      checkRoleAndRegion(role, regionId, regions, errors);
      if (id === user.id && role !== person.role)
        errors.push(atField('role', apiText('people.cannotChangeOwnRole')));
      await checkDepartment(body, role, person, regions, errors);
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.person'), errors);
      const departmentId = body.departmentId as string | undefined;
      const changes: PersonChanges = {
        ...(typeof body.displayName === 'string' ? { displayName: body.displayName.trim() } : {}),
        ...(role !== person.role ? { role: role as Role } : {}),
        ...(regionId !== person.regionId ? { regionId: regionId as string } : {}),
        ...(departmentId !== undefined && departmentId !== person.departmentId ? { departmentId } : {}),
      };
      await announceSessionsEnded(deps, id, await updatePerson(deps.db, id, changes, actor, deps.now()));
      await handOverLeftGrids(person, actor);
      return (await findPerson(deps.db, id))!;
    },

    /** A new generated password, answered once; only its hash is stored. */
    async resetPassword(user: User, id: string): Promise<IssuedPasswordView> {
      const { actor, regions } = scoped(user);
      const person = await requirePerson(id, regions);
      // Resetting one's own would end the very session the new password is shown in.
      if (id === user.id)
        throw new AppError('validation_failed', apiText('invalid.change'), [
          apiText('people.cannotResetOwnPassword'),
        ]);
      const password = generatePassword(person.username);
      const ended = await setPasswordHash(deps.db, id, await hashPassword(password), actor, deps.now());
      await announceSessionsEnded(deps, id, ended);
      return { person: (await findPerson(deps.db, id))!, password };
    },

    /** A lost phone: the person's second factor is removed and their sessions end; they enrol again. */
    async resetTotp(user: User, id: string): Promise<PersonView> {
      const { actor, regions } = scoped(user);
      const person = await requirePerson(id, regions);
      await announceSessionsEnded(deps, id, await resetTotp(deps.db, id, actor, deps.now()));
      return person;
    },

    async setEnabled(user: User, id: string, enabled: boolean): Promise<PersonView> {
      const { actor, regions } = scoped(user);
      await requirePerson(id, regions);
      if (!enabled && id === user.id)
        throw new AppError('validation_failed', apiText('invalid.change'), [
          apiText('people.cannotDisableSelf'),
        ]);
      await announceSessionsEnded(deps, id, await setPersonEnabled(deps.db, id, enabled, actor, deps.now()));
      // Routing already passes a disabled person by; what they hold goes to whoever is on duty.
      if (!enabled) await handOverCases(deps.cases.context, { userId: id, reason: 'disabled', actor });
      return (await findPerson(deps.db, id))!;
    },

    /** `userId: null` leaves the duty empty. */
    async setDuty(user: User, gridId: string, duty: string, input: unknown): Promise<PersonView[]> {
      const { actor, regions } = scoped(user);
      if (!regions.some((r) => r.id === gridId && r.level === 'grid'))
        throw new AppError('not_found', apiText('notFound.grid', { id: gridId }));
      const errors: Problem[] = [];
      if (!DUTIES.includes(duty as DutyKind)) errors.push(apiText('people.dutyOneOf'));
      const userId = bodyOf(input).userId;
      const person = typeof userId === 'string' ? await findPerson(deps.db, userId) : undefined;
      if (userId !== null && (!person || !regions.some((r) => r.id === person.regionId)))
        errors.push(apiText('field.personInScope', { field: 'userId' }));
      else if (person && person.role !== 'grid_worker')
        errors.push(apiText('field.gridWorker', { field: 'userId' }));
      else if (person && !person.enabled) errors.push(apiText('field.disabled', { field: 'userId' }));
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.duty'), errors);
      const holders = (await listPeople(deps.db)).filter((p) => p.duties.some((d) => d.gridId === gridId));
      if (person) await setGridDuty(deps.db, gridId, person.id, duty as DutyKind, actor, deps.now());
      else await clearGridDuty(deps.db, gridId, duty as DutyKind, actor, deps.now());
      for (const holder of holders) await handOverLeftGrids(holder, actor);
      return (await listPeople(deps.db)).filter((p) => p.duties.some((d) => d.gridId === gridId));
    },
  };
}
