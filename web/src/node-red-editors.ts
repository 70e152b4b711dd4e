import { can, type User } from '@gridsense/core';
import type { EditorAccount } from '@gridsense/flows';
import { findTotpState, findUserByUsername, verifyPassword, type StateDb } from '@gridsense/state';
import { checkSecondFactor } from './auth/second-factor';

/** Who may open the flow editor (`flows.edit`): what engineers deploy there runs as code. */
export const mayEditFlows = (user: Pick<User, 'role' | 'regionId'>): boolean => can(user, 'flows.edit');

/** Wrong passwords one name may try in a window before its editor sign-in is refused unchecked. */
const FAILURES_PER_NAME = 5;
const FAILURE_WINDOW_MS = 15 * 60_000;
/** Sign-ins checked at once; more are refused (each costs a slow password hash). */
const CHECKS_AT_ONCE = 4;
/** Names remembered with failures; the oldest are forgotten first (guessing at random names). */
const NAMES_KEPT = 1000;

/**
 * Editor sign-in for Node-RED with GridSense accounts, answered by the platform: the Node-RED
 * process asks with a name (and a password) and learns only whether that person may edit. It
 * never sees a password hash. Guessing is bounded per name and in total, whether the guesses
 * come through the editor's login or from code running inside Node-RED.
 *
 * Editors are roles that require two-factor sign-in, and Node-RED's form has only a password
 * field: the password is typed followed by the 6-digit code (`secret123456`). The code is taken
 * once, as at the console's sign-in. A person who has not enrolled (in the console) cannot sign
 * in here, and an administrator's reset shuts them out of the editor too.
 */
export function editorAccounts(db: StateDb, now: () => number) {
  const failures = new Map<string, { count: number; since: number }>();
  let checking = 0;

  const blocked = (username: string): boolean => {
    const entry = failures.get(username);
    if (entry && now() - entry.since > FAILURE_WINDOW_MS) failures.delete(username);
    return (failures.get(username)?.count ?? 0) >= FAILURES_PER_NAME;
  };
  const recordFailure = (username: string) => {
    const entry = failures.get(username) ?? { count: 0, since: now() };
    entry.count++;
    failures.set(username, entry);
    if (failures.size > NAMES_KEPT) failures.delete(failures.keys().next().value!);
  };

  const enrolled = async (userId: string): Promise<boolean> =>
    (await findTotpState(db, userId))?.enabled === true;

  return {
    async find(username: string): Promise<EditorAccount | null> {
      const user = await findUserByUsername(db, username);
      return user && mayEditFlows(user) && (await enrolled(user.id)) ? { username, permissions: '*' } : null;
    },

    async authenticate(username: string, password: string): Promise<EditorAccount | null> {
      if (checking >= CHECKS_AT_ONCE || blocked(username)) return null;
      checking++;
      try {
        const user = await findUserByUsername(db, username);
        const split = /^(.*)(\d{6})$/s.exec(password);
        const ok =
          user !== undefined &&
          split !== null &&
          mayEditFlows(user) &&
          (await verifyPassword(split[1]!, user.passwordHash)) &&
          (await checkSecondFactor(db, user.id, { code: split[2]! }, now())) === 'totp';
        if (!ok) recordFailure(username);
        else failures.delete(username);
        return ok ? { username, permissions: '*' } : null;
      } finally {
        checking--;
      }
    },
  };
}
