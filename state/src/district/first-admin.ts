import { inEnglish, passwordProblems } from '@gridsense/core';
import type { AuditActor } from '../case-config.repository';
import { generatePassword, hashPassword } from '../credentials';
import type { StateDb } from '../database';
import { createPerson, findPerson, usernameTaken } from '../people-admin.repository';
import { findDistrictRoot } from './seed-district';

/** The same rule the people admin applies to usernames. */
const USERNAME = /^[A-Za-z0-9_.-]{2,32}$/;

/** Who the audit log names for a change made from the command line on the server. */
export const COMMAND_LINE_ACTOR: AuditActor = { id: 'system', name: '命令行 npm run admin:create' };

export type FirstAdminResult =
  { ok: true; userId: string; regionId: string; password: string } | { ok: false; problems: string[] };

/**
 * An administrator of the whole district with a generated password (shown once by the caller,
 * changed at first sign-in). For the first administrator of a production district, who has
 * nobody to create them; refuses a username already taken, disabled people's too.
 */
export async function createDistrictAdmin(
  db: StateDb,
  input: { username: string; displayName: string; now: number },
): Promise<FirstAdminResult> {
  const problems: string[] = [];
  const username = input.username.trim();
  const displayName = input.displayName.trim();
  if (!USERNAME.test(username)) problems.push('--username must be 2–32 of A-Z a-z 0-9 _ . -');
  else if ((await usernameTaken(db, username)) || (await findPerson(db, `u-${username}`)))
    problems.push(`username ${username} is taken`);
  if (displayName === '' || displayName.length > 50) problems.push('--name must be 1–50 characters');
  const root = await findDistrictRoot(db);
  if (!root) problems.push('the district is not seeded yet: start GridSense once first');
  if (problems.length > 0 || !root) return { ok: false, problems };

  const password = generatePassword(username);
  // generatePassword draws until the policy holds; checked again so a change there cannot slip by.
  const weak = passwordProblems(password, username);
  if (weak.length > 0) throw new Error(`generated password breaks the policy: ${inEnglish(weak).join('; ')}`);
  const record = {
    id: `u-${username}`,
    username,
    displayName,
    role: 'admin' as const,
    regionId: root.id,
    passwordHash: await hashPassword(password),
  };
  await createPerson(db, record, null, COMMAND_LINE_ACTOR, input.now);
  return { ok: true, userId: record.id, regionId: root.id, password };
}
