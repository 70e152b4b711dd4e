import type { PolygonGeometry, Region, RegionLevel } from '@gridsense/core';
import type { StateDb } from './database';

export async function listRegions(db: StateDb): Promise<Region[]> {
  const rows = await db.selectFrom('regions').selectAll().orderBy('id').execute();
  return rows.map((r) => ({
    id: r.id,
    level: r.level as RegionLevel,
    parentId: r.parent_id,
    name: r.name,
    boundary: r.boundary ? (JSON.parse(r.boundary) as PolygonGeometry) : null,
  }));
}

export async function insertRegions(db: StateDb, regions: Region[]): Promise<void> {
  if (regions.length === 0) return;
  await db
    .insertInto('regions')
    .values(
      regions.map((r) => ({
        id: r.id,
        level: r.level,
        parent_id: r.parentId,
        name: r.name,
        boundary: r.boundary ? JSON.stringify(r.boundary) : null,
      })),
    )
    .execute();
}
