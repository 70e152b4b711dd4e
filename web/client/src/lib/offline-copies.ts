import type { CaseCategoryNode, CaseView, User } from '@gridsense/core';
import { deleteOne, offlineStoreAvailable, readOne, writeOne } from './offline-db';
import { homeFor } from './routes';

/**
 * The last copies a field worker's phone keeps to work offline: who is signed in (so a reload in
 * a basement still opens their page), their open cases with the time they were fetched, and the
 * category list the patrol report picks from. Only for people whose home is their own queue
 * (grid workers, handlers): a command centre's lists stay on the server. Signing out removes them.
 */

const USER_KEY = 'gridsense.offline-user';

export interface CaseCopy {
  userId: string;
  savedAt: number;
  cases: CaseView[];
}

export const keepsOfflineCopies = (user: Pick<User, 'role'>): boolean => homeFor(user.role) === '#/my';

export function rememberUser(user: User): void {
  try {
    if (keepsOfflineCopies(user)) localStorage.setItem(USER_KEY, JSON.stringify(user));
    else localStorage.removeItem(USER_KEY);
  } catch {
    // Storage refused (private mode): the phone simply does not open offline.
  }
}

export function rememberedUser(): User | null {
  try {
    const stored = localStorage.getItem(USER_KEY);
    return stored ? (JSON.parse(stored) as User) : null;
  } catch {
    return null;
  }
}

const ignore = (error: unknown) => console.warn('offline copy', error);

export function saveCaseCopy(userId: string, cases: readonly CaseView[]): void {
  if (!offlineStoreAvailable()) return;
  const copy: CaseCopy = { userId, savedAt: Date.now(), cases: [...cases] };
  writeOne('copies', copy, `cases:${userId}`).catch(ignore);
}

export async function readCaseCopy(userId: string): Promise<CaseCopy | undefined> {
  if (!offlineStoreAvailable()) return undefined;
  return readOne<CaseCopy>('copies', `cases:${userId}`).catch(() => undefined);
}

export function saveConfigCopy(categories: readonly CaseCategoryNode[]): void {
  if (offlineStoreAvailable()) writeOne('copies', [...categories], 'case-config').catch(ignore);
}

export async function readConfigCopy(): Promise<CaseCategoryNode[] | undefined> {
  if (!offlineStoreAvailable()) return undefined;
  return readOne<CaseCategoryNode[]>('copies', 'case-config').catch(() => undefined);
}

/** Signing out: nothing of the person's stays readable on the phone (their unsent outbox stays theirs). */
export function forgetCopies(): void {
  const user = rememberedUser();
  try {
    localStorage.removeItem(USER_KEY);
  } catch {
    // nothing stored
  }
  if (user && offlineStoreAvailable()) deleteOne('copies', `cases:${user.id}`).catch(ignore);
}
