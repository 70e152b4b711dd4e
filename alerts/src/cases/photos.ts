import type { User } from '@gridsense/core';
import { findCase, findPhoto, listPhotoCaseIds } from '@gridsense/state';
import { canSee } from './scope';
import type { CaseContext } from './context';

/**
 * Who may look at an evidence photo: anyone who can see a case that uses it; until a case uses
 * it, only the person who uploaded it.
 */
export async function canReadPhoto(ctx: CaseContext, user: User, photoId: string): Promise<boolean> {
  const photo = await findPhoto(ctx.db, photoId);
  if (!photo) return false;
  const caseIds = await listPhotoCaseIds(ctx.db, photoId);
  if (caseIds.length === 0) return photo.uploaderId === user.id;
  for (const caseId of caseIds) {
    const record = await findCase(ctx.db, caseId);
    if (record && (await canSee(ctx, user, record))) return true;
  }
  return false;
}
