import { AppError, regionLineage, type Region, type User } from '@gridsense/core';

/** Administrators manage the regions under their own (a district admin: the whole district). */
export function requireAdmin(user: User): { id: string; name: string } {
  if (user.role !== 'admin') throw new AppError('forbidden', 'only administrators manage grids and people');
  return { id: user.id, name: user.displayName };
}

export function regionsUnder(regions: readonly Region[], regionId: string): Region[] {
  return regions.filter((region) => regionLineage(regions, region.id).some((r) => r.id === regionId));
}
