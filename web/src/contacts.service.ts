import {
  apiText,
  AppError,
  parsePersonContacts,
  type CaseContactRole,
  type CaseContactView,
  type PersonContactsView,
  type User,
} from '@gridsense/core';
import {
  findPerson,
  findPersonContacts,
  findUserById,
  listPersonContacts,
  setPersonContacts,
} from '@gridsense/state';
import { regionsUnder, requireAdmin } from './admin-scope';
import type { WebDeps } from './web-deps';

/**
 * People's work phones and DingTalk / WeCom user ids: set by administrators for the people in
 * their scope; a colleague's phone is shown to whoever may see the case they share (a `tel:`
 * link), never a hotline caller's (that stays with the command centre's audited reveal).
 */
export function createContactsService(deps: WebDeps) {
  const requirePersonInScope = async (user: User, id: string) => {
    const actor = requireAdmin(user, 'people.manage');
    // Disabled people too: their contacts are still theirs to keep or clear.
    const person = await findPerson(deps.db, id);
    const regions = regionsUnder(deps.cases.regions(), user.regionId);
    if (!person || !regions.some((r) => r.id === person.regionId))
      throw new AppError('not_found', apiText('notFound.person', { id }));
    return actor;
  };

  return {
    async get(user: User, personId: string): Promise<PersonContactsView> {
      await requirePersonInScope(user, personId);
      return findPersonContacts(deps.db, personId);
    },

    async set(user: User, personId: string, input: unknown): Promise<PersonContactsView> {
      const actor = await requirePersonInScope(user, personId);
      const parsed = parsePersonContacts(input);
      if (!parsed.ok) throw new AppError('validation_failed', apiText('invalid.contacts'), parsed.errors);
      await setPersonContacts(deps.db, personId, parsed.contacts, actor, deps.now());
      return parsed.contacts;
    },

    /** The colleagues on a case who have a work phone, the viewer left out. */
    async forCase(user: User, caseId: string): Promise<CaseContactView[]> {
      const { case: view } = await deps.cases.detail(user, caseId);
      const roles = new Map<string, CaseContactRole[]>();
      const add = (id: string | null, role: CaseContactRole) => {
        if (!id || id === 'system' || id === user.id) return;
        roles.set(id, [...(roles.get(id) ?? []), role]);
      };
      add(view.dispatcherId, 'dispatcher');
      add(view.reporterId, 'reporter');
      add(view.assigneeId, 'assignee');
      for (const id of view.coHandlerIds) add(id, 'co_handler');
      const contacts = await listPersonContacts(deps.db, [...roles.keys()]);
      const listed: CaseContactView[] = [];
      for (const [id, personRoles] of roles) {
        const phone = contacts.get(id)?.phone;
        const person = phone ? await findUserById(deps.db, id) : undefined;
        if (phone && person) listed.push({ userId: id, name: person.displayName, roles: personRoles, phone });
      }
      return listed;
    },
  };
}
