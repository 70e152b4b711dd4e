import { authorize, regionLineage, type Action, type Region, type User } from '@gridsense/core';

/** Administrators manage the regions under their own (a district admin: the whole district). */
export function requireAdmin(
  user: User,
  action: Extract<Action, 'people.manage' | 'region.manage'>,
): { id: string; name: string } {
  authorize(user, action);
  return { id: user.id, name: user.displayName };
}

export function regionsUnder(regions: readonly Region[], regionId: string): Region[] {
  return regions.filter((region) => regionLineage(regions, region.id).some((r) => r.id === regionId));
}
